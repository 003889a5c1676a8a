import { weightChart } from '../../src/report/mermaid.js'
import { entry, promotedTimeline, T0 } from './fixtures.js'
import { parseXyChart } from './xychart-grammar.js'

const labels = { live: 'web-blue', idle: 'web-green' }

describe('weightChart', () => {
  it('draws nothing for an empty timeline', () => {
    expect(weightChart([], labels)).toBe('')
  })

  it('draws a single entry as one point', () => {
    const chart = parseXyChart(weightChart([entry(0, 'idle side scaling up', 0)], labels))
    expect(chart.categories).toEqual(['0s'])
    expect(chart.lines).toEqual([
      { name: 'web-blue', values: [100] },
      { name: 'web-green', values: [0] }
    ])
  })

  it('holds the last weights until the run ends, so one entry still makes a line', () => {
    const timeline = [entry(5, 'idle side scaling up', 0)]
    const chart = parseXyChart(
      weightChart(timeline, labels, { startedAt: T0, finishedAt: T0 + 70_000 })
    )
    expect(chart.categories).toEqual(['5s', '1m10s'])
    expect(chart.lines.map((line) => line.values)).toEqual([
      [100, 100],
      [0, 0]
    ])
  })

  it('shows both sides over a whole rollout on a 0-100 traffic axis', () => {
    const chart = parseXyChart(weightChart(promotedTimeline, labels))
    expect(chart.title).toContain('web-blue')
    expect(chart.title).toContain('web-green')
    expect(chart.yTitle).toBe('traffic %')
    expect(chart.yRange).toEqual([0, 100])
    expect(chart.categories).toEqual(['0s', '40s', '41s', '1m41s', '2m42s', '3m43s'])
    expect(chart.lines).toEqual([
      { name: 'web-blue', values: [100, 100, 90, 50, 0, 0] },
      { name: 'web-green', values: [0, 0, 10, 50, 100, 100] }
    ])
  })

  it('keeps the latest weights of entries within the same second', () => {
    const timeline = [
      entry(0, 'idle side healthy', 0),
      { ...entry(0, 'shifted to 10%', 10), at: T0 + 400 }
    ]
    const chart = parseXyChart(weightChart(timeline, labels))
    expect(chart.categories).toEqual(['0s'])
    expect(chart.lines[1]!.values).toEqual([10])
  })

  it('cannot be broken by what the service names hold', () => {
    const hostile = {
      live: 'blue"]\n  line "x" [1]; %% comment',
      idle: 'green #quot; [x] (y)'
    }
    const chart = parseXyChart(weightChart(promotedTimeline, hostile))
    expect(chart.lines).toHaveLength(2)
    for (const line of chart.lines) expect(line.name).not.toMatch(/["[\]#;%\n]/)
  })

  it('names the sides even when nothing of a label survives', () => {
    const chart = parseXyChart(weightChart(promotedTimeline, { live: '"[]"', idle: '' }))
    expect(chart.lines.map((line) => line.name)).toEqual(['old side', 'new side'])
  })

  it('draws weights out of range or not numbers as plain numbers within 0-100', () => {
    const odd = [{ ...entry(0, 'odd', 0), liveWeight: Number.NaN, idleWeight: 120.4 }]
    const chart = parseXyChart(weightChart(odd, labels))
    expect(chart.lines.map((line) => line.values)).toEqual([[0], [100]])
  })
})
