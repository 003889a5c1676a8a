import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { promoteRollout } from '../../src/rollout/control/promote.js'
import { rollbackRollout } from '../../src/rollout/control/rollback.js'
import { statusLines, statusPhase, statusSummary } from '../../src/report/status.js'
import { rolloutStatus } from '../../src/rollout/control/status.js'
import { lockOwner, lockPriority } from '../../src/rollout/durable/route-lock.js'
import { listenerOf } from '../../src/rollout/discover.js'
import { TopologyError } from '../../src/rollout/errors.js'
import { BlueGreen, MINUTE, OLD_IMAGE } from '../support/blue-green.js'

const weight = (percent: number) => ({ kind: 'weight' as const, percent })
const PAUSED = [weight(10), { kind: 'pause' as const }, weight(50), weight(100)]

/** A deploy of 10,pause,50,100 that stopped at 10%, as its run left it. */
async function pausedAt10(bg: BlueGreen) {
  const outcome = await deployWithState(bg.settings({ steps: PAUSED }), bg.durableDeps('runner-1'))
  expect(outcome.result).toBe('paused')
  return outcome
}

/** the mutating calls from now on */
function watch(bg: BlueGreen): () => string[] {
  const from = bg.mutations().length
  return () => bg.mutations().slice(from)
}

describe('pause', () => {
  it('stops at the step before the pause, records it, and leaves nothing for the post step', async () => {
    const bg = new BlueGreen()
    const outcome = await pausedAt10(bg)
    expect(outcome).toMatchObject({ liveService: 'web-blue', idleService: 'web-green' })
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 90, 'web-green-tg': 10 })
    expect(bg.postStepHolds.at(-1)).toBeNull()
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'paused',
      'ecs-blue-green:step': '1',
      'ecs-blue-green:steps': '10 pause 50 100'
    })
  })
})

describe('command: promote', () => {
  it('continues a paused rollout from the step after the pause, checking the idle side first', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    await bg.clock.sleep(3 * 3_600_000)
    const changes = watch(bg)
    const { outcome, settings } = await promoteRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('promoted')
    // the deploy's steps, not the promote's inputs
    expect(settings.steps).toEqual(PAUSED)
    expect(changes().filter((line) => !line.startsWith('writeTags'))).toEqual([
      'createLockRule',
      'writeForward web-blue-tg=50 web-green-tg=50',
      'writeForward web-blue-tg=0 web-green-tg=100',
      // the 5m5s scale-down is left to the next run on the listener: the runner is free
      'deleteLockRule'
    ])
    expect(bg.record.phases.slice(-7)).toEqual([
      'Check idle side',
      'Shift to 50%',
      'Bake at 50%',
      'Shift to 100%',
      'Bake at 100%',
      'Promote',
      'Scale down old side'
    ])
    expect(bg.tags()['ecs-blue-green:phase']).toBe('promoted')
  })

  it('goes straight to 100 when asked', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    const changes = watch(bg)
    const { outcome } = await promoteRollout(
      bg.settings({ straightTo100: true }),
      bg.durableDeps('runner-2')
    )
    expect(outcome.result).toBe('promoted')
    expect(changes().filter((line) => line.startsWith('writeForward'))).toEqual([
      'writeForward web-blue-tg=0 web-green-tg=100'
    ])
  })

  it('reverts, as a deploy would, when the idle side went bad while paused', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    bg.aws.ecsWorld.updateService('web-green', { desiredCount: 0 })
    const changes = watch(bg)
    const { outcome } = await promoteRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/^web-green was scaled to 0 while checking web-green/)
    // the lock, then the revert before anything else
    expect(
      changes()
        .filter((line) => !line.startsWith('writeTags'))
        .slice(0, 2)
    ).toEqual(['createLockRule', 'writeForward web-blue-tg=100 web-green-tg=0'])
    expect(bg.tags()['ecs-blue-green:phase']).toBe('reverted')
  })

  it('refuses when there is nothing to promote, changing nothing', async () => {
    const bg = new BlueGreen()
    await expect(promoteRollout(bg.settings(), bg.durableDeps())).rejects.toThrow(
      /there is no rollout state on .* so there is nothing to promote; nothing was changed/
    )
    await deployWithState(bg.settings(), bg.durableDeps())
    const changes = watch(bg)
    await expect(promoteRollout(bg.settings(), bg.durableDeps('runner-2'))).rejects.toThrow(
      /the last rollout on .* \(to web-green\) was promoted: there is nothing to promote/
    )
    expect(changes()).toEqual([])
  })
})

describe('command: abort', () => {
  it('after a pause: traffic back first, then the idle side scaled to 0', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    const changes = watch(bg)
    const { outcome } = await abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome).toMatchObject({
      result: 'aborted',
      liveService: 'web-blue',
      idleService: 'web-green',
      scaleDown: 'web-green scaled to 0'
    })
    // the lock and the record first: the run it aborts stops before its next change
    expect(changes()).toEqual([
      'createLockRule',
      'writeTags aborting',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0',
      'writeTags aborted',
      'deleteLockRule'
    ])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('while another run bakes: that run stops before its next change, and the abort alone undoes it', async () => {
    const bg = new BlueGreen()
    let aborted: Promise<unknown> | undefined
    bg.record.observer.phase = (name) => {
      if (name === 'Bake at 25%' && !aborted) {
        aborted = abortRollout(bg.settings(), bg.durableDeps('runner-2'))
      }
    }
    const outcome = await deployWithState(
      bg.settings({ stepWaitMs: 5 * MINUTE, timeoutMs: 60 * MINUTE }),
      bg.durableDeps('runner-1')
    )
    await aborted
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^cancelled \(command: abort from run 2 \(https:\/\/github.com\/acme\/web\/actions\/runs\/runner-2\)\) during bake at 25%$/
    )
    const weights = bg.aws.weightWrites().map((write) => write['web-green-tg'])
    expect(weights).toEqual([10, 25, 0])
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'aborted',
      'ecs-blue-green:owner': 'runner-2'
    })
  })

  it('that cannot return the traffic keeps its lock and its `aborting` record, for an abort again', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    bg.aws.log.fail('writeForward', { times: 50 })
    const failed = abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    await expect(failed).rejects.toThrow(
      /could not return all traffic to web-blue: .*run command: abort again/
    )
    // the rollout is still open, and the lock and the record agree on who left it so
    const settings = bg.settings()
    const lock = bg.aws.elbWorld.ruleAt(listenerOf(settings.routeArn), lockPriority(settings))
    expect(lock && lockOwner(lock)).toBe('runner-2')
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'aborting',
      'ecs-blue-green:owner': 'runner-2'
    })
    bg.aws.log.clearFaults()
    const { outcome } = await abortRollout(bg.settings(), bg.durableDeps('runner-3'))
    expect(outcome.result).toBe('aborted')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(
      bg.aws.elbWorld.ruleAt(listenerOf(settings.routeArn), lockPriority(settings))
    ).toBeUndefined()
  })

  it('refuses after a promotion, pointing at rollback', async () => {
    const bg = new BlueGreen()
    await deployWithState(bg.settings(), bg.durableDeps())
    const changes = watch(bg)
    const refused = abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    await expect(refused).rejects.toThrow(TopologyError)
    await expect(refused).rejects.toThrow(
      /was promoted, so there is no rollout to abort; to go back to web-blue, run the action with command: rollback/
    )
    expect(changes()).toEqual([])
  })
})

describe('command: rollback', () => {
  it('brings the scaled-down previous side back on its revision, then moves all traffic to it', async () => {
    const bg = new BlueGreen()
    // 30s: waited in the run
    await deployWithState(bg.settings({ scaleDownDelayMs: 30_000 }), bg.durableDeps())
    expect(bg.aws.ecsWorld.service('web-blue')).toMatchObject({ desiredCount: 0 })
    const changes = watch(bg)
    const { outcome } = await rollbackRollout(
      bg.settings({ scaleDownDelayMs: 30_000 }),
      bg.durableDeps('runner-2')
    )
    expect(outcome).toMatchObject({
      result: 'rolled-back',
      liveService: 'web-blue',
      idleService: 'web-green',
      taskDefinitionArn: bg.liveRevision
    })
    expect(changes().filter((line) => !line.startsWith('writeTags'))).toEqual([
      'createLockRule',
      'updateService web-blue web:41 x2',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0',
      'deleteLockRule'
    ])
    // all traffic moved only once every task of the previous side was healthy
    const shift = bg.record.timeline.find((entry) => entry.event === 'shifted to 100%')!
    expect(shift.idle).toEqual({ healthy: 2, total: 2 })
    expect(bg.tags()['ecs-blue-green:phase']).toBe('rolled-back')
  })

  it('is refused, traffic untouched, when the previous revision cannot become healthy', async () => {
    const bg = new BlueGreen()
    await deployWithState(bg.settings({ scaleDownDelayMs: MINUTE }), bg.durableDeps())
    const promoted = bg.tags()
    bg.image({ unhealthy: true }, OLD_IMAGE)
    // long enough for the old side's tasks to have stopped
    await bg.clock.sleep(MINUTE)
    const changes = watch(bg)
    const { outcome } = await rollbackRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('unchanged')
    expect(outcome.reason).toMatch(
      /^rollback refused: target .* unhealthy in web-blue-tg while bringing up web-blue.*; all traffic stays on web-green$/
    )
    expect(changes().filter((line) => line.startsWith('writeForward'))).toEqual([])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    // the promotion stays on record, so that the rollback can be tried again
    expect(bg.tags()).toMatchObject({
      ...promoted,
      'ecs-blue-green:reason': expect.stringMatching(/^rollback failed: target/)
    })
  })

  it('refuses a rollout that is not promoted, pointing at abort', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    await expect(rollbackRollout(bg.settings(), bg.durableDeps('runner-2'))).rejects.toThrow(
      /is paused: there is no promotion to roll back; to stop a rollout that is not promoted, run the action with command: abort/
    )
  })
})

describe('command: status', () => {
  it('tells the state, weights, revisions and health of both sides, and changes nothing', async () => {
    const bg = new BlueGreen()
    await pausedAt10(bg)
    const changes = watch(bg)
    const report = await rolloutStatus(bg.settings(), bg.durableDeps('runner-2'))
    expect(changes()).toEqual([])
    expect(report.state).toMatchObject({ kind: 'record', record: { phase: 'paused', step: 1 } })
    expect(report.lock.kind).toBe('paused')
    expect(report.sides).toEqual([
      expect.objectContaining({
        service: 'web-blue',
        percent: 90,
        revision: 'web:41',
        healthy: 2,
        targets: 2
      }),
      expect.objectContaining({
        service: 'web-green',
        percent: 10,
        revision: 'web:42',
        healthy: 2,
        targets: 2
      })
    ])
    expect(statusLines(report)).toEqual([
      'Rollout state: A rollout to web-green is paused at step 2: run command: promote to ' +
        'continue or command: abort to return all traffic to web-blue.',
      expect.stringMatching(/^Rollout \S+: deploy from web-blue to web-green, phase paused$/),
      'Revision: web:42; previous revision: web:41',
      'web-blue: 90% of the traffic, web:41, 2/2 running, 2/2 targets healthy',
      'web-green: 10% of the traffic, web:42, 2/2 running, 2/2 targets healthy'
    ])
    expect(statusSummary(report)).toContain(
      '| `web-green` | `web-green-tg` | 10% | `web:42` | 2/2 | 2/2 |  |'
    )
  })

  it('reports a state it cannot use, and still shows the pair', async () => {
    const bg = new BlueGreen()
    bg.aws.elbWorld.writeTags(bg.routeArn, { 'ecs-blue-green:schema': '7' })
    const report = await rolloutStatus(bg.settings(), bg.durableDeps())
    expect(statusPhase(report)).toBe('unreadable')
    expect(statusLines(report)[0]).toBe(
      'Rollout state: The stored rollout state is not usable: it was written by a newer version ' +
        'of the action (schema 7); use that version.'
    )
    expect(statusLines(report)).toContain(
      'web-blue: 100% of the traffic, web:41, 2/2 running, 2/2 targets healthy'
    )
  })
})
