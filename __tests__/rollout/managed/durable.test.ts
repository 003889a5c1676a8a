import { describe, expect, it } from '@jest/globals'
import { ThrottledTooLongError } from '../../../src/aws/budget.js'
import {
  deployManagedWithState,
  type ManagedDurableDeps
} from '../../../src/rollout/managed/keeper.js'
import { decodeManaged } from '../../../src/rollout/managed/record.js'
import { RULE } from '../../support/memory-service-deployments.js'
import {
  diesAfter,
  durableDeps,
  ManagedWorld,
  MemoryTagsAndLock,
  MINUTE
} from '../../support/managed.js'

describe('the record and the lock of a service that ECS deploys itself', () => {
  it('records on the production rule what it is about to do before doing it, and gives the lock back', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-1')
    )
    expect(outcome.result).toBe('promoted')
    const calls = world.ecs.calls.filter(
      (call) => !call.startsWith('Describe') && !call.startsWith('List')
    )
    expect(calls).toEqual([
      'CreateRule lock',
      'RegisterTaskDefinition',
      'AddTags start',
      'UpdateService',
      'AddTags follow',
      ...calls.slice(5, -2),
      'AddTags promoted',
      'DeleteRule lock'
    ])
    const record = decodeManaged(store.tags.get(RULE) ?? {})
    expect(record?.phase).toBe('promoted')
    expect(record?.deploymentArn).toBe(outcome.serviceDeployment?.arn)
    expect(store.rules.size).toBe(0)
  })

  it('refuses while another run that is alive follows a deployment, changing nothing', async () => {
    const { world, store } = await diesAfter(2 * MINUTE, 30 * MINUTE)
    const before = world.ecs.calls.length
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-2'))
    ).rejects.toThrow(/another run holds the lock.*at 'follow'/)
    expect(world.ecs.calls.slice(before).filter((call) => !call.startsWith('Describe'))).toEqual([])
  })

  it('takes over a run that went silent: follows the deployment it recorded, never starts it again', async () => {
    const { world, store } = await diesAfter(MINUTE, 3 * MINUTE)
    expect(decodeManaged(store.tags.get(RULE) ?? {})?.phase).toBe('follow')
    // silent for longer than stale-after (5 minutes by default)
    await world.clock.sleep(6 * MINUTE)
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-2')
    )
    expect(outcome.result).toBe('promoted')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
    expect(world.record.warnings.some((line) => line.includes('run-1 went silent'))).toBe(true)
    expect(decodeManaged(store.tags.get(RULE) ?? {})?.ownerToken).toBe('run-2')
    expect(store.rules.size).toBe(0)
  })
})

describe('a lock rule left behind by a run that finished', () => {
  it('holds off the next deploy until it is older than stale-after, then is taken over', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    // run-1 records its promotion, then dies before it deletes its lock rule
    const leave = store.deleteLockRule.bind(store)
    store.deleteLockRule = () => Promise.resolve(false)
    const first = await deployManagedWithState(world.settings(), durableDeps(world, store, 'run-1'))
    expect(first.result).toBe('promoted')
    expect(store.rules.size).toBe(1)
    store.deleteLockRule = leave
    // as if it had died just now
    const [left] = [...store.rules.values()]
    left!.tags['ecs-blue-green:claimed'] = new Date(world.clock.now()).toISOString()

    await expect(
      deployManagedWithState(
        world.settings({ release: { image: 'web:3', environment: [] } }),
        durableDeps(world, store, 'run-2')
      )
    ).rejects.toThrow(/another run holds the lock.*claimed/)

    await world.clock.sleep(6 * MINUTE)
    const second = await deployManagedWithState(
      world.settings({ release: { image: 'web:3', environment: [] } }),
      durableDeps(world, store, 'run-2')
    )
    expect(second.result).toBe('promoted')
    expect(store.rules.size).toBe(0)
  })
})

describe('a run taken over while it was silent', () => {
  it("changes nothing more once its lock rule is another run's: no record, heartbeat or lock write", async () => {
    const world = new ManagedWorld({ bakeMs: 10 * MINUTE })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    let takenAt = -1
    // at minute 2, while run-1 follows, run-2 deletes run-1's lock rule and takes its own
    world.clock.at(world.clock.now() + 2 * MINUTE, () => {
      const [key, rule] = [...store.rules][0]!
      store.rules.set(key, {
        ...rule,
        arn: `${rule.arn}-run-2`,
        tags: { ...rule.tags, 'ecs-blue-green:owner': 'run-2' }
      })
      takenAt = world.ecs.calls.length
    })
    await expect(
      deployManagedWithState(world.settings(), durableDeps(world, store, 'run-1'))
    ).rejects.toThrow(/another run took over/)
    expect(takenAt).toBeGreaterThan(0)
    const after = world.ecs.calls
      .slice(takenAt)
      .filter((call) => !call.startsWith('Describe') && !call.startsWith('List'))
    expect(after).toEqual([])
    expect([...store.rules.values()].map((rule) => rule.tags['ecs-blue-green:owner'])).toEqual([
      'run-2'
    ])
  })
})

describe('rollback of a service that ECS deploys itself', () => {
  it('starts a service deployment of the revision it ran before the promotion', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const deployed = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-1')
    )
    expect(deployed.result).toBe('promoted')
    const { rollbackManaged } = await import('../../../src/rollout/managed/rollback.js')
    const rolled = await rollbackManaged(
      world.settings({ command: 'rollback', release: { image: '', environment: [] } }),
      durableDeps(world, store, 'run-2')
    )
    expect(rolled.result).toBe('rolled-back')
    expect(rolled.taskDefinitionArn).toBe(deployed.previousTaskDefinitionArn)
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(2)
    // nothing registered for it: the earlier revision is deployed as it is
    expect(world.ecs.calls.filter((call) => call === 'RegisterTaskDefinition')).toHaveLength(1)
  })

  it('refuses when the record shows no promotion of what the service runs', async () => {
    const world = new ManagedWorld()
    const store = new MemoryTagsAndLock(world.ecs.calls)
    const { rollbackManaged } = await import('../../../src/rollout/managed/rollback.js')
    await expect(
      rollbackManaged(world.settings({ command: 'rollback' }), durableDeps(world, store, 'run-1'))
    ).rejects.toThrow(/no promotion of web to roll back.*Nothing was changed/)
    expect(world.ecs.calls).not.toContain('UpdateService')
  })
})

describe('a cancelled deploy that keeps a record', () => {
  it('asks ECS to roll back before it writes anything, then records how it ended', async () => {
    const world = new ManagedWorld({ bakeMs: 20 * MINUTE })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    let cancelledAt = 0
    world.clock.at(world.clock.now() + 2 * MINUTE, () => {
      cancelledAt = world.ecs.calls.length
      world.controller.abort('SIGTERM')
    })
    const outcome = await deployManagedWithState(
      world.settings(),
      durableDeps(world, store, 'run-1')
    )
    expect(outcome.result).toBe('reverted')
    expect(world.ecs.calls.slice(0, cancelledAt)).toContain('AddTags follow')
    const after = world.ecs.calls.slice(cancelledAt)
    expect(after.filter((call) => !call.startsWith('Describe'))).toEqual([
      'StopServiceDeployment ROLLBACK',
      'AddTags reverted',
      'DeleteRule lock'
    ])
  })
})

describe('a heartbeat that AWS keeps throttling', () => {
  it('is tried for seconds, not the run, and only warned about: the deployment is still followed to its end', async () => {
    const world = new ManagedWorld({ bakeMs: 3 * MINUTE })
    const store = new MemoryTagsAndLock(world.ecs.calls)
    let scope: number | undefined
    const beats: (number | undefined)[] = []
    const write = store.writeTags.bind(store)
    store.writeTags = (arn, tags) => {
      if (!('ecs-blue-green:managed-heartbeat' in tags) || 'ecs-blue-green:managed-phase' in tags)
        return write(arn, tags)
      beats.push(scope)
      return Promise.reject(new ThrottledTooLongError('AddTags', 5000, new Error('Rate exceeded')))
    }
    const deps: ManagedDurableDeps = {
      ...durableDeps(world, store, 'run-1'),
      patientFor: async (ms, work) => {
        scope = ms
        try {
          return await work()
        } finally {
          scope = undefined
        }
      }
    }
    const outcome = await deployManagedWithState(world.settings(), deps)
    expect(outcome.result).toBe('promoted')
    expect(beats.length).toBeGreaterThan(1)
    expect(beats.every((ms) => ms === 5000)).toBe(true)
    expect(
      world.record.warnings.filter((line) =>
        line.startsWith('could not write the heartbeat: AWS kept throttling AddTags')
      ).length
    ).toBe(beats.length)
  })
})
