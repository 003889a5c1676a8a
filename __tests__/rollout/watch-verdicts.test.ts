import { alarmsAtStart, judgeAlarms } from '../../src/rollout/watch/alarms.js'
import { judgeWindow } from '../../src/rollout/watch/analysis.js'
import type { AlarmView, SideFigures } from '../../src/rollout/ports.js'
import type { MetricThresholds } from '../../src/rollout/watch/settings.js'

const limits = (more: Partial<MetricThresholds>): MetricThresholds => ({
  minRequests: 50,
  failureLimit: 1,
  windowMs: 60_000,
  delayMs: 0,
  ...more
})
const side = (
  requests: number,
  errors5xx: number,
  p95Ms?: number,
  p99Ms?: number
): SideFigures => ({
  requests,
  errors5xx,
  ...(p95Ms === undefined ? {} : { p95Ms }),
  ...(p99Ms === undefined ? {} : { p99Ms })
})

describe('judging one metric window', () => {
  it.each([
    ['under the absolute 5xx limit', { maxErrorRate: 1 }, side(1000, 9), side(9000, 0), 'good'],
    ['at the absolute 5xx limit', { maxErrorRate: 1 }, side(1000, 10), side(9000, 0), 'good'],
    ['above the absolute 5xx limit', { maxErrorRate: 1 }, side(1000, 11), side(9000, 0), 'bad'],
    [
      'within a point of a live side that errs too',
      { maxErrorRateIncrease: 1 },
      side(1000, 25),
      side(9000, 180),
      'good'
    ],
    [
      'more than a point above the live side',
      { maxErrorRateIncrease: 1 },
      side(1000, 31),
      side(9000, 180),
      'bad'
    ],
    [
      'no live traffic to compare with (100%)',
      { maxErrorRateIncrease: 1 },
      side(1000, 31),
      side(0, 0),
      'good'
    ],
    ['p99 above its limit', { maxP99Ms: 500 }, side(1000, 0, 100, 501), side(9000, 0), 'bad'],
    ['p95 at its limit', { maxP95Ms: 300 }, side(1000, 0, 300, 900), side(9000, 0), 'good'],
    [
      'latency 50% over a slow live side is allowed',
      { maxLatencyIncrease: 50 },
      side(1000, 0, 150, 300),
      side(9000, 0, 100, 200),
      'good'
    ],
    [
      'latency more than 50% over the live side',
      { maxLatencyIncrease: 50 },
      side(1000, 0, 151, 200),
      side(9000, 0, 100, 200),
      'bad'
    ],
    [
      'too few requests, however bad',
      { maxErrorRate: 1 },
      side(49, 49),
      side(9000, 0),
      'not enough traffic'
    ],
    [
      'nothing served at all',
      { maxP99Ms: 1 },
      side(0, 0),
      side(9000, 0, 5, 9),
      'not enough traffic'
    ]
  ] as const)('%s', (_name, given, idle, live, judgement) => {
    expect(judgeWindow(idle, live, limits(given)).judgement).toBe(judgement)
  })

  it('says every limit a window broke, with the figures', () => {
    const verdict = judgeWindow(
      side(1000, 200, 80, 812),
      side(9000, 45, 40, 90),
      limits({ maxErrorRate: 1, maxErrorRateIncrease: 1, maxP99Ms: 500 })
    )
    expect(verdict.reasons).toEqual([
      '5xx 20% (200 of 1000 requests) is above max-error-rate 1%',
      "5xx 20% is 19.5 points above the live side's 0.5% (max-error-rate-increase 1 point)",
      'p99 latency 812ms is above max-p99-latency 500ms'
    ])
  })

  it('names the shortfall when there is not enough traffic', () => {
    expect(judgeWindow(side(7, 0), side(0, 0), limits({ maxErrorRate: 1 })).reasons).toEqual([
      '7 requests, fewer than min-requests 50'
    ])
  })
})

const alarm = (name: string, state: AlarmView['state'], reason = ''): AlarmView => ({
  name,
  state,
  reason
})

describe('alarms at the start of a rollout', () => {
  it('are clear when none is in ALARM (INSUFFICIENT_DATA is not a failure)', () => {
    const seen = [alarm('a', 'OK'), alarm('b', 'INSUFFICIENT_DATA')]
    expect(alarmsAtStart(['a', 'b'], seen, 'block')).toEqual({
      kind: 'clear',
      ignoring: [],
      notes: []
    })
  })

  it('block the start when one is in ALARM and alarms-at-start is block', () => {
    const verdict = alarmsAtStart(['a'], [alarm('a', 'ALARM', 'Threshold Crossed')], 'block')
    expect(verdict).toEqual({
      kind: 'blocked',
      reason: expect.stringMatching(
        /^alarm 'a' is in ALARM: Threshold Crossed before the rollout started; set alarms-at-start: ignore-until-ok/
      )
    })
  })

  it('are ignored until OK with ignore-until-ok, and said so', () => {
    const verdict = alarmsAtStart(
      ['a', 'b'],
      [alarm('a', 'ALARM', 'x'), alarm('b', 'OK')],
      'ignore-until-ok'
    )
    expect(verdict).toMatchObject({ kind: 'clear', ignoring: ['a'] })
  })

  it('refuse a name CloudWatch does not know, even with ignore-until-ok', () => {
    const verdict = alarmsAtStart(['a', 'typo'], [alarm('a', 'OK')], 'ignore-until-ok')
    expect(verdict).toEqual({
      kind: 'blocked',
      reason: "CloudWatch has no metric alarm named 'typo' in this region (input alarms)"
    })
  })
})

describe('alarms during a rollout', () => {
  it('fire on ALARM, not on OK or INSUFFICIENT_DATA', () => {
    const poll = judgeAlarms(
      [alarm('a', 'OK'), alarm('b', 'ALARM', 'why'), alarm('c', 'INSUFFICIENT_DATA')],
      []
    )
    expect(poll.firing.map((a) => a.name)).toEqual(['b'])
  })

  it('leave an ignored alarm ignored until it has been OK, then watch it again', () => {
    expect(judgeAlarms([alarm('a', 'ALARM')], ['a'])).toEqual({
      firing: [],
      ignoring: ['a'],
      recovered: []
    })
    expect(judgeAlarms([alarm('a', 'INSUFFICIENT_DATA')], ['a']).ignoring).toEqual(['a'])
    expect(judgeAlarms([alarm('a', 'OK')], ['a'])).toEqual({
      firing: [],
      ignoring: [],
      recovered: ['a']
    })
    expect(judgeAlarms([alarm('a', 'ALARM')], []).firing).toHaveLength(1)
  })
})
