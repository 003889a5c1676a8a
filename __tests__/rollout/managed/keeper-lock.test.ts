import { describe, expect, it } from '@jest/globals'
import { listenerOf } from '../../../src/rollout/discover.js'
import { lockPriority } from '../../../src/rollout/durable/route-lock.js'
import { deployManagedWithState } from '../../../src/rollout/managed/keeper.js'
import { decodeManaged } from '../../../src/rollout/managed/record.js'
import { RULE } from '../../support/memory-service-deployments.js'
import {
  diesAfter,
  durableDeps,
  ManagedWorld,
  MemoryTagsAndLock,
  MINUTE
} from '../../support/managed.js'

/*
 * The lock and the takeover of a service that ECS deploys itself, case by case: each test here
 * kills mutants of src/rollout/managed/keeper.ts that the rest of the suite let live.
 */

const PHASE = 'ecs-blue-green:managed-phase'
const changes = (calls: string[]) =>
  calls.filter((call) => !call.startsWith('Describe') && !call.startsWith('List'))

/** run-1 dies (its process is gone) when it is about to record `phase`. */
function diesBefore(store: MemoryTagsAndLock, phase: string): Promise<void> {
  const write = store.writeTags.bind(store)
  return new Promise((died) => {
    store.writeTags = (arn, tags) => {
      if (tags[PHASE] !== phase) return write(arn, tags)
      store.writeTags = write
      died()
      return new Promise<void>(() => undefined)
    }
  })
}

describe('taking the lock', () => {
  it("refuses a rule of the user's at the lock's priority, naming lock-priority, and changes nothing", async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const settings = world.settings()
    // the listener's rule at the lock's priority, the user's own
    const key = `${listenerOf(RULE)}#${lockPriority({ ...settings, routeArn: RULE })}`
    store.rules.set(key, { arn: 'rule-of-the-user', priority: 0, tags: { team: 'web' } })
    await expect(
      deployManagedWithState(settings, durableDeps(world, store, 'run-1'))
    ).rejects.toThrow(
      /^rule \S+ of \S+ has the lock's priority \d+ but is no lock of \S+; set lock-priority to a free priority\. Nothing was changed$/
    )
    expect(changes(world.ecs.calls)).toEqual([])
    expect([...store.rules.values()].map((rule) => rule.tags)).toEqual([{ team: 'web' }])
  })

  it('tries again when the lock it found taken is gone by the time it looks: a run that just ended', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const { createLockRule } = store
    let refusals = 1
    store.createLockRule = (listener, priority, tags) =>
      refusals-- > 0
        ? Promise.resolve({ kind: 'taken' as const })
        : createLockRule.call(store, listener, priority, tags)
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-1')
    )
    expect(outcome.result).toBe('promoted')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
  })

  it('gives up after three tries at a lock that keeps coming back, changing nothing', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const stale = new Date(world.clock.now() - 10 * MINUTE).toISOString()
    let tries = 0
    store.createLockRule = () => {
      tries++
      return Promise.resolve({ kind: 'taken' as const })
    }
    // another run's stale lock, deleted by each try and back before the next
    store.ruleAt = () =>
      Promise.resolve({
        arn: `lock-of-another-${tries}`,
        tags: {
          'ecs-blue-green:lock': RULE,
          'ecs-blue-green:owner': 'run-0',
          'ecs-blue-green:claimed': stale
        }
      })
    const deleted: string[] = []
    store.deleteLockRule = (arn) => {
      deleted.push(arn)
      return Promise.resolve(true)
    }
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-1'))
    ).rejects.toThrow(/^could not take the lock of \S+; nothing was changed$/)
    expect(tries).toBe(3)
    expect(deleted).toEqual(['lock-of-another-1', 'lock-of-another-2', 'lock-of-another-3'])
    expect(changes(world.ecs.calls)).toEqual([])
  })

  it('a dry run takes no lock and writes no record', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const outcome = await deployManagedWithState(
      world.settings({ dryRun: true }),
      durableDeps(world, store, 'run-1')
    )
    expect(outcome.result).toBe('planned')
    expect(changes(world.ecs.calls)).toEqual([])
    expect(store.rules.size).toBe(0)
    expect(store.tags.size).toBe(0)
  })
})

describe('a run that holds the lock', () => {
  it('stops at its next beat once its lock rule is gone, not at the end of the deployment', async () => {
    const world = new ManagedWorld({ bakeMs: 20 * MINUTE })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const startedAt = world.clock.now()
    // at minute 2 the lock rule is deleted (by hand, or by a run that then failed to take it)
    world.clock.at(startedAt + 2 * MINUTE, () => store.rules.clear())
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-1'))
    ).rejects.toThrow(
      /^another run took over the rollout on \S+ \(its lock is no longer this run's\); this run changes nothing more$/
    )
    // a beat every 30 s at most, and the poll that brings it
    expect(world.clock.now() - startedAt).toBeLessThan(2 * MINUTE + 45_000)
  })

  it('beats while it follows a long deployment, so that no other run takes it for silent', async () => {
    const { world, store, startedAt } = await diesAfter(12 * MINUTE, 20 * MINUTE)
    // a beat every 30 s, not with each 5 s poll: AddTags is a rate-limited write
    const beats = world.ecs.calls.filter((call) => call === 'AddTags').length
    expect(beats).toBeGreaterThanOrEqual(20)
    expect(beats).toBeLessThanOrEqual(25)
    // the lock rule has the shape of a pair's, so that a pair's runs see it held too
    expect([...store.rules.values()].map((rule) => rule.tags)).toEqual([
      {
        'ecs-blue-green:lock': RULE,
        'ecs-blue-green:owner': 'run-1',
        'ecs-blue-green:claimed': new Date(startedAt).toISOString(),
        'ecs-blue-green:purpose': 'rollout'
      }
    ])
    const record = decodeManaged(store.tags.get(RULE) ?? {})
    expect(record?.phase).toBe('follow')
    // the record stays as run-1 wrote it at the start, and its heartbeat moves on
    expect(record?.startedAt).toBe(startedAt)
    expect(world.clock.now() - record!.heartbeatAt).toBeLessThanOrEqual(35_000)
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-2'))
    ).rejects.toThrow(
      /^another run holds the lock of \S+ \(rule \S+, at 'follow', alive \d+s ago\); nothing was changed\. Wait for it to end, or run the action with command: abort$/
    )
  })

  it('beats every third of a short stale-after, so that it is never taken for silent', async () => {
    const { world, store } = await diesAfter(12 * MINUTE, 20 * MINUTE, { staleAfterMs: 60_000 })
    const settings = world.settings({ staleAfterMs: 60_000 })
    // every 20 s: three beats within stale-after, not the 30 s of the default
    const beats = world.ecs.calls.filter((call) => call === 'AddTags').length
    expect(beats).toBeGreaterThanOrEqual(34)
    expect(beats).toBeLessThanOrEqual(38)
    await expect(
      deployManagedWithState(settings, durableDeps(world, store, 'run-2'))
    ).rejects.toThrow(/another run holds the lock/)
  })

  it('is judged by its claim, not by the record of the run before it, until it writes its own', async () => {
    // run-1 died while it followed a deployment, ten minutes ago
    const { world, store } = await diesAfter(MINUTE, 3 * MINUTE)
    await world.clock.sleep(10 * MINUTE)
    // run-2 has just taken run-1's lock over, and has written no record of its own yet
    const [key, rule] = [...store.rules][0]!
    store.rules.set(key, {
      ...rule,
      arn: `${rule.arn}-run-2`,
      tags: {
        ...rule.tags,
        'ecs-blue-green:owner': 'run-2',
        'ecs-blue-green:claimed': new Date(world.clock.now() - 10_000).toISOString()
      }
    })
    const before = world.ecs.calls.length
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-3'))
    ).rejects.toThrow(/another run holds the lock of \S+ \(rule \S+-run-2, claimed 10s ago\)/)
    expect(changes(world.ecs.calls.slice(before))).toEqual([])
  })

  it('is taken over once silent for stale-after, and not a moment before', async () => {
    const { world, store } = await diesAfter(MINUTE, 30 * MINUTE)
    const lastBeat = decodeManaged(store.tags.get(RULE) ?? {})!.heartbeatAt
    // a moment short of stale-after (5 minutes) since its last beat: still alive
    await world.clock.sleep(lastBeat + 5 * MINUTE - 1 - world.clock.now())
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-2'))
    ).rejects.toThrow(/another run holds the lock/)
    // exactly stale-after: silent for stale-after, taken over
    await world.clock.sleep(1)
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-2')
    )
    expect(world.record.warnings).toContain(
      "the run run-1 went silent 5m ago while it was at 'follow': following what it started first"
    )
    expect(outcome.result).toBe('promoted')
  })
})

describe('the record', () => {
  it('keeps when the run started, from the first phase it records to the last', async () => {
    const world = new ManagedWorld({ bakeMs: 3 * MINUTE })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const startedAt = world.clock.now()
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-1')
    )
    expect(outcome.result).toBe('promoted')
    const record = decodeManaged(store.tags.get(RULE) ?? {})
    expect(record?.phase).toBe('promoted')
    expect(record!.heartbeatAt - startedAt).toBeGreaterThanOrEqual(3 * MINUTE)
    expect(record?.startedAt).toBe(startedAt)
  })
})

describe('taking over a run that went silent', () => {
  it('says whose run, how long ago and where, then carries on from its record', async () => {
    const world = new ManagedWorld({ bakeMs: 3 * MINUTE })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const died = diesBefore(store, 'follow')
    void deployManagedWithState(world.settings(), durableDeps(world, store, 'run-1'))
    await died
    // run-1 recorded 'start' and made its UpdateService, then died before recording 'follow'
    expect(decodeManaged(store.tags.get(RULE) ?? {})?.phase).toBe('start')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
    await world.clock.sleep(6 * MINUTE)
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-2')
    )
    expect(world.record.warnings).toContain(
      "the run run-1 went silent 6m ago while it was at 'start': following what it started first"
    )
    // its deployment found and followed, never started a second time
    expect(outcome.result).toBe('promoted')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
    expect(world.record.infos).toContain('the interrupted deploy ended promoted')
    // what the record said it deployed, over what, is what the takeover says it promoted
    expect(world.record.phases.filter((phase) => phase === 'Deploy web:2')).toHaveLength(2)
    expect(outcome.taskDefinitionArn).toMatch(/task-definition\/web:2$/)
    expect(outcome.previousTaskDefinitionArn).toMatch(/task-definition\/web:1$/)
  })

  it.each(['roll-back', 'rolling-back'])(
    "rolls back the deployment of a run whose record says '%s', before its own deploy",
    async (phase) => {
      const { world, store } = await diesAfter(2 * MINUTE, 20 * MINUTE)
      // as a run leaves it that asked for the rollback and died before it ended
      store.tags.set(RULE, { ...store.tags.get(RULE), [PHASE]: phase })
      await world.clock.sleep(6 * MINUTE)
      const before = world.ecs.calls.length
      const outcome = await deployManagedWithState(
        world.settings({ release: { image: 'web:3', environment: [] } }),
        durableDeps(world, store, 'run-2')
      )
      const after = changes(world.ecs.calls.slice(before))
      expect(after.indexOf('StopServiceDeployment ROLLBACK')).toBeGreaterThan(-1)
      expect(after.indexOf('StopServiceDeployment ROLLBACK')).toBeLessThan(
        after.indexOf('UpdateService')
      )
      expect(world.record.infos).toContain('the interrupted deploy ended reverted')
      expect(world.record.warnings).toContain(
        'rolling back: the run run-1 was rolling back when it stopped'
      )
      expect(outcome.result).toBe('promoted')
    }
  )

  it('rolls back through the hook a deployment of a silent run waits at', async () => {
    const world = new ManagedWorld({
      hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT', type: 'PAUSE', timeoutMs: 60 * MINUTE }]
    })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const paused = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-1')
    )
    expect(paused.result).toBe('paused')
    // as if run-1 had decided to roll it back at the hook, recorded so, and died
    store.tags.set(RULE, {
      ...store.tags.get(RULE),
      [PHASE]: 'roll-back',
      'ecs-blue-green:managed-owner': 'run-1'
    })
    await world.clock.sleep(6 * MINUTE)
    const before = world.ecs.calls.length
    await deployManagedWithState(world.settings(), durableDeps(world, store, 'run-2')).catch(
      () => undefined
    )
    expect(changes(world.ecs.calls.slice(before))).toContain('ContinueServiceDeployment ROLLBACK')
    expect(world.record.infos).toContain('the interrupted deploy ended reverted')
  })

  it('starts its own deploy when the record names no deployment to carry on (its ARN too long to keep)', async () => {
    const { world, store } = await diesAfter(2 * MINUTE, 20 * MINUTE)
    const { 'ecs-blue-green:managed-deployment': _left, ...kept } = store.tags.get(RULE) ?? {}
    store.tags.set(RULE, kept)
    await world.clock.sleep(6 * MINUTE)
    const before = world.ecs.calls.length
    const outcome = await deployManagedWithState(
      world.settings({ release: { image: 'web:3', environment: [] } }),
      durableDeps(world, store, 'run-2')
    )
    expect(outcome.result).toBe('promoted')
    expect(changes(world.ecs.calls.slice(before))).toContain('UpdateService')
    expect(world.record.infos.filter((line) => line.startsWith('the interrupted deploy'))).toEqual(
      []
    )
  })

  it("reports its own release when it differs from the one it finished, and the earlier one's when it is the same", async () => {
    const { world, store } = await diesAfter(MINUTE, 3 * MINUTE)
    await world.clock.sleep(6 * MINUTE)
    const own = await deployManagedWithState(
      world.settings({ release: { image: 'web:3', environment: [] } }),
      durableDeps(world, store, 'run-2')
    )
    expect(own.result).toBe('promoted')
    expect(own.taskDefinitionArn).toMatch(/:3$/)
    expect(world.record.infos).toContain('the interrupted deploy ended promoted')

    // the same release once more, with nothing interrupted: unchanged, and no earlier to report
    const again = await deployManagedWithState(
      world.settings({ release: { image: 'web:3', environment: [] } }),
      durableDeps(world, store, 'run-3')
    )
    expect(again.result).toBe('unchanged')
  })
})
