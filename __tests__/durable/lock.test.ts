import { deployWithState } from '../../src/rollout/control/deploy.js'
import { RolloutLockedError, TopologyError } from '../../src/rollout/errors.js'
import { STATE_KEYS } from '../../src/rollout/durable/tags.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

const weight = (percent: number) => ({ kind: 'weight' as const, percent })

/** A deploy whose runner dies 30s into the bake at 25% (bring-up takes 20s, each bake 1m). */
async function deployThatDies(bg: BlueGreen): Promise<void> {
  const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE + 30_000)
  void deployWithState(bg.settings(), bg.durableDeps('runner-1'))
  await died
}

/** the mutations made after the first `count` calls of the log */
function mutationsAfter(bg: BlueGreen, count: number): string[] {
  const all = bg.aws.log.calls.slice(count).filter((call) => call.mutating).length
  return bg.mutations().slice(-all || bg.mutations().length)
}

describe('one rollout per listener', () => {
  it('a deploy records each phase, then the promotion, in the tags of the listener', async () => {
    const bg = new BlueGreen()
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('promoted')
    const phases = bg.mutations().filter((line) => /^writeTags [a-z-]+$/.test(line))
    expect(phases.filter((line) => line !== 'writeTags heartbeat')).toEqual([
      'writeTags register',
      'writeTags bring-up',
      'writeTags shift',
      'writeTags shift',
      'writeTags shift',
      'writeTags shift',
      'writeTags scale-down',
      'writeTags promoted'
    ])
    // the lock and the claim come before the first change, each phase before its own change
    expect(bg.mutations().slice(0, 7)).toEqual([
      'createLockRule',
      'writeTags register',
      'registerTaskDefinition web',
      'writeTags bring-up',
      'updateService web-green web:42 x2',
      'writeTags shift',
      'writeForward web-blue-tg=90 web-green-tg=10'
    ])
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'promoted',
      'ecs-blue-green:revision': expect.stringMatching(/web:42$/),
      'ecs-blue-green:previous-revision': bg.liveRevision,
      'ecs-blue-green:run-url': 'https://github.com/acme/web/actions/runs/runner-1'
    })
  })

  it('sends a heartbeat during long waits, never more often than every 30s', async () => {
    const bg = new BlueGreen()
    await deployWithState(
      bg.settings({ stepWaitMs: 5 * MINUTE, timeoutMs: 60 * MINUTE }),
      bg.durableDeps()
    )
    const writes = bg.aws.log.calls.filter((call) => call.op === 'writeTags')
    const beats = writes.flatMap((call, i) => {
      const tags = Object.keys((call.input as { tags: Record<string, string> }).tags)
      return tags.length === 1 && i > 0 ? [call.at - writes[i - 1]!.at] : []
    })
    expect(beats.length).toBeGreaterThan(20)
    expect(Math.min(...beats)).toBeGreaterThanOrEqual(30_000)
    // a run that is alive never looks stale: it is never silent for long
    const gaps = writes.slice(1).map((call, i) => call.at - writes[i]!.at)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(35_000)
  })

  it('refuses to start while another run holds a fresh heartbeat, naming that run', async () => {
    const bg = new BlueGreen()
    await deployThatDies(bg)
    const before = bg.aws.log.calls.length
    const refused = deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    await expect(refused).rejects.toThrow(RolloutLockedError)
    // the heartbeat's age depends on where in its 30s beat the run died
    const escaped = bg.routeArn.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^another rollout is in progress on ${escaped}: run 1 ` +
          '\\(https://github\\.com/acme/web/actions/runs/runner-1\\) is shifting traffic to web-green ' +
          '\\(last heartbeat [1-3]?\\ds ago\\); wait for it to finish, or run the action with command: abort to stop it$'
      )
    )
    expect(mutationsAfter(bg, before)).toEqual([])
  })

  it('takes over a stale rollout: the lock first, its traffic back next, then the deploy runs', async () => {
    const bg = new BlueGreen()
    await deployThatDies(bg)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 75, 'web-green-tg': 25 })
    await bg.clock.sleep(6 * MINUTE)
    const before = bg.aws.log.calls.length
    const outcome = await deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('promoted')
    const after = mutationsAfter(bg, before)
    expect(after.slice(0, 10)).toEqual([
      // the dead run's lock rule is taken from it: one delete by ARN wins
      'createLockRule',
      'deleteLockRule',
      'createLockRule',
      'writeTags shift',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0',
      'writeTags reverted',
      'deleteLockRule',
      'createLockRule',
      'writeTags register'
    ])
    expect(bg.record.warnings[0]).toMatch(
      /^run 1 \(https:\/\/github.com\/acme\/web\/actions\/runs\/runner-1\) stopped shifting traffic to web-green and has sent no heartbeat for 6m\d+s: returning its traffic to web-blue$/
    )
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    expect(bg.tags()['ecs-blue-green:phase']).toBe('promoted')
  })

  it('with on-interrupted: resume, carries a stale rollout on from its step instead', async () => {
    const bg = new BlueGreen()
    await deployThatDies(bg)
    await bg.clock.sleep(6 * MINUTE)
    const before = bg.aws.log.calls.length
    const outcome = await deployWithState(
      bg.settings({ onInterrupted: 'resume' }),
      bg.durableDeps('runner-2')
    )
    expect(outcome.result).toBe('promoted')
    const weights = mutationsAfter(bg, before).filter((line) => line.startsWith('writeForward'))
    expect(weights).toEqual([
      'writeForward web-blue-tg=75 web-green-tg=25',
      'writeForward web-blue-tg=50 web-green-tg=50',
      'writeForward web-blue-tg=0 web-green-tg=100'
    ])
    expect(bg.record.phases).toContain('Check idle side')
  })

  it('finishes a stale rollout that was promoted: the rest of its scale-down, not a revert', async () => {
    const bg = new BlueGreen()
    // bring-up 20s, four bakes of 1m: the runner dies 10s into a 30s scale-down delay (waited
    // in the run: a longer one is left to the next run and holds no runner)
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + 4 * MINUTE + 10_000)
    void deployWithState(bg.settings({ scaleDownDelayMs: 30_000 }), bg.durableDeps('runner-1'))
    await died
    expect(bg.tags()['ecs-blue-green:phase']).toBe('scale-down')
    await bg.clock.sleep(6 * MINUTE)
    const before = bg.aws.log.calls.length
    const outcome = await deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    // the same release again: what happened is that promotion, finished
    expect(outcome).toMatchObject({ result: 'promoted', liveService: 'web-green' })
    expect(mutationsAfter(bg, before).filter((line) => !line.startsWith('writeTags'))).toEqual([
      'createLockRule',
      'deleteLockRule',
      'createLockRule',
      'updateService web-blue x0',
      'deleteLockRule'
    ])
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'promoted',
      'ecs-blue-green:owner': 'runner-2'
    })
  })

  it('refuses to deploy over a paused rollout, saying how to go on', async () => {
    const bg = new BlueGreen()
    const steps = [weight(10), { kind: 'pause' as const }, weight(100)]
    const paused = await deployWithState(bg.settings({ steps }), bg.durableDeps())
    expect(paused.result).toBe('paused')
    await expect(deployWithState(bg.settings(), bg.durableDeps('runner-2'))).rejects.toThrow(
      TopologyError
    )
    await expect(deployWithState(bg.settings(), bg.durableDeps('runner-2'))).rejects.toThrow(
      /is paused on .*command: promote to continue it, or command: abort to return all traffic to web-blue/
    )
  })

  it('lets only one of two deploys that start at once go on', async () => {
    const bg = new BlueGreen()
    const runs = await Promise.allSettled([
      deployWithState(bg.settings(), bg.durableDeps('runner-1')),
      deployWithState(bg.settings(), bg.durableDeps('runner-2'))
    ])
    const promoted = runs.filter((run) => run.status === 'fulfilled')
    const refused = runs.filter((run) => run.status === 'rejected')
    expect(promoted).toHaveLength(1)
    expect(refused).toHaveLength(1)
    const winner = runs[0]!.status === 'fulfilled' ? 'runner-1' : 'runner-2'
    expect((refused[0] as PromiseRejectedResult).reason.message).toContain(
      `https://github.com/acme/web/actions/runs/${winner}`
    )
    // one task definition registered, one bring-up: the loser's lock rule was never created
    expect(bg.mutations().filter((line) => !line.startsWith('writeTags'))).toEqual([
      'createLockRule',
      'createLockRule',
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'writeForward web-blue-tg=90 web-green-tg=10',
      'writeForward web-blue-tg=75 web-green-tg=25',
      'writeForward web-blue-tg=50 web-green-tg=50',
      'writeForward web-blue-tg=0 web-green-tg=100',
      'deleteLockRule'
    ])
    expect(bg.tags()['ecs-blue-green:owner']).toBe(winner)
  })

  it('writes no tag on a dry run or an unchanged deploy', async () => {
    const bg = new BlueGreen()
    await deployWithState(bg.settings({ dryRun: true }), bg.durableDeps())
    await deployWithState(
      bg.settings({ release: { image: 'registry.example.com/web:1.0.0', environment: [] } }),
      bg.durableDeps()
    )
    expect(bg.mutations()).toEqual([])
  })

  it('puts the earlier record back when a run ends having changed nothing', async () => {
    const bg = new BlueGreen()
    await deployWithState(bg.settings(), bg.durableDeps('runner-1'))
    const promoted = bg.tags()
    // the next deploy is cancelled after its claim, before it touches a service
    bg.cancelAtPhase('Register')
    const outcome = await deployWithState(
      bg.settings({ release: { image: 'registry.example.com/web:3.0.0', environment: [] } }),
      bg.durableDeps('runner-2')
    )
    expect(outcome.reason).toBe(
      'cancelled (SIGTERM) before bringing up web-blue; nothing was changed'
    )
    expect(bg.mutations().slice(-5)).toEqual([
      'createLockRule',
      'writeTags register',
      'registerTaskDefinition web',
      'writeTags promoted',
      'deleteLockRule'
    ])
    expect(bg.tags()).toEqual(promoted)
  })

  it('warns about a corrupt state, ignores it and replaces it', async () => {
    const bg = new BlueGreen()
    bg.aws.elbWorld.writeTags(bg.routeArn, {
      'ecs-blue-green:schema': '1',
      'ecs-blue-green:phase': 'shift',
      'ecs-blue-green:heartbeat': 'now'
    })
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('promoted')
    expect(bg.record.warnings[0]).toMatch(
      /^the rollout state in the tags of .* is not usable and is ignored: tag ecs-blue-green:steps is missing/
    )
    expect(bg.tags()['ecs-blue-green:phase']).toBe('promoted')
  })

  it('refuses a deploy that would not leave room in the tags, before any change', async () => {
    const bg = new BlueGreen()
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`team-tag-${i}`, 'x']))
    bg.aws.elbWorld.writeTags(bg.routeArn, many)
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      new RegExp(
        `has 40 tags of its own; the rollout state needs ${STATE_KEYS.length} more and a listener or rule can have at most 50: remove some of its tags\\), so the change it was to announce was not made; nothing was changed$`
      )
    )
    expect(bg.mutations()).toEqual([])
  })
})
