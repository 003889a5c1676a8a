import type { RolloutOutcome } from '../../src/rollout/settings.js'
import { renderSummary } from '../../src/report/summary.js'
import {
  PREVIOUS,
  REVISION,
  T0,
  entry,
  promoted,
  promotedTimeline,
  reverted,
  revertedTimeline,
  settings
} from './fixtures.js'
import { parseMarkdown, tables } from './gfm-model.js'
import { parseXyChart } from './xychart-grammar.js'

function render(outcome: RolloutOutcome, timeline = promotedTimeline, runUrl?: string): string {
  return renderSummary({
    settings: settings(),
    outcome,
    timeline,
    startedAt: T0,
    finishedAt: T0 + 230_000,
    runUrl
  })
}

/** The table whose header starts with `first`, as rows of cells (header first). */
function tableStartingWith(markdown: string, first: string): string[][] {
  const found = tables(markdown).find((rows) => rows[0]?.[0] === first)
  if (!found) throw new Error(`no table starting with ${first}`)
  return found
}

function mermaidChart(markdown: string) {
  const blocks = parseMarkdown(markdown).blocks.filter((block) => block.info === 'mermaid')
  expect(blocks).toHaveLength(1)
  return parseXyChart(`\`\`\`mermaid\n${blocks[0]!.content}\n\`\`\``)
}

describe('a promoted deploy', () => {
  const summary = render(promoted())

  it('says so in the heading, with where the traffic is now', () => {
    expect(summary.split('\n')[0]).toBe('## ECS blue/green: Promoted')
    expect(summary).toContain('All traffic is on **web-green**, running `web:42`. Took 3m50s.')
  })

  it('names both revisions briefly, with the full ARNs one click away', () => {
    expect(summary).toContain('Revision: `web:42`')
    expect(summary).toContain('Previous revision: `web:41`')
    const details = summary.slice(summary.indexOf('<details>'), summary.indexOf('</details>'))
    expect(details).toContain(REVISION)
    expect(details).toContain(PREVIOUS)
  })

  it('lists both services with their target groups and traffic after the run', () => {
    expect(tableStartingWith(summary, 'Service')).toEqual([
      ['Service', 'Target group', 'After the run'],
      ['`web-blue`', '`tg-blue`', 'idle (0%)'],
      ['`web-green`', '`tg-green`', 'live (100%)']
    ])
  })

  it('has a timeline row for every entry, in order, timed from the start of the run', () => {
    const rows = tableStartingWith(summary, 'Elapsed')
    expect(rows[0]).toEqual([
      'Elapsed',
      'Event',
      'Traffic web-blue / web-green',
      'Healthy web-blue',
      'Healthy web-green'
    ])
    expect(rows.slice(1)).toEqual([
      ['0s', 'idle side scaling up', '100% / 0%', '2/2', '0/2'],
      ['40s', 'idle side healthy', '100% / 0%', '2/2', '2/2'],
      ['41s', 'shifted to 10%', '90% / 10%', '2/2', '2/2'],
      ['1m41s', 'shifted to 50%', '50% / 50%', '2/2', '2/2'],
      ['2m42s', 'shifted to 100%', '0% / 100%', '2/2', '2/2'],
      ['3m43s', 'promoted', '0% / 100%', '2/2', '2/2']
    ])
  })

  it('charts both sides to the end of the run, and says which line is which', () => {
    const chart = mermaidChart(summary)
    expect(chart.lines.map((line) => line.name)).toEqual(['web-blue', 'web-green'])
    expect(chart.categories.at(-1)).toBe('3m50s')
    expect(chart.lines[1]!.values.at(-1)).toBe(100)
    expect(summary).toContain('web-blue starts at 100%, web-green at 0%.')
  })

  it('shows the plan and when the old side goes away, and nothing meant for other results', () => {
    expect(summary).toContain('1. scale web-green up to 2 tasks of web:42')
    expect(summary).toContain('Old side scale-down: web-blue is scaled to 0 in 5m')
    expect(summary).not.toContain('### To continue')
    expect(summary).not.toContain('### Stopped tasks')
    expect(summary).not.toContain('```diff')
  })
})

describe('a reverted deploy', () => {
  const summary = render(reverted(), revertedTimeline)

  it('says the traffic is back, and why', () => {
    expect(summary.split('\n')[0]).toBe('## ECS blue/green: Reverted')
    expect(summary).toContain('all traffic is back on **web-blue**, running `web:41`')
    expect(summary).toContain('**Reason:** tasks of web-green stopped while at 10%')
  })

  it('lists every stopped task with its stop reason, stop code and exit codes', () => {
    expect(tableStartingWith(summary, 'Task').slice(1)).toEqual([
      [
        '`0a1b2c3d4e`',
        '`EssentialContainerExited`',
        'Essential container in task exited',
        'app: exit 137 (OutOfMemoryError: Container killed)'
      ],
      [
        '`5f6a7b8c9d`',
        '`ServiceSchedulerInitiated`',
        'Task failed ELB health checks in (target-group tg-green)',
        'app: exit 143; log-router: no exit code'
      ]
    ])
  })

  it('shows the recent service events', () => {
    expect(summary).toContain('- (service web-green) has started 1 tasks: (task 5f6a7b8c9d).')
    expect(summary).toContain('- (service web-green) deregistered 1 targets')
  })

  it('names the sides by what they were when the run started', () => {
    expect(tableStartingWith(summary, 'Service').slice(1)).toEqual([
      ['`web-blue`', '`tg-blue`', 'live (100%)'],
      ['`web-green`', '`tg-green`', 'idle (0%)']
    ])
    expect(mermaidChart(summary).lines.map((line) => line.values)).toEqual([
      [100, 100, 90, 90, 100, 100],
      [0, 0, 10, 10, 0, 0]
    ])
  })

  it('keeps only the ten newest service events', () => {
    const events = Array.from({ length: 14 }, (_, i) => `event ${i}`)
    const long = render(reverted({ serviceEvents: events }), revertedTimeline)
    expect(long).toContain('- event 9\n- and 4 older')
    expect(long).not.toContain('event 10')
  })
})

describe('a paused deploy', () => {
  const timeline = promotedTimeline.slice(0, 4)
  const summary = render(promoted({ result: 'paused', scaleDown: undefined }), timeline)

  it('tells how much traffic moved and how to continue or go back', () => {
    expect(summary.split('\n')[0]).toBe('## ECS blue/green: Paused')
    expect(summary).toContain('paused with 50% of the traffic on the new side (`web:42`)')
    expect(summary).toContain('### To continue')
    expect(summary).toContain('`command: promote`')
    expect(summary).toContain('`command: abort`')
  })

  it('does not guess which service is which side while the traffic is split', () => {
    expect(tableStartingWith(summary, 'Elapsed')[0]).toEqual([
      'Elapsed',
      'Event',
      'Traffic old / new',
      'Healthy old',
      'Healthy new'
    ])
    expect(mermaidChart(summary).lines.map((line) => line.name)).toEqual(['old side', 'new side'])
  })
})

describe('a dry run', () => {
  const plan = (diff: string | undefined) =>
    render(
      promoted({
        result: 'planned',
        taskDefinitionArn: undefined,
        liveService: 'web-blue',
        idleService: 'web-green',
        liveTargetGroupArn: undefined,
        idleTargetGroupArn: undefined,
        scaleDown: undefined,
        taskDefinitionDiff: diff
      }),
      []
    )

  it('says nothing changed and shows the diff in a fence no line of it can close', () => {
    const diff = [
      '   "image": ',
      '-    "web:1.4.1"',
      '+    "web:1.4.2 ````` ```"',
      '```',
      '````'
    ].join('\n')
    const summary = plan(diff)
    expect(summary.split('\n')[0]).toBe('## ECS blue/green: Planned')
    expect(summary).toContain('Dry run: nothing was changed.')
    const fence = /^(`+)diff$/m.exec(summary)![1]!
    expect(fence.length).toBeGreaterThan(5)
    const blocks = parseMarkdown(summary).blocks
    expect(blocks).toEqual([{ info: 'diff', content: diff }])
  })

  it('says so when the rendered revision is the same as the live one', () => {
    expect(plan('')).toContain('The rendered task definition is the same as the live revision.')
  })

  it('has no timeline or chart when nothing moved', () => {
    const summary = plan('')
    expect(summary).not.toContain('### Timeline')
    expect(summary).not.toContain('mermaid')
  })
})

describe('the link to the run', () => {
  it('links an https run', () => {
    const url = 'https://github.com/acme/web/actions/runs/123'
    expect(render(promoted(), promotedTimeline, url)).toContain(`[Workflow run](${url})`)
  })

  it('links nothing that is not http(s), and keeps parentheses inside the link', () => {
    expect(render(promoted(), promotedTimeline, 'javascript:alert(1)')).not.toContain('[Workflow')
    expect(render(promoted(), promotedTimeline, 'https://x.test/a)(b')).toContain(
      '(https://x.test/a%29%28b)'
    )
  })
})

it('times the timeline from the start of the run, not from its first entry', () => {
  const summary = render(promoted(), [entry(30, 'idle side healthy', 0)])
  expect(tableStartingWith(summary, 'Elapsed')[1]![0]).toBe('30s')
})

describe('the summary of command: tidy', () => {
  it('says what it did to the old side, and does not claim nothing changed', async () => {
    const { renderSummary } = await import('../../src/report/summary.js')
    const { BlueGreen } = await import('../support/blue-green.js')
    const bg = new BlueGreen()
    const text = renderSummary({
      settings: bg.settings({ command: 'tidy' }),
      outcome: {
        result: 'unchanged',
        liveService: 'web-green',
        idleService: 'web-blue',
        scaleDown: 'web-blue scaled to 0, 6m after promotion',
        stoppedTasks: [],
        serviceEvents: [],
        plan: []
      },
      timeline: [],
      startedAt: 0,
      finishedAt: 3000
    })
    expect(text).toContain('No traffic moved and no revision changed.')
    expect(text).not.toContain('Nothing was changed.')
    expect(text).toContain('Old side scale-down: web-blue scaled to 0, 6m after promotion')
  })
})
