import { OwnWrite } from '../../src/rollout/own-writes.js'
import type { MissingService, ServiceView } from '../../src/rollout/ports.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web'
const [V40, V41, V42] = [`${ARN}:40`, `${ARN}:41`, `${ARN}:42`]

describe('OwnWrite: a read that does not show the run’s own update yet', () => {
  const where = 'while bringing up web-green'

  it('waits while the read shows the revision from before the write, within the minute', () => {
    const write = new OwnWrite('web-green', V42, V41, 1_000)
    expect(write.sighting(V41, 1_000, where)).toEqual({ kind: 'not-yet' })
    expect(write.sighting(V41, 60_999, where)).toEqual({ kind: 'not-yet' })
    expect(write.sighting(V41, 61_000, where)).toEqual({
      kind: 'late',
      reason:
        'web-green still reads web:41 1m after the action set it to web:42 while bringing up web-green: ECS never showed the update'
    })
  })

  it('takes any other revision for someone else’s change at once', () => {
    const write = new OwnWrite('web-green', V42, V41, 0)
    expect(write.sighting(V40, 1, where)).toEqual({ kind: 'other' })
    expect(write.sighting(V42, 2, where)).toEqual({ kind: 'ours' })
  })

  it('once the write was seen, the old revision coming back is someone else’s change', () => {
    const write = new OwnWrite('web-green', V42, V41, 0)
    expect(write.sighting(V42, 1_000, where)).toEqual({ kind: 'ours' })
    expect(write.sighting(V41, 2_000, where)).toEqual({ kind: 'other' })
  })
})

/**
 * The in-memory ECS made eventually consistent: for `lagMs` after each UpdateService through the
 * port, DescribeServices shows that service as it was just before the update (ListTasks and
 * DescribeTasks stay current: the harsher case, new tasks seen while the service looks old).
 */
function lagServiceReads(bg: BlueGreen, lagMs: number): void {
  const ecs = bg.aws.ecs
  const update = ecs.updateService.bind(ecs)
  const describe = ecs.describeServices.bind(ecs)
  const before = new Map<string, { at: number; view: ServiceView | MissingService }>()
  ecs.updateService = async (cluster, service, change) => {
    const [view] = bg.aws.ecsWorld.describeServices([service])
    await update(cluster, service, change)
    if (view) before.set(service, { at: bg.clock.now(), view })
  }
  ecs.describeServices = async (cluster, names) => {
    const views = await describe(cluster, names)
    return views.map((view) => {
      const old = before.get(view.name)
      return old && bg.clock.now() - old.at < lagMs ? old.view : view
    })
  }
}

describe('a deploy whose reads lag behind its own update of the idle side', () => {
  it('waits for the update to show and promotes, never blaming someone else', async () => {
    const bg = new BlueGreen()
    lagServiceReads(bg, 20_000)
    const outcome = await bg.deploy()
    expect(outcome.reason).toBeUndefined()
    expect(outcome.result).toBe('promoted')
    expect([...bg.record.infos, ...bg.record.warnings].join('\n')).not.toMatch(/someone else/)
    expect(bg.mutations().slice(0, 2)).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2'
    ])
  })

  it('reverts with a clear reason, writing no weight, when ECS never shows the update', async () => {
    const bg = new BlueGreen()
    lagServiceReads(bg, Infinity)
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'web-green still reads web:41 1m after the action set it to web:42 while bringing up web-green: ECS never showed the update'
    )
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.clock.now() - bg.startedAt).toBeLessThan(2 * MINUTE)
  })

  it('still reverts at once when someone else puts a third revision on the idle side', async () => {
    const bg = new BlueGreen()
    const theirs = bg.aws.ecsWorld.seedRevision(bg.definition, 40)
    lagServiceReads(bg, 10_000)
    bg.clock.at(bg.clock.now() + 5_000, () =>
      bg.aws.ecsWorld.updateService(bg.green, { taskDefinitionArn: theirs })
    )
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'web-green was changed to web:40 by someone else while bringing up web-green'
    )
    expect(bg.aws.weightWrites()).toEqual([])
  })
})

describe('a new side following the live side’s scale-out while reads lag', () => {
  it('raises it once, not again at each read that still shows the count from before', async () => {
    const bg = new BlueGreen({ desiredCount: 2 })
    const found = { dynamicIn: false, dynamicOut: false, scheduled: false }
    bg.aws.scalingWorld.register('web-blue', { min: 2, max: 8, suspended: found })
    bg.aws.scalingWorld.register('web-green', { min: 0, max: 8, suspended: found })
    lagServiceReads(bg, 20_000)
    let scaled = false
    bg.aws.log.after('writeForward', () => {
      if (scaled) return
      scaled = true
      expect(bg.aws.scalingWorld.activity('web-blue', 6)).toBe(true)
    })
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })
    expect(outcome.result).toBe('promoted')
    const raises = bg.mutations().filter((line) => line === 'updateService web-green x6')
    expect(raises).toHaveLength(1)
    expect(bg.aws.ecsWorld.service('web-green')).toMatchObject({ desiredCount: 6, runningCount: 6 })
  })
})
