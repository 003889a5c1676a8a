/**
 * The revert (revert.ts), for the mutants Stryker left alive there (`npm run mutate`, see the
 * README): when traffic goes back, onto what, how long it waits for a late write, and the
 * scale-down after.
 */
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { TakenOverError } from '../../src/rollout/errors.js'
import type { ElbPort, EcsPort, Forward, Route } from '../../src/rollout/ports.js'
import { returnTraffic, scaleToZero } from '../../src/rollout/revert.js'
import { BlueGreen } from '../support/blue-green.js'
import { FakeClock } from '../support/fake-clock.js'
import { recorder } from '../support/recorder.js'
import { watchSafety } from '../support/safety-watch.js'

const LIVE = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-blue-tg/1'
const IDLE = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-green-tg/2'

/** A route at 75/25 and a live side whose targets are in `states` (a function of the time). */
function routeWorld(states: (now: number) => string[]) {
  const clock = new FakeClock()
  const started = clock.now()
  let route: Route = {
    arn: 'arn:route',
    kind: 'listener',
    listenerArn: 'arn:route',
    actionTypes: ['forward'],
    forward: {
      targetGroups: [
        { targetGroupArn: LIVE, weight: 75 },
        { targetGroupArn: IDLE, weight: 25 }
      ]
    }
  }
  const writes: Forward[] = []
  const elb = {
    readRoute: async () => structuredClone(route),
    writeForward: async (_route: Route, forward: Forward) => {
      writes.push(forward)
      route = { ...route, forward: structuredClone(forward) }
    },
    describeTargetHealth: async () =>
      states(clock.now() - started).map((state, i) => ({ id: `10.0.0.${i}`, port: 80, state }))
  } as unknown as ElbPort
  const record = recorder()
  return { clock, started, elb, writes, record, route: () => route }
}

describe('returnTraffic goes back only onto a side that can serve it', () => {
  it('a live side with no task at all: no write, no retry, and the reason says so', async () => {
    const w = routeWorld(() => [])
    const result = await returnTraffic(w.route(), LIVE, IDLE, {
      elb: w.elb,
      clock: w.clock,
      observer: w.record.observer
    })
    expect(result).toEqual({
      landed: false,
      error:
        'web-blue-tg has no healthy target (no task is registered in it), so the traffic was left where it is'
    })
    expect(w.writes).toEqual([])
    expect(w.clock.now()).toBe(w.started)
  })

  it('a live side whose tasks are still starting: waits for them, then returns the traffic', async () => {
    const w = routeWorld((ms) => (ms < 3000 ? ['initial', 'initial'] : ['healthy', 'initial']))
    const result = await returnTraffic(w.route(), LIVE, IDLE, {
      elb: w.elb,
      clock: w.clock,
      observer: w.record.observer
    })
    expect(result.landed).toBe(true)
    expect(w.writes).toHaveLength(1)
    expect(w.record.warnings[0]).toBe(
      'returning all traffic to web-blue-tg failed (attempt 1): web-blue-tg has no healthy target ' +
        '(2 still starting), so the traffic was left where it is; trying again in 1s'
    )
  })

  it('a live side whose tasks never become healthy: gives up after its budget, traffic untouched', async () => {
    const w = routeWorld(() => ['initial', 'unhealthy'])
    const result = await returnTraffic(
      w.route(),
      LIVE,
      IDLE,
      { elb: w.elb, clock: w.clock, observer: w.record.observer },
      10_000
    )
    expect(result).toEqual({
      landed: false,
      error:
        'web-blue-tg has no healthy target (1 still starting), so the traffic was left where it is'
    })
    expect(w.writes).toEqual([])
  })
})

describe('scaleToZero', () => {
  function ecsFailing(times: number, error: () => Error = () => new Error('Throttling')) {
    const calls: number[] = []
    const ecs = {
      updateService: async () => {
        calls.push(calls.length)
        if (calls.length <= times) throw error()
        return {}
      }
    } as unknown as EcsPort
    return { ecs, calls }
  }

  it('tries three times, 1s then 2s apart, and returns the last error', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    const { ecs, calls } = ecsFailing(10)
    expect(await scaleToZero(ecs, clock, 'prod', 'web-green')).toBe('Throttling')
    expect(calls).toHaveLength(3)
    expect(clock.now() - start).toBe(3000)
  })

  it('a try that works ends it', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    const { ecs, calls } = ecsFailing(1)
    expect(await scaleToZero(ecs, clock, 'prod', 'web-green')).toBeUndefined()
    expect(calls).toHaveLength(2)
    expect(clock.now() - start).toBe(1000)
  })

  it('a run that lost the rollout stops at once', async () => {
    const clock = new FakeClock()
    const { ecs, calls } = ecsFailing(10, () => new TakenOverError('taken'))
    await expect(scaleToZero(ecs, clock, 'prod', 'web-green')).rejects.toThrow(TakenOverError)
    expect(calls).toHaveLength(1)
  })
})

describe('the revert of a deploy', () => {
  it('waits out a weight write of its own that may land late before the new side loses its tasks', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    // the 25% write times out for the run, and AWS applies it 10s later: after the revert's 100/0
    bg.aws.log.fail('writeForward', {
      times: 1,
      late: { ms: 10_000 },
      when: (input: { forward: Forward }) =>
        input.forward.targetGroups.some((g) => g.targetGroupArn === bg.greenTg && g.weight === 25)
    })
    const outcome = await deployWithState(bg.settings(), bg.durableDeps('runner-1'))
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
    expect(
      bg.record.warnings.some((line) => line.startsWith('a weight write of this run landed late'))
    ).toBe(true)
    expect(violations).toEqual([])
  })

  it('says when the new side could not be scaled to 0, and when it was', async () => {
    const failing = new BlueGreen().image({ crashAtWeight: 25 })
    failing.aws.log.fail('updateService', {
      when: (input: { desiredCount?: number }) => input.desiredCount === 0
    })
    await deployWithState(failing.settings(), failing.durableDeps('runner-1'))
    expect(failing.record.warnings).toContain(
      'could not scale web-green to 0: updateService: Throttling: Rate exceeded'
    )
    const working = new BlueGreen().image({ crashAtWeight: 25 })
    await deployWithState(working.settings(), working.durableDeps('runner-1'))
    expect(working.record.infos).toContain('scaled web-green to 0')
  })
})
