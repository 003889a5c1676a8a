import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { promoteRollout } from '../../src/rollout/control/promote.js'
import { settleAfterMainStep } from '../../src/rollout/control/post-step.js'
import { deploy } from '../../src/rollout/deploy.js'
import type { Forward, HttpProbePort, ProbeAnswer } from '../../src/rollout/ports.js'
import type { Settings } from '../../src/rollout/settings.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

/**
 * Invariant 9: the test listener that test traffic points at the new side is pointed back on
 * every ending. It follows the production route: all on the side that carries the traffic.
 */

const OK: ProbeAnswer = { ok: true, status: 200, body: 'ok', ms: 5 }

class Probe implements HttpProbePort {
  sent = 0
  constructor(private readonly answer: (n: number) => ProbeAnswer = () => OK) {}
  get() {
    return Promise.resolve(this.answer(++this.sent))
  }
}

/** The test listener forwards to the live side before the rollout, as a user sets it up. */
function withTestRoute(bg: BlueGreen): string {
  return bg.aws.elbWorld.addRoute('listener', ['forward'], {
    targetGroups: [
      { targetGroupArn: bg.blueTg, weight: 100 },
      { targetGroupArn: bg.greenTg, weight: 0 }
    ]
  })
}

function settings(bg: BlueGreen, testRoute: string, more: Partial<Settings> = {}): Settings {
  return bg.settings({
    watch: {
      alarms: [],
      alarmsAtStart: 'block',
      testTraffic: {
        routeArn: testRoute,
        url: 'https://test.example.com/health',
        headers: {},
        expectStatus: [{ min: 200, max: 299 }],
        requests: 3,
        concurrency: 1,
        timeoutMs: 1000
      }
    },
    ...more
  })
}

/** the writes to one route, as "blue/green" weights */
function writesTo(bg: BlueGreen, arn: string, from = 0): string[] {
  return bg.aws.log.calls
    .slice(from)
    .filter((call) => call.op === 'writeForward' && (call.input as { arn: string }).arn === arn)
    .map((call) => {
      const { forward } = call.input as { forward: Forward }
      const weight = (tg: string) =>
        forward.targetGroups.find((group) => group.targetGroupArn === tg)?.weight
      return `${weight(bg.blueTg)}/${weight(bg.greenTg)}`
    })
}

describe('the test listener is pointed back on every ending', () => {
  it('after a revert for failed test traffic: back on the side that was live', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    const probe = new Probe((n) => (n === 2 ? { ok: false, error: 'connection reset', ms: 1 } : OK))
    const outcome = await deploy(settings(bg, testRoute), { ...bg.deps(), probe })
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(writesTo(bg, testRoute)).toEqual(['0/100', '100/0'])
    // pointed back before the side it pointed at is scaled to 0
    expect(bg.mutations().slice(-2)).toEqual([
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0'
    ])
    expect(bg.record.infos).toContain('test listener forwards to web-blue-tg again')
  })

  it('after a revert during a bake: back on the side that was live', async () => {
    const bg = new BlueGreen().image({ crashAtWeight: 25 })
    const testRoute = withTestRoute(bg)
    const outcome = await deploy(settings(bg, testRoute), { ...bg.deps(), probe: new Probe() })
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('after a promotion: on the new live side, before the old one is scaled down', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    const outcome = await deploy(settings(bg, testRoute, { scaleDownDelayMs: 0 }), {
      ...bg.deps(),
      probe: new Probe()
    })
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
  })

  it('after a takeover of a run that died: back on the side that was live', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    // bring-up and test traffic, then the run dies 30s into the bake at 25%
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE + 30_000)
    void deployWithState(
      settings(bg, testRoute),
      bg.durableDeps('runner-1', { probe: new Probe() })
    )
    await died
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    await bg.clock.sleep(6 * MINUTE)
    const before = bg.aws.log.calls.length
    // the next deploy takes over, reverts, and deploys again (its own test traffic fails)
    const outcome = await deployWithState(
      settings(bg, testRoute),
      bg.durableDeps('runner-2', { probe: new Probe(() => ({ ok: false, error: 'x', ms: 1 })) })
    )
    expect(outcome.result).toBe('reverted')
    const takeover = bg
      .mutations()
      .slice(-bg.aws.log.calls.slice(before).filter((c) => c.mutating).length)
    // the takeover's lock, then its revert: production traffic back, then the test listener,
    // then the scale-in
    expect(takeover.slice(0, 8)).toEqual([
      'createLockRule',
      'deleteLockRule',
      'createLockRule',
      'writeTags shift',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0',
      'writeTags reverted'
    ])
    expect(writesTo(bg, testRoute, before)).toEqual(['100/0', '0/100', '100/0'])
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('by the post step, when the main step died after pointing it', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE + 30_000)
    void deployWithState(settings(bg, testRoute), { ...bg.durableDeps(), probe: new Probe() })
    await died
    const hold = bg.postStepHolds.at(-1)!
    const done = await settleAfterMainStep(hold, settings(bg, testRoute), bg.durableDeps())
    expect(done.line).toMatch(/all traffic was returned to web-blue/)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('by the post step, when the main step died during test traffic (no weight moved yet)', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    let died!: () => void
    const dead = new Promise<void>((resolve) => (died = resolve))
    // the probe never answers: the run hangs in test traffic, as a killed runner would stop there
    const probe: HttpProbePort = {
      get: () => {
        died()
        return new Promise<ProbeAnswer>(() => undefined)
      }
    }
    void deployWithState(settings(bg, testRoute), { ...bg.durableDeps(), probe })
    await dead
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    const hold = bg.postStepHolds.at(-1)!
    await settleAfterMainStep(hold, settings(bg, testRoute), bg.durableDeps())
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('after promote of a paused rollout: on the new live side', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    const steps = [
      { kind: 'weight' as const, percent: 10 },
      { kind: 'pause' as const },
      { kind: 'weight' as const, percent: 100 }
    ]
    const paused = await deployWithState(
      settings(bg, testRoute, { steps }),
      bg.durableDeps('runner-1', { probe: new Probe() })
    )
    expect(paused.result).toBe('paused')
    // paused is no ending: the test listener stays on the new side for testing
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    // someone pointed it back by hand meanwhile
    bg.aws.elbWorld.writeForward(bg.aws.elbWorld.readRoute(testRoute), {
      targetGroups: [
        { targetGroupArn: bg.blueTg, weight: 100 },
        { targetGroupArn: bg.greenTg, weight: 0 }
      ]
    })
    const { outcome } = await promoteRollout(settings(bg, testRoute), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
  })

  it('leaves a test listener alone that forwards elsewhere now, with a warning', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    const other = bg.aws.elbWorld.addTargetGroup('other-tg', 300)
    const probe = new Probe((n) => {
      if (n === 1) {
        bg.aws.elbWorld.writeForward(bg.aws.elbWorld.readRoute(testRoute), {
          targetGroups: [{ targetGroupArn: other, weight: 100 }]
        })
      }
      return { ok: false, error: 'x', ms: 1 }
    })
    const outcome = await deploy(settings(bg, testRoute), { ...bg.deps(), probe })
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.weights(testRoute)).toEqual({ 'other-tg': 100 })
    expect(bg.record.warnings).toContain(
      `the test listener ${testRoute} is left as it is: it no longer forwards to web-blue-tg and web-green-tg only`
    )
  })

  // control/abort.ts ends a rollout without revert.ts: it needs its own call of
  // restoreTestRoute (left to the change that rewrites control/*). Flip to `it` once it has it.
  it.failing('after an abort of a paused rollout: back on the side that was live', async () => {
    const bg = new BlueGreen()
    const testRoute = withTestRoute(bg)
    const steps = [
      { kind: 'weight' as const, percent: 10 },
      { kind: 'pause' as const },
      { kind: 'weight' as const, percent: 100 }
    ]
    await deployWithState(
      settings(bg, testRoute, { steps }),
      bg.durableDeps('runner-1', { probe: new Probe() })
    )
    const { outcome } = await abortRollout(settings(bg, testRoute), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('aborted')
    expect(bg.aws.weights(testRoute)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })
})
