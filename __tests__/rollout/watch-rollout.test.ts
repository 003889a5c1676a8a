import { deploy } from '../../src/rollout/deploy.js'
import type {
  AlarmView,
  HttpProbePort,
  MetricsPort,
  ProbeAnswer,
  SideFigures
} from '../../src/rollout/ports.js'
import type { WatchSettings } from '../../src/rollout/watch/settings.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

const GOOD: SideFigures = { requests: 1000, errors5xx: 0, p95Ms: 40, p99Ms: 80 }

/** CloudWatch in memory: figures per window by a script, alarms as set; every call counted. */
class FakeCloudWatch implements MetricsPort {
  readonly windows: { from: number; to: number; readAt: number }[] = []
  alarmReads = 0
  alarms: AlarmView[] = []

  constructor(
    private readonly bg: BlueGreen,
    private readonly newSide: (window: number) => SideFigures = () => GOOD
  ) {}

  sideFigures(query: { targetGroups: string[]; from: number; to: number }) {
    this.windows.push({ from: query.from, to: query.to, readAt: this.bg.clock.now() })
    const [idle = '', live = ''] = query.targetGroups
    return Promise.resolve({ [idle]: this.newSide(this.windows.length), [live]: GOOD })
  }

  describeAlarms(names: string[]) {
    this.alarmReads++
    return Promise.resolve(this.alarms.filter((alarm) => names.includes(alarm.name)))
  }

  set(name: string, state: AlarmView['state'], reason = `${name} ${state}`): void {
    this.alarms = [...this.alarms.filter((alarm) => alarm.name !== name), { name, state, reason }]
  }
}

function watching(more: Partial<WatchSettings> = {}): WatchSettings {
  return {
    alarms: [],
    alarmsAtStart: 'block',
    metrics: {
      maxErrorRate: 1,
      minRequests: 50,
      failureLimit: 1,
      windowMs: 20_000,
      delayMs: 10_000
    },
    ...more
  }
}

function run(bg: BlueGreen, watch: WatchSettings, cloudwatch: MetricsPort, probe?: HttpProbePort) {
  return deploy(bg.settings({ watch }), { ...bg.deps(), metrics: cloudwatch, probe })
}

const weights = (bg: BlueGreen) => bg.aws.weightWrites().map((write) => write['web-green-tg'])

describe('metric analysis during the bakes', () => {
  it('judges each step in windows read once each, after the delay, one call per window', async () => {
    const bg = new BlueGreen()
    const cloudwatch = new FakeCloudWatch(bg)
    const outcome = await run(bg, watching(), cloudwatch)
    expect(outcome.result).toBe('promoted')
    // a minute of bake in 20s windows, four steps
    expect(cloudwatch.windows).toHaveLength(12)
    for (const window of cloudwatch.windows) {
      expect(window.to - window.from).toBe(20_000)
      expect(window.readAt).toBeGreaterThanOrEqual(window.to + 10_000)
    }
    // consecutive within a step, never overlapping
    expect(cloudwatch.windows[1]!.from).toBe(cloudwatch.windows[0]!.to)
    expect(outcome.evidence?.windows.map((w) => w.percent)).toEqual([
      10, 10, 10, 25, 25, 25, 50, 50, 50, 100, 100, 100
    ])
    expect(outcome.evidence?.windows.every((w) => w.judgement === 'good')).toBe(true)
  })

  it('reverts at the first bad window with failure-limit 1, naming the figures', async () => {
    const bg = new BlueGreen()
    const cloudwatch = new FakeCloudWatch(bg, () => ({ requests: 500, errors5xx: 100 }))
    const outcome = await run(bg, watching(), cloudwatch)
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'metric analysis: 5xx 20% (100 of 500 requests) is above max-error-rate 1% during bake at 10% ' +
        '(bad window 1 of failure-limit 1)'
    )
    expect(weights(bg)).toEqual([10, 0])
  })

  it('tolerates bad windows below failure-limit, counting them across steps', async () => {
    const bg = new BlueGreen()
    // windows 2 and 5 are bad: the second one, at 25%, reaches the limit
    const cloudwatch = new FakeCloudWatch(bg, (n) =>
      n === 2 || n === 5 ? { requests: 500, errors5xx: 100 } : GOOD
    )
    const settings = watching()
    const outcome = await run(
      bg,
      { ...settings, metrics: { ...settings.metrics!, failureLimit: 2 } },
      cloudwatch
    )
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/during bake at 25% \(bad window 2 of failure-limit 2\)$/)
    expect(weights(bg)).toEqual([10, 25, 0])
    expect(bg.record.warnings.join('\n')).toMatch(/bad window 1 of failure-limit 2/)
  })

  it('never fails a release on too little traffic, and says so', async () => {
    const bg = new BlueGreen()
    const cloudwatch = new FakeCloudWatch(bg, () => ({ requests: 3, errors5xx: 3 }))
    const outcome = await run(bg, watching(), cloudwatch)
    expect(outcome.result).toBe('promoted')
    expect(new Set(outcome.evidence?.windows.map((w) => w.judgement))).toEqual(
      new Set(['not enough traffic'])
    )
  })
})

describe('the alarm gate', () => {
  it('reads the alarms once a poll interval and reverts when one goes to ALARM, with its reason', async () => {
    const bg = new BlueGreen()
    const cloudwatch = new FakeCloudWatch(bg)
    cloudwatch.set('api-5xx', 'OK')
    bg.clock.at(bg.clock.now() + 3 * MINUTE, () =>
      cloudwatch.set('api-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [12.0]')
    )
    const outcome = await run(bg, watching({ alarms: ['api-5xx'], metrics: undefined }), cloudwatch)
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^alarm 'api-5xx' is in ALARM: Threshold Crossed: 1 datapoint \[12\.0\] during bake at \d+%$/
    )
    // one at the start, then one on the first health read at least a 5s poll interval after the
    // last (not with each of the health reads, every 2 s while baking), and one more on the
    // poll that passes a bake: at most one an interval, and at least one every 6 s
    const intervals = (bg.clock.now() - bg.startedAt) / 5000
    const healthReads = bg.aws.log.calls.filter((c) => c.op === 'describeTargetHealth').length
    expect(healthReads).toBeGreaterThan(intervals * 2)
    expect(cloudwatch.alarmReads).toBeLessThanOrEqual(intervals + 4)
    expect(cloudwatch.alarmReads).toBeGreaterThanOrEqual((intervals * 5) / 6 - 2)
  })

  it('reverts during bring-up before any weight moves', async () => {
    const bg = new BlueGreen().image({ startMs: 60_000 })
    const cloudwatch = new FakeCloudWatch(bg)
    cloudwatch.set('api-5xx', 'OK')
    bg.clock.at(bg.clock.now() + 20_000, () => cloudwatch.set('api-5xx', 'ALARM', 'x'))
    const outcome = await run(bg, watching({ alarms: ['api-5xx'], metrics: undefined }), cloudwatch)
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/^alarm 'api-5xx' is in ALARM: x while bringing up web-green$/)
    expect(weights(bg)).toEqual([])
    expect(bg.mutations().at(-1)).toBe('updateService web-green x0')
  })

  it('blocks the start on an alarm already in ALARM, before any change', async () => {
    const bg = new BlueGreen()
    const cloudwatch = new FakeCloudWatch(bg)
    cloudwatch.set('api-5xx', 'ALARM', 'already bad')
    await expect(
      run(bg, watching({ alarms: ['api-5xx'], metrics: undefined }), cloudwatch)
    ).rejects.toThrow(
      /^alarm 'api-5xx' is in ALARM: already bad before the rollout started; .*nothing was changed$/
    )
    expect(bg.mutations()).toEqual([])
  })

  it('with ignore-until-ok, deploys past it, and watches it once it has been OK', async () => {
    const bg = new BlueGreen()
    const cloudwatch = new FakeCloudWatch(bg)
    cloudwatch.set('api-5xx', 'ALARM', 'old trouble')
    bg.clock.at(bg.clock.now() + 2 * MINUTE, () => cloudwatch.set('api-5xx', 'OK'))
    bg.clock.at(bg.clock.now() + 4 * MINUTE, () =>
      cloudwatch.set('api-5xx', 'ALARM', 'new trouble')
    )
    const outcome = await run(
      bg,
      watching({ alarms: ['api-5xx'], alarmsAtStart: 'ignore-until-ok', metrics: undefined }),
      cloudwatch
    )
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/in ALARM: new trouble during bake/)
    expect(outcome.evidence?.alarmNotes[0]).toMatch(
      /was in ALARM at the start \(old trouble\): ignored until it is OK/
    )
  })
})

describe('test traffic before production', () => {
  const TEST_ROUTE_SETUP = (bg: BlueGreen) =>
    bg.aws.elbWorld.addRoute('listener', ['forward'], {
      targetGroups: [{ targetGroupArn: bg.blueTg, weight: 100 }]
    })

  class Answers implements HttpProbePort {
    readonly urls: string[] = []
    constructor(private readonly answer: (n: number) => ProbeAnswer) {}
    get(url: string) {
      this.urls.push(url)
      return Promise.resolve(this.answer(this.urls.length))
    }
  }

  function testWatch(routeArn: string): WatchSettings {
    return {
      alarms: [],
      alarmsAtStart: 'block',
      testTraffic: {
        routeArn,
        url: 'https://test.example.com/health',
        headers: {},
        expectStatus: [{ min: 200, max: 299 }],
        expectBody: '^ok$',
        requests: 5,
        concurrency: 2,
        timeoutMs: 1000
      }
    }
  }

  it('points the test listener at the new side only, then shifts once every answer passed', async () => {
    const bg = new BlueGreen()
    const testRoute = TEST_ROUTE_SETUP(bg)
    const probe = new Answers(() => ({ ok: true, status: 200, body: 'ok', ms: 5 }))
    const outcome = await run(bg, testWatch(testRoute), new FakeCloudWatch(bg), probe)
    expect(outcome.result).toBe('promoted')
    expect(probe.urls).toHaveLength(5)
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    expect(outcome.evidence?.testTraffic).toMatchObject({
      sent: 5,
      passed: 5,
      answers: { '200': 5 }
    })
  })

  it('reverts with nothing shifted when one answer fails', async () => {
    const bg = new BlueGreen()
    const testRoute = TEST_ROUTE_SETUP(bg)
    const probe = new Answers((n) =>
      n === 3
        ? { ok: false, error: 'connection reset', ms: 1 }
        : { ok: true, status: 200, body: 'ok', ms: 5 }
    )
    const outcome = await run(bg, testWatch(testRoute), new FakeCloudWatch(bg), probe)
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'test traffic to https://test.example.com/health: 1 of 5 requests failed (first: connection reset) during test traffic to web-green'
    )
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    // no production weight was written; the test listener was pointed at the new side and back
    const routes = bg.aws.log.calls
      .filter((call) => call.op === 'writeForward')
      .map((call) => (call.input as { arn: string }).arn)
    expect(routes).toEqual([testRoute, testRoute])
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.mutations().at(-1)).toBe('updateService web-green x0')
  })
})
