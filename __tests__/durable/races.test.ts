import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { settleAfterMainStep } from '../../src/rollout/control/post-step.js'
import { promoteRollout } from '../../src/rollout/control/promote.js'
import { rolloutStatus } from '../../src/rollout/control/status.js'
import type { PostStepHold } from '../../src/rollout/durable/keeper.js'
import type { LockPort } from '../../src/rollout/ports.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'
import { watchSafety } from '../support/safety-watch.js'

/**
 * The findings of the safety review, each as it was reproduced: late writes, lost answers,
 * failing tag writes, dead runners and two runs at once. Every test watches each change as it
 * lands (watchSafety), not only the end state.
 */

const PAUSED = [
  { kind: 'weight' as const, percent: 10 },
  { kind: 'pause' as const },
  { kind: 'weight' as const, percent: 100 }
]
const release = (image: string) => ({ release: { image, environment: [] } })

/** A deploy whose runner dies 30s into the bake at 25% (bring-up takes 20s, each bake 1m). */
async function deployThatDies(bg: BlueGreen, token = 'runner-1'): Promise<PostStepHold> {
  const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE + 30_000)
  void deployWithState(bg.settings(), bg.durableDeps(token))
  await died
  const hold = bg.postStepHolds.at(-1)
  if (!hold) throw new Error('the run left nothing for its post step')
  return hold
}

function weightWrites(bg: BlueGreen): string[] {
  return bg.mutations().filter((line) => line.startsWith('writeForward'))
}

describe('tag writes that fail stop the changes they were to announce', () => {
  it('failing after the 100% shift: the old side is not scaled down, and the next deploy reverts onto it safely', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    let failing = false
    bg.aws.log.after(
      'writeForward',
      (input: { forward: { targetGroups: { targetGroupArn: string; weight: number }[] } }) => {
        // throttled through every attempt from the moment all traffic is on the new side
        const green = input.forward.targetGroups.find((g) => g.targetGroupArn === bg.greenTg)
        if (green?.weight === 100 && !failing) {
          failing = true
          bg.aws.log.fail('writeTags', { times: 10_000 })
        }
      }
    )
    const first = await deployWithState(bg.settings(), bg.durableDeps('runner-1'))
    expect(first.result).toBe('promoted')
    expect(first.scaleDown).toMatch(
      /^not scaled down: could not record the rollout .* so the change it was to announce was not made; web-blue still runs 2 tasks$/
    )
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    expect(bg.mutations()).not.toContain('updateService web-blue x0')

    bg.aws.log.clearFaults()
    await bg.clock.sleep(6 * MINUTE)
    const next = await deployWithState(
      bg.settings(release('registry.example.com/web:3.0.0')),
      bg.durableDeps('runner-2')
    )
    expect(next.result).toBe('promoted')
    // every write found healthy tasks on the side it gave weight to; nothing was scaled under traffic
    expect(violations).toEqual([])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    expect(bg.aws.ecsWorld.service('web-green').runningCount).toBe(2)
  })

  it('failing from the claim on: nothing but the lock is touched, and the outcome says why', async () => {
    const bg = new BlueGreen()
    bg.aws.log.fail('writeTags')
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^could not record the rollout in the tags of .*Throttling.*so the change it was to announce was not made; nothing was changed$/
    )
    // the record is put back as found (a claim whose answer was lost may have landed)
    const changes = bg.aws.log.mutations().filter((call) => !call.failed)
    expect(changes.map((call) => call.op)).toEqual([
      'createLockRule',
      'removeTags',
      'deleteLockRule'
    ])
  })
})

describe('the lock has one owner, whatever lands late', () => {
  it('a claim that lands after another run’s: that run holds it, and this one changes nothing', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    let secondClaimed!: () => void
    const claimedBySecond = new Promise<void>((resolve) => (secondClaimed = resolve))
    const late: LockPort = {
      ...bg.aws.lock,
      createLockRule: async (...args) => {
        await claimedBySecond
        return bg.aws.lock.createLockRule(...args)
      }
    }
    const watching: LockPort = {
      ...bg.aws.lock,
      createLockRule: async (...args) => {
        const claim = await bg.aws.lock.createLockRule(...args)
        secondClaimed()
        return claim
      }
    }
    const [first, second] = await Promise.allSettled([
      deployWithState(bg.settings(), bg.durableDeps('runner-1', { lock: late })),
      deployWithState(bg.settings(), bg.durableDeps('runner-2', { lock: watching }))
    ])
    expect(first.status).toBe('rejected')
    expect((first as PromiseRejectedResult).reason.message).toMatch(
      /another rollout is (in progress|starting) on .*runner-2/
    )
    expect(second).toMatchObject({ status: 'fulfilled', value: { result: 'promoted' } })
    expect(bg.mutations().filter((line) => line.startsWith('registerTaskDefinition'))).toHaveLength(
      1
    )
    expect(violations).toEqual([])
  })

  it('a claim whose answer was lost is still this run’s: it goes on, and no other run can start', async () => {
    const bg = new BlueGreen()
    let lost = false
    const lossy: LockPort = {
      ...bg.aws.lock,
      createLockRule: async (...args) => {
        const claim = await bg.aws.lock.createLockRule(...args)
        if (!lost) {
          lost = true
          throw new Error('socket hang up')
        }
        return claim
      }
    }
    const [first, second] = await Promise.allSettled([
      deployWithState(bg.settings(), bg.durableDeps('runner-1', { lock: lossy })),
      deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    ])
    expect(first).toMatchObject({ status: 'fulfilled', value: { result: 'promoted' } })
    expect(second.status).toBe('rejected')
  })
})

describe('the post step settles only its own rollout', () => {
  it('a run that hung, was taken over and promoted, then cancelled: its post step changes nothing', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    const hold = await deployThatDies(bg)
    await bg.clock.sleep(6 * MINUTE)
    const taken = await deployWithState(
      bg.settings({ scaleDownDelayMs: 30_000 }),
      bg.durableDeps('runner-2')
    )
    expect(taken.result).toBe('promoted')
    // the old side is scaled down: 100% back onto it would be an outage
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(0)
    const before = bg.aws.log.mutations().length
    const done = await settleAfterMainStep(hold, bg.settings(), bg.durableDeps('runner-1'))
    expect(done.line).toMatch(/in the hands of another run now/)
    expect(bg.aws.log.mutations().length).toBe(before)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    expect(violations).toEqual([])
  })

  it('after a runner death it returns the traffic, scales the new side down, settles the record and frees the route', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    const hold = await deployThatDies(bg)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 75, 'web-green-tg': 25 })
    const done = await settleAfterMainStep(hold, bg.settings(), bg.durableDeps('runner-1'))
    expect(done).toEqual({
      line: 'The deploy did not finish: all traffic was returned to web-blue.'
    })
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
    expect(bg.tags()['ecs-blue-green:phase']).toBe('reverted')
    expect(bg.tags()['ecs-blue-green:reason']).toMatch(/the run stopped while shifting traffic/)
    // status tells the truth, and the next deploy needs no wait for the heartbeat to go stale
    const status = await rolloutStatus(bg.settings(), bg.durableDeps('runner-3'))
    expect(status.lock.kind).toBe('free')
    const next = await deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    expect(next.result).toBe('promoted')
    expect(violations).toEqual([])
  })

  it('takes the lock again and settles when a takeover gave it back without settling the rollout', async () => {
    // a takeover that could not record itself put the record back and removed its lock: the
    // record still shows this run's rollout in flight, and nobody else acts on it
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    const hold = await deployThatDies(bg)
    expect(await bg.aws.lock.deleteLockRule(hold.lockArn)).toBe(true)
    const done = await settleAfterMainStep(hold, bg.settings(), bg.durableDeps('runner-1'))
    expect(done).toEqual({
      line: 'The deploy did not finish: all traffic was returned to web-blue.'
    })
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.tags()['ecs-blue-green:phase']).toBe('reverted')
    expect(violations).toEqual([])
  })

  it('a promote that dies mid-rollout leaves its post step the rollout to settle', async () => {
    const bg = new BlueGreen()
    const paused = await deployWithState(bg.settings({ steps: PAUSED }), bg.durableDeps())
    expect(paused.result).toBe('paused')
    expect(bg.postStepHolds.at(-1)).toBeNull()
    // dies 30s into the bake at 100%: the idle check and the shift take about 5s
    const died = bg.clock.stallAt(bg.clock.now() + 40_000)
    void promoteRollout(bg.settings(), bg.durableDeps('runner-2'))
    await died
    const hold = bg.postStepHolds.at(-1)
    expect(hold).toMatchObject({ ownerToken: 'runner-2' })
    const done = await settleAfterMainStep(hold!, bg.settings(), bg.durableDeps('runner-2'))
    expect(done.line).toMatch(/all traffic was returned to web-blue/)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })
})

describe('an abort racing a running deploy', () => {
  it.each(['Shift to 25%', 'Bake at 25%', 'Shift to 50%'])(
    'started at "%s": the deploy writes no weight after it, and the new side is scaled only once it has none',
    async (phase) => {
      const bg = new BlueGreen()
      const violations = watchSafety(bg)
      let aborted: Promise<{ outcome: { result: string } }> | undefined
      const seen = bg.record.observer.phase
      bg.record.observer.phase = (name) => {
        seen(name)
        if (name === phase && !aborted) {
          aborted = abortRollout(bg.settings(), bg.durableDeps('runner-2'))
        }
      }
      const outcome = await deployWithState(bg.settings(), bg.durableDeps('runner-1'))
      expect((await aborted!).outcome.result).toBe('aborted')
      expect(outcome.result).toBe('reverted')
      expect(outcome.reason).toMatch(/^cancelled \(command: abort from run 2 /)
      // the last weight written is the abort's, and it stuck
      expect(weightWrites(bg).at(-1)).toBe('writeForward web-blue-tg=100 web-green-tg=0')
      expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
      expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
      expect(violations).toEqual([])
      expect(bg.tags()['ecs-blue-green:phase']).toBe('aborted')
    }
  )
})

describe('a failure before any change leaves the route free', () => {
  it('a refused RegisterTaskDefinition (iam:PassRole) gives the lock back and restores the record', async () => {
    const bg = new BlueGreen()
    await deployWithState(bg.settings(), bg.durableDeps('runner-1'))
    const promoted = bg.tags()
    bg.aws.log.fail('registerTaskDefinition', {
      times: 1,
      error: 'AccessDeniedException: not authorized to perform: iam:PassRole'
    })
    await expect(
      deployWithState(
        bg.settings(release('registry.example.com/web:3.0.0')),
        bg.durableDeps('runner-2')
      )
    ).rejects.toThrow(/iam:PassRole/)
    expect(bg.tags()).toEqual(promoted)
    // at once, not after stale-after
    const next = await deployWithState(
      bg.settings(release('registry.example.com/web:3.0.0')),
      bg.durableDeps('runner-3')
    )
    expect(next.result).toBe('promoted')
  })
})

describe('traffic goes back only onto healthy tasks', () => {
  it('a takeover whose side to return to was scaled away leaves the traffic where it is served, and promote recovers', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await deployThatDies(bg)
    // someone scales the old side away by hand while the run is dead
    bg.aws.ecsWorld.updateService('web-blue', { desiredCount: 0 })
    await bg.clock.sleep(6 * MINUTE)
    const next = await deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    expect(next.result).toBe('reverted')
    expect(next.reason).toMatch(
      /web-blue-tg has no healthy target .*so the traffic was left where it is/
    )
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 75, 'web-green-tg': 25 })
    // the side that serves is not scaled down
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(2)
    expect(violations).toEqual([])
    // an ordinary command gets out of it, with no hand edit: all traffic to the side that serves
    await bg.clock.sleep(6 * MINUTE)
    const { outcome } = await promoteRollout(
      bg.settings({ straightTo100: true }),
      bg.durableDeps('runner-3')
    )
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    expect(violations).toEqual([])
  })
})

describe('a shift reads the new side’s health right before it writes', () => {
  it('a side that went bad since the last poll gets no more weight: the run reverts instead', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    // the new side's targets turn unhealthy between the end of the bake at 10% and the next write
    bg.aws.log.after('writeTags', (input: { tags: Record<string, string> }) => {
      if (input.tags['ecs-blue-green:step'] !== '1') return
      for (const target of bg.aws.elbWorld.describeTargetHealth(bg.greenTg)) {
        bg.aws.elbWorld.setTarget(bg.greenTg, target.id, target.port ?? 8080, 'unhealthy')
      }
    })
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^web-green-tg has 0 of 2 targets healthy during the shift to 25%/
    )
    expect(weightWrites(bg)).toEqual([
      'writeForward web-blue-tg=90 web-green-tg=10',
      'writeForward web-blue-tg=100 web-green-tg=0'
    ])
    expect(violations).toEqual([])
  })
})

describe('an abort that died holding the lock', () => {
  it('before its own record landed: its post step returns the traffic it had come to return', async () => {
    // simulation seed 11, path 3954, as a story: the record still names the run it aborted
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await deployThatDies(bg)
    bg.aws.log.fail('writeTags', { times: 1000 })
    // the abort's first wait past a second (its record's retries) is where its runner dies
    const died = bg.clock.stallAt(bg.clock.now() + 1000)
    void abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    await died
    bg.aws.log.clearFaults()
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 75, 'web-green-tg': 25 })
    const hold = bg.postStepHolds.at(-1)
    expect(hold).toMatchObject({ ownerToken: 'runner-2' })
    const done = await settleAfterMainStep(hold!, bg.settings(), bg.durableDeps('runner-2'))
    expect(done.line).toMatch(/all traffic was returned to web-blue/)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
    expect(violations).toEqual([])
  })
})
