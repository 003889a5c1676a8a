import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { rollbackRollout } from '../../src/rollout/control/rollback.js'
import { listenerOf } from '../../src/rollout/discover.js'
import { lockPriority } from '../../src/rollout/durable/route-lock.js'
import { decodeRecord } from '../../src/rollout/durable/tags.js'
import { TakenOverError } from '../../src/rollout/errors.js'
import type { ScalableTarget, ScalingPolicy, Suspended } from '../../src/rollout/ports.js'
import { decodeScaling, encodeScaling } from '../../src/rollout/scaling/found.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

const NONE: Suspended = { dynamicIn: false, dynamicOut: false, scheduled: false }
const ALL: Suspended = { dynamicIn: true, dynamicOut: true, scheduled: true }
const LIVE_FOUND: ScalableTarget = { min: 2, max: 8, suspended: NONE }
const IDLE_FOUND: ScalableTarget = { min: 0, max: 8, suspended: NONE }

const label = (arn: string) => arn.slice(arn.indexOf(':targetgroup/') + 1)

/** Target tracking on ALB requests per target, and on an SQS-style backlog per task of the service. */
function policiesOf(bg: BlueGreen, service: string, targetGroupArn: string): ScalingPolicy[] {
  return [
    {
      name: 'requests-per-target',
      type: 'TargetTrackingScaling',
      configuration: {
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 100,
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'ALBRequestCountPerTarget',
            ResourceLabel: `app/web/50dc6c495c0c9188/${label(targetGroupArn)}`
          }
        }
      }
    },
    {
      name: 'backlog-per-task',
      type: 'TargetTrackingScaling',
      configuration: {
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 10,
          CustomizedMetricSpecification: {
            MetricName: 'BacklogPerTask',
            Namespace: 'Acme/Queue',
            Dimensions: [
              { Name: 'ClusterName', Value: bg.cluster },
              { Name: 'ServiceName', Value: service }
            ],
            Statistic: 'Average'
          }
        }
      }
    }
  ]
}

/** web-blue live with 2 tasks, min 2 max 8 and its policies; web-green registered at min 0. */
function scaledPair(options: { greenTarget?: boolean; blue?: ScalableTarget } = {}): BlueGreen {
  const bg = new BlueGreen({ desiredCount: 2 })
  const scaling = bg.aws.scalingWorld
  scaling.register('web-blue', options.blue ?? LIVE_FOUND, policiesOf(bg, 'web-blue', bg.blueTg))
  if (options.greenTarget !== false) scaling.register('web-green', IDLE_FOUND)
  return bg
}

/** Runs `act` once, right after the first weight write that gives the new side `percent`. */
function atShift(bg: BlueGreen, percent: number, act: () => void): void {
  let done = false
  bg.aws.log.after(
    'writeForward',
    (input: { forward: { targetGroups: { targetGroupArn: string; weight: number }[] } }) => {
      const green = input.forward.targetGroups.find((group) => group.targetGroupArn === bg.greenTg)
      if (done || green?.weight !== percent) return
      done = true
      act()
    }
  )
}

function healthyIn(bg: BlueGreen, targetGroupArn: string): number {
  return bg.aws.elbWorld
    .describeTargetHealth(targetGroupArn)
    .filter((target) => target.state === 'healthy').length
}

describe('a service scaled by Application Auto Scaling', () => {
  it('follows the live side when it scales out mid-rollout: more traffic only once the new side has the tasks, promoted at the higher count', async () => {
    const bg = scaledPair()
    atShift(bg, 10, () => expect(bg.aws.scalingWorld.activity('web-blue', 6)).toBe(true))
    // what the new side could serve at each weight write after the first
    const servingAtWrite: number[] = []
    bg.aws.log.observe((call) => {
      if (call.op === 'writeForward' && !call.failed) {
        servingAtWrite.push(healthyIn(bg, bg.greenTg))
      }
    })
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })

    expect(outcome.result).toBe('promoted')
    const mutations = bg.mutations()
    const follow = mutations.indexOf('updateService web-green x6')
    expect(follow).toBeGreaterThan(mutations.indexOf('writeForward web-blue-tg=90 web-green-tg=10'))
    expect(follow).toBeLessThan(mutations.indexOf('writeForward web-blue-tg=75 web-green-tg=25'))
    expect(servingAtWrite.slice(1).every((serving) => serving >= 6)).toBe(true)
    expect(bg.aws.ecsWorld.service('web-green')).toMatchObject({ desiredCount: 6, runningCount: 6 })
    expect(bg.aws.ecsWorld.service('web-blue')).toMatchObject({ desiredCount: 0 })
    expect(bg.record.infos.join('\n')).toMatch(
      /web-blue scaled out to 6 tasks: web-green follows, from 2 to 6/
    )
  })

  it('holds scale-in on both sides and the new side’s own scaling while the rollout runs', async () => {
    const bg = scaledPair()
    let during: Record<string, ScalableTarget> = {}
    const refused: string[] = []
    atShift(bg, 25, () => {
      during = bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])
      // the policies of either side try to act while the new side carries a quarter
      bg.aws.scalingWorld.activity('web-blue', 2 - 1)
      bg.aws.scalingWorld.activity('web-green', 1)
      bg.aws.scalingWorld.activity('web-green', 5)
      refused.push(...bg.aws.scalingWorld.activities)
    })
    const outcome = await bg.deploy()

    expect(outcome.result).toBe('promoted')
    expect(during['web-blue']).toEqual({ ...LIVE_FOUND, suspended: { ...NONE, dynamicIn: true } })
    expect(during['web-green']).toEqual({ ...IDLE_FOUND, suspended: ALL })
    expect(refused).toEqual([
      'web-green refused: scale-in suspended',
      'web-green refused: scale-out suspended'
    ])
  })

  it('hands scaling over at promotion: the new side gets the live side’s limits, the old one is parked and allowed to 0 before it is scaled down', async () => {
    const bg = scaledPair()
    const outcome = await bg.deploy({ scaleDownDelayMs: MINUTE })
    expect(outcome.result).toBe('promoted')
    const after = bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])
    expect(after['web-green']).toEqual(LIVE_FOUND)
    expect(after['web-blue']).toEqual({ min: 0, max: 8, suspended: ALL })
    const mutations = bg.mutations()
    expect(mutations.indexOf('registerScalableTarget web-blue min=0')).toBeLessThan(
      mutations.indexOf('updateService web-blue x0')
    )
    // many cooldowns later nothing has brought the old side back
    await bg.clock.sleep(30 * MINUTE)
    expect(bg.aws.scalingWorld.activity('web-blue', 4)).toBe(false)
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(0)
    expect(outcome.autoScaling).toMatch(
      /web-green: auto scaling set to min 2, max 8, nothing suspended/
    )
  })

  it('copies the live side’s policies onto a new side that has none, watching its own service and target group', async () => {
    const bg = scaledPair({ greenTarget: false })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.scalingWorld.describeTargets(['web-green'])['web-green']).toEqual(LIVE_FOUND)
    expect(bg.aws.scalingWorld.describePolicies('web-green')).toEqual(
      policiesOf(bg, 'web-green', bg.greenTg)
    )
    expect(outcome.autoScaling).toMatch(
      /copied policies requests-per-target \(target tracking\), backlog-per-task \(target tracking\) from web-blue/
    )
  })

  it('restores exactly what it found when the release is reverted', async () => {
    const blue = { min: 2, max: 8, suspended: { ...NONE, scheduled: true } }
    const bg = scaledPair({ blue }).image({ unhealthyAtWeight: 25 })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])).toEqual({
      'web-blue': blue,
      'web-green': IDLE_FOUND
    })
    // traffic back and the new side down before scaling may act again
    const mutations = bg.mutations()
    const restored = mutations.lastIndexOf('registerScalableTarget web-green suspended=none')
    expect(restored).toBeGreaterThan(mutations.indexOf('updateService web-green x0'))
    expect(outcome.autoScaling).toMatch(/^auto scaling restored as found/)
  })

  it('hands over the live side’s maximum too, when the new side had another', async () => {
    const bg = new BlueGreen({ desiredCount: 2 })
    bg.aws.scalingWorld.register('web-blue', { min: 2, max: 6, suspended: NONE })
    bg.aws.scalingWorld.register('web-green', { min: 0, max: 10, suspended: NONE })
    expect((await bg.deploy()).result).toBe('promoted')
    expect(bg.aws.scalingWorld.describeTargets(['web-green'])['web-green']).toEqual({
      min: 2,
      max: 6,
      suspended: NONE
    })
  })

  it('writes back only what it changed: a side found parked is left as it is by the revert', async () => {
    // the usual state after an earlier promotion: the idle side parked by the action
    const parked = { min: 0, max: 8, suspended: ALL }
    const bg = new BlueGreen({ desiredCount: 2 }).image({ unhealthyAtWeight: 25 })
    bg.aws.scalingWorld.register('web-blue', LIVE_FOUND)
    bg.aws.scalingWorld.register('web-green', parked)
    expect((await bg.deploy()).result).toBe('reverted')
    const writes = bg.mutations().filter((line) => line.startsWith('registerScalableTarget'))
    expect(writes).toEqual([
      'registerScalableTarget web-blue suspended=dynamicIn',
      'registerScalableTarget web-green suspended=dynamicIn+dynamicOut+scheduled',
      'registerScalableTarget web-blue suspended=none'
    ])
    expect(bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])).toEqual({
      'web-blue': LIVE_FOUND,
      'web-green': parked
    })
  })

  it('is not failed by a Spot interruption of a new task during a bake: ECS replaces it, and the run says so', async () => {
    const bg = scaledPair()
    atShift(bg, 25, () => bg.aws.ecsWorld.interrupt('web-green'))
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })
    expect(outcome.result).toBe('promoted')
    expect(bg.record.infos.join('\n')).toMatch(
      /was stopped by a Spot interruption \(Your Spot Task was interrupted.\): ECS replaces it; not a failure of the release/
    )
    expect(outcome.interruptedTasks).toEqual([
      expect.stringMatching(/^task \S+ of web-green was stopped by a Spot interruption/)
    ])
  })

  it('still fails a release whose task exits with an error', async () => {
    const bg = scaledPair().image({ crashAtWeight: 25 })
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/new tasks? stopped/)
  })

  it('refuses to go on when the suspension is refused, with nothing else changed', async () => {
    const bg = scaledPair()
    bg.aws.log.fail('registerScalableTarget', {
      times: 1,
      error: 'AccessDeniedException',
      when: (input: { service: string }) => input.service === 'web-green'
    })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^could not suspend auto scaling for the rollout: AccessDeniedException.*nothing was changed$/
    )
    expect(
      bg.mutations().filter((line) => !line.startsWith('registerScalableTarget'))
    ).not.toContain('updateService web-green web:42 x2')
    expect(bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])).toEqual({
      'web-blue': LIVE_FOUND,
      'web-green': IDLE_FOUND
    })
  })

  it('goes on, and says why, without the permission to read Application Auto Scaling', async () => {
    const bg = scaledPair()
    bg.aws.log.fail('describeScalableTargets', { error: 'AccessDeniedException' })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    expect(bg.record.warnings.join('\n')).toMatch(
      /could not read Application Auto Scaling .*taken as not scaled by it/
    )
    expect(bg.mutations().some((line) => line.startsWith('registerScalableTarget'))).toBe(false)
  })

  it('puts the plan in words in a dry run, changing nothing', async () => {
    const bg = scaledPair()
    const outcome = await bg.deploy({ dryRun: true })
    expect(outcome.plan).toContain(
      "suspend scale-in on web-blue and dynamic and scheduled scaling on web-green while the rollout runs, restored as found if it reverts; web-green follows web-blue's desired count up"
    )
    expect(outcome.plan.at(-1)).toMatch(
      /^promote; web-green takes web-blue's auto scaling \(min 2, max 8, nothing suspended\); scale web-blue to 0/
    )
    expect(bg.mutations()).toEqual([])
  })
})

describe('auto scaling kept in the rollout record', () => {
  it('is written with the first record and read back as found', async () => {
    const bg = scaledPair()
    const outcome = await deployWithState(
      bg.settings({ steps: [{ kind: 'weight', percent: 10 }, { kind: 'pause' }] }),
      bg.durableDeps()
    )
    expect(outcome.result).toBe('paused')
    expect(bg.tags()['ecs-blue-green:scaling']).toBe('live:2:8:none idle:0:8:none')
    const decoded = decodeRecord(bg.tags())
    expect(decoded.kind === 'record' && decoded.record.scaling).toEqual({
      live: LIVE_FOUND,
      idle: IDLE_FOUND
    })
  })

  it('round-trips every suspended state and a side without a target, and refuses what it did not write', () => {
    const scaling = {
      live: { min: 1, max: 3, suspended: { dynamicIn: true, dynamicOut: false, scheduled: true } }
    }
    expect(encodeScaling(scaling)).toBe('live:1:3:in+scheduled idle:-')
    expect(decodeScaling(encodeScaling(scaling))).toEqual(scaling)
    for (const bad of [
      'live:3:1:none idle:-',
      'live:1:2:in+in idle:-',
      'live:1:2:up idle:-',
      'x'
    ]) {
      expect(decodeScaling(bad)).toBeNull()
    }
  })

  it('lets an abort of a paused rollout restore what was found', async () => {
    const bg = scaledPair()
    await deployWithState(
      bg.settings({ steps: [{ kind: 'weight', percent: 10 }, { kind: 'pause' }] }),
      bg.durableDeps('runner-1')
    )
    expect(bg.aws.scalingWorld.describeTargets(['web-green'])['web-green']?.suspended).toEqual(ALL)
    const { outcome } = await abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('aborted')
    expect(bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])).toEqual({
      'web-blue': LIVE_FOUND,
      'web-green': IDLE_FOUND
    })
    expect(outcome.autoScaling).toMatch(/^auto scaling restored as found/)
  })

  it('is handed back by a rollback: the previous side scales as the live side again', async () => {
    const bg = scaledPair()
    await deployWithState(bg.settings({ scaleDownDelayMs: 30_000 }), bg.durableDeps())
    const { outcome } = await rollbackRollout(
      bg.settings({ scaleDownDelayMs: 30_000 }),
      bg.durableDeps('runner-2')
    )
    expect(outcome.result).toBe('rolled-back')
    expect(bg.aws.scalingWorld.describeTargets(['web-blue', 'web-green'])).toEqual({
      'web-blue': LIVE_FOUND,
      'web-green': { min: 0, max: 8, suspended: ALL }
    })
    expect(bg.aws.ecsWorld.service('web-blue')).toMatchObject({ desiredCount: 2 })
  })
})

describe('a run that loses its lock just as the new side is to follow the live one', () => {
  it('stops at that change, at once, without taking it for a read to try again', async () => {
    const bg = scaledPair()
    const settings = bg.settings({ stepWaitMs: MINUTE })
    atShift(bg, 10, () => expect(bg.aws.scalingWorld.activity('web-blue', 6)).toBe(true))
    // another run takes the rollout over right after the read that shows the live side scaled out
    let takenAt: number | undefined
    bg.aws.log.after('describeServices', () => {
      if (takenAt !== undefined || bg.aws.ecsWorld.service('web-blue').desiredCount !== 6) return
      takenAt = bg.clock.now()
      const hold = bg.postStepHolds.at(-1)!
      void bg.aws.lock.deleteLockRule(hold.lockArn).then(() =>
        bg.aws.lock.createLockRule(listenerOf(settings.routeArn), lockPriority(settings), {
          'ecs-blue-green:owner': 'runner-2'
        })
      )
    })
    const run = deployWithState(settings, bg.durableDeps())
    await expect(run).rejects.toThrow(TakenOverError)
    // the follow was the first change after the takeover, and it was never made
    expect(bg.mutations()).not.toContain('updateService web-green x6')
    // nor taken for a read that failed, to be tried again after a backoff
    expect(bg.record.warnings.filter((line) => /could not read/.test(line))).toEqual([])
    expect(
      bg.aws.calls.filter((call) => call.at > takenAt! && call.op === 'describeServices')
    ).toEqual([])
  })
})
