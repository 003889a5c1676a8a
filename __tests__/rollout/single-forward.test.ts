import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { rolloutStatus } from '../../src/rollout/control/status.js'
import { TopologyError } from '../../src/rollout/errors.js'
import type { Forward } from '../../src/rollout/ports.js'
import { BlueGreen, MINUTE, type PairSetup } from '../support/blue-green.js'
import { watchSafety } from '../support/safety-watch.js'

/*
 * A listener (or rule) whose forward names one target group alone: the usual starting point,
 * before the first blue/green deploy. AWS returns both forms it can be written in (a top-level
 * TargetGroupArn, or a ForwardConfig of one group, weight given or not) as one group with a
 * weight (1 when none was given), which is what the port reads.
 */

/** blue's group alone, with the weight the route reads (1: no weight given) */
const blueAlone =
  (weight = 1, extra: Partial<Forward> = {}): PairSetup['forward'] =>
  ({ blue }) => ({ targetGroups: [{ targetGroupArn: blue, weight }], ...extra })

const FORM = 'writeForward web-blue-tg=100 web-green-tg=0'

describe('a route that forwards to one target group of the pair alone', () => {
  it.each([
    ['the listener, no weight given (TargetGroupArn form)', {}, 1],
    ['a rule, a ForwardConfig of one group with weight 100', { kind: 'rule' as const }, 100]
  ])(
    '%s: read as 100/0, written in the weighted form before the idle side starts, then shifted',
    async (_name, setup, weight) => {
      const bg = new BlueGreen({ ...setup, forward: blueAlone(weight) })
      const violations = watchSafety(bg)
      const outcome = await bg.deploy()
      expect(outcome.result).toBe('promoted')
      expect(outcome.liveService).toBe('web-green')
      // the group is added at 0 first (ALB health-checks only groups a route forwards to), then
      // the steps move the traffic; no weight reaches green before its tasks are healthy
      expect(bg.mutations().slice(0, 3)).toEqual([
        'registerTaskDefinition web',
        FORM,
        'updateService web-green web:42 x2'
      ])
      expect(bg.aws.weightWrites().map((write) => write['web-green-tg'])).toEqual([
        0, 10, 25, 50, 100
      ])
      expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
      expect(violations).toEqual([])
      expect(bg.record.infos).toContain(
        'the route forwards to web-blue-tg alone: read as 100/0, with web-green-tg at 0'
      )
    }
  )

  it('with the rollout record: the lock and the bring-up record come before the weighted form', async () => {
    const bg = new BlueGreen({ forward: blueAlone() })
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('promoted')
    expect(bg.mutations().slice(0, 6)).toEqual([
      'createLockRule',
      'writeTags register',
      'registerTaskDefinition web',
      'writeTags bring-up',
      FORM,
      'updateService web-green web:42 x2'
    ])
  })

  it('keeps the stickiness it was written with in every write', async () => {
    const stickiness = { enabled: true, durationSeconds: 3600 }
    const bg = new BlueGreen({ forward: blueAlone(1, { stickiness }) })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    const writes = bg.aws.log.calls.filter((call) => call.op === 'writeForward')
    expect(writes).toHaveLength(5)
    for (const write of writes) {
      expect((write.input as { forward: Forward }).forward.stickiness).toEqual(stickiness)
    }
  })

  it("names the green service's group when green is the live side", async () => {
    const bg = new BlueGreen({
      blueWeight: 0,
      greenWeight: 1,
      forward: ({ green }) => ({ targetGroups: [{ targetGroupArn: green, weight: 1 }] })
    })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    expect(outcome.liveService).toBe('web-blue')
    expect(bg.aws.weightWrites()[0]).toEqual({ 'web-green-tg': 100, 'web-blue-tg': 0 })
  })

  it('a dry run plans the weighted form and changes nothing', async () => {
    const bg = new BlueGreen({ forward: blueAlone() })
    const outcome = await bg.deploy({ dryRun: true })
    expect(outcome.result).toBe('planned')
    expect(outcome.plan[0]).toBe(
      "add web-green-tg to the route's forward at weight 0 (web-blue-tg=100, web-green-tg=0; it " +
        'forwards to web-blue-tg alone), so that the load balancer health-checks it; no traffic moves'
    )
    expect(outcome.plan[1]).toMatch(/^bring up web-green/)
    expect(bg.mutations()).toEqual([])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 1 })
  })

  it('a release that fails to come up reverts with no weight moved, the route left 100/0 in the weighted form', async () => {
    const bg = new BlueGreen({ forward: blueAlone() }).image({ unhealthy: true })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      FORM,
      'updateService web-green web:42 x2',
      'updateService web-green x0'
    ])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('a weighted-form write that fails stops the run before the idle side is touched', async () => {
    const bg = new BlueGreen({ forward: blueAlone() })
    bg.aws.log.fail('writeForward', { times: 1 })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^could not add web-green-tg to the route at weight 0 while bringing up web-green: .*; nothing was changed$/
    )
    // the write was tried and refused; green was never updated
    expect(bg.mutations()).toEqual(['registerTaskDefinition web', FORM])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 1 })
  })

  describe('refuses, changing nothing', () => {
    async function refusal(setup: PairSetup, tweak?: (bg: BlueGreen) => void): Promise<string> {
      const bg = new BlueGreen(setup)
      tweak?.(bg)
      const error = await bg.deploy().then(
        () => undefined,
        (caught: unknown) => caught
      )
      expect(error).toBeInstanceOf(TopologyError)
      expect(bg.mutations()).toEqual([])
      return (error as Error).message
    }

    it('an other service with two target groups, which leaves the other side ambiguous', async () => {
      const bg = new BlueGreen({ forward: blueAlone() })
      const admin = bg.aws.elbWorld.addTargetGroup('web-admin-tg')
      bg.aws.ecsWorld.addService({
        name: 'web-two',
        taskDefinitionArn: bg.liveRevision,
        desiredCount: 0,
        targetGroupArn: bg.greenTg,
        extraTargetGroups: [admin]
      })
      const error = await bg
        .deploy({ services: ['web-blue', 'web-two'] })
        .catch((caught: Error) => caught)
      expect(error).toBeInstanceOf(TopologyError)
      expect((error as Error).message).toMatch(
        /forwards to web-blue-tg \(web-blue\) alone, and web-two is attached to web-green-tg and web-admin-tg; expected web-two to have one target group of its own/
      )
      expect(bg.mutations()).toEqual([])
    })

    it('a single group at weight 0', async () => {
      const message = await refusal({ forward: blueAlone(0) })
      expect(message).toMatch(
        /forwards to web-blue-tg alone with weight 0, so neither side is live/
      )
    })
  })
})

describe('a stored rollout on a route that forwards to one group alone', () => {
  it('is still the pair it was: status shows 100/0, and an abort scales the idle side down and leaves the route', async () => {
    const bg = new BlueGreen({ forward: blueAlone() })
    // the runner dies while green comes up (after the weighted form, before the first shift)
    const died = bg.clock.stallAt(bg.clock.now() + 10_000)
    void deployWithState(bg.settings(), bg.durableDeps('runner-1'))
    await died
    expect(bg.tags()['ecs-blue-green:phase']).toBe('bring-up')
    // then the listener is put back as the infrastructure code declares it: blue alone
    bg.aws.elbWorld.setForward(bg.routeArn, blueAlone()!({ blue: bg.blueTg, green: bg.greenTg })!)

    const status = await rolloutStatus(bg.settings(), bg.durableDeps('runner-2'))
    expect(status.sides.map((side) => [side.service, side.percent])).toEqual([
      ['web-blue', 100],
      ['web-green', 0]
    ])
    await bg.clock.sleep(2 * MINUTE)
    const from = bg.mutations().length
    const { outcome } = await abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('aborted')
    // no traffic to return: the route is left as it is, the idle side scaled down
    const changes = bg.mutations().slice(from)
    expect(changes).toContain('updateService web-green x0')
    expect(changes.filter((line) => line.startsWith('writeForward'))).toEqual([])
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 1 })
  })
})
