/**
 * Tests written for the mutants Stryker left alive in the safety code (`npm run mutate`, see the
 * README): each names the behaviour the mutant broke without any other test noticing.
 */
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { lockPriority } from '../../src/rollout/durable/route-lock.js'
import { listenerOf } from '../../src/rollout/discover.js'
import { BlueGreen } from '../support/blue-green.js'
import { watchSafety } from '../support/safety-watch.js'

/**
 * Takes the run's lock from it: its rule deleted and another run's created at the priority, as a
 * takeover does. (A rule only deleted is taken again by the run, which then carries on.)
 */
function removeLock(bg: BlueGreen): void {
  const listener = listenerOf(bg.routeArn)
  const priority = lockPriority({ routeArn: bg.routeArn })
  const rule = bg.aws.elbWorld.ruleAt(listener, priority)
  if (!rule) throw new Error('test: no lock rule to remove')
  bg.aws.elbWorld.deleteRule(rule.arn)
  bg.aws.elbWorld.createRule(listener, priority, {
    'ecs-blue-green:lock': bg.routeArn,
    'ecs-blue-green:owner': 'intruder',
    'ecs-blue-green:claimed': new Date(bg.clock.now()).toISOString(),
    'ecs-blue-green:purpose': 'rollout'
  })
}

/** Removes the lock right after the record of `phase` is written, before the change it announces. */
function removeLockAfterRecord(bg: BlueGreen, phase: string, then?: string): void {
  let armed = false
  let done = false
  bg.aws.log.after('writeTags', (input: { tags: Record<string, string> }) => {
    if (input.tags['ecs-blue-green:phase'] !== phase || done) return
    if (!then) {
      done = true
      removeLock(bg)
    } else armed = true
  })
  if (then) {
    bg.aws.log.after(then, () => {
      if (!armed || done) return
      done = true
      removeLock(bg)
    })
  }
}

describe('a run whose lock is gone changes nothing more, whatever call comes next (guarded.ts)', () => {
  it('registerTaskDefinition: not made once the lock is gone', async () => {
    const bg = new BlueGreen()
    removeLockAfterRecord(bg, 'register')
    await expect(deployWithState(bg.settings(), bg.durableDeps('runner-1'))).rejects.toThrow(
      /\(intruder\) took this rollout over; this run stopped without changing anything more/
    )
    expect(bg.mutations()).not.toContain('registerTaskDefinition web')
    expect(bg.aws.log.calls.some((call) => call.op === 'registerTaskDefinition')).toBe(false)
  })

  it('updateService: the idle side is not brought up once the lock is gone', async () => {
    const bg = new BlueGreen()
    removeLockAfterRecord(bg, 'bring-up')
    await expect(deployWithState(bg.settings(), bg.durableDeps('runner-1'))).rejects.toThrow(
      /\(intruder\) took this rollout over; this run stopped without changing anything more/
    )
    expect(bg.aws.log.calls.some((call) => call.op === 'updateService')).toBe(false)
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
  })

  it('writeForward: no weight is moved when the lock goes between the health read and the write', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    // the shift reads the new side's health right before it writes: the lock goes in between
    removeLockAfterRecord(bg, 'shift', 'describeTargetHealth')
    await expect(deployWithState(bg.settings(), bg.durableDeps('runner-1'))).rejects.toThrow(
      /\(intruder\) took this rollout over; this run stopped without changing anything more/
    )
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(violations).toEqual([])
  })
})

describe('a shift reads the new side’s health right before it writes (shift.ts)', () => {
  it('a health read that fails then moves no traffic: the run reverts, saying why', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    let armed = false
    bg.aws.log.after('writeTags', (input: { tags: Record<string, string> }) => {
      if (input.tags['ecs-blue-green:phase'] !== 'shift' || armed) return
      armed = true
      // failing past the patience of the read
      bg.aws.log.fail('describeTargetHealth', { times: 100 })
    })
    const outcome = await deployWithState(bg.settings(), bg.durableDeps('runner-1'))
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^could not read the health of web-green-tg \(describeTargetHealth: Throttling: Rate exceeded\) during the shift to 10%/
    )
    expect(bg.aws.weightWrites()).toEqual([])
    expect(violations).toEqual([])
  })
})
