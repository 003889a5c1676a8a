/**
 * Fault "stale" (eventual consistency): through the unmodified SDK, an ECS read lagged by
 * `staleMs` answers as the world was that long ago, so a caller right after its own write still
 * sees the state from before it. A manual clock decides exactly how much simulated time passes.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { SimClock } from '../../emulator/core/clock.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { createWorld, type SimWorld } from '../../emulator/world.js'
import { addFault, calls, clearFaults, clientConfig, control } from '../helpers/emulator.js'

const STALE_MS = 10_000
const NETWORK = {
  awsvpcConfiguration: {
    subnets: ['subnet-0a1b2c3d4e5f60001'],
    assignPublicIp: 'DISABLED' as const
  }
}

describe('fault "stale": ECS reads that lag behind the writes', () => {
  let emulator: RunningEmulator
  let clock: SimClock
  let world: SimWorld
  /**
   * Lets simulated time pass and the world catch up at once: the server's ticker would, but on a
   * busy machine only after the next request, which would then meet a world still behind.
   */
  const advance = (ms: number): void => {
    clock.advance(ms)
    world.tick()
  }
  let ecs: ECSClient
  let revisions: string[]
  let serviceCount = 0

  beforeAll(async () => {
    clock = new SimClock({ manual: true })
    world = createWorld({ clock })
    emulator = await startEmulator({ world })
    ecs = new ECSClient(clientConfig(emulator.url))
    await ecs.send(new CreateClusterCommand({ clusterName: 'stale' }))
    revisions = []
    for (const tag of ['1', '2']) {
      const answer = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'web', image: `registry.example.com/web:${tag}` }]
        })
      )
      revisions.push(answer.taskDefinition?.taskDefinitionArn ?? '')
    }
  })
  afterEach(async () => {
    await clearFaults(emulator.url)
  })
  afterAll(async () => {
    ecs.destroy()
    await emulator.stop()
  })

  /** a service on revision 1 with one task wanted */
  async function createService(name: string): Promise<void> {
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'stale',
        serviceName: name,
        taskDefinition: revisions[0],
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: NETWORK
      })
    )
  }

  /** a service on revision 1 with its one task RUNNING, made before any stale rule */
  async function runningService(): Promise<string> {
    const name = `web-${++serviceCount}`
    await createService(name)
    advance(60_000)
    return name
  }

  const describe1 = async (name: string) =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'stale', services: [name] })))
      .services?.[0]
  const running = async (name: string) =>
    (await ecs.send(new ListTasksCommand({ cluster: 'stale', serviceName: name }))).taskArns ?? []

  it('shows the old task definition and deployments for staleMs after UpdateService, then the new', async () => {
    const name = await runningService()
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'stale',
      staleMs: STALE_MS
    })
    const update = await ecs.send(
      new UpdateServiceCommand({ cluster: 'stale', service: name, taskDefinition: revisions[1] })
    )
    // the write's own answer is the truth
    expect(update.service?.taskDefinition).toBe(revisions[1])
    expect(update.service?.deployments).toHaveLength(2)

    let seen = await describe1(name)
    expect(seen?.taskDefinition).toBe(revisions[0])
    expect(seen?.deployments?.map((d) => d.taskDefinition)).toEqual([revisions[0]])

    advance(STALE_MS - 1000)
    seen = await describe1(name)
    expect(seen?.taskDefinition).toBe(revisions[0])

    advance(2000)
    seen = await describe1(name)
    expect(seen?.taskDefinition).toBe(revisions[1])
    expect(seen?.deployments?.[0]?.id).toBe(update.service?.deployments?.[0]?.id)

    const lagged = await calls(emulator.url, { service: 'ecs', operation: 'DescribeServices' })
    expect(lagged.at(-1)?.fault).toBe('stale')
  })

  it('lags ListTasks and DescribeTasks alike: a new task is not listed yet, a stopping one still runs', async () => {
    const name = await runningService()
    const [before] = await running(name)
    expect(before).toBeDefined()
    await addFault(emulator.url, {
      service: 'ecs',
      operation: '*',
      fault: 'stale',
      staleMs: STALE_MS
    })
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'stale', service: name, taskDefinition: revisions[1] })
    )
    advance(STALE_MS / 2) // the new task started, the old one is stopping
    expect(await running(name)).toEqual([before])
    const [old] =
      (await ecs.send(new DescribeTasksCommand({ cluster: 'stale', tasks: [before ?? ''] })))
        .tasks ?? []
    expect(old?.lastStatus).toBe('RUNNING')
    expect(old?.desiredStatus).toBe('RUNNING')

    advance(STALE_MS * 6) // long enough for the replacement to finish, and the lag to pass
    const now = await running(name)
    expect(now).toHaveLength(1)
    expect(now).not.toContain(before)
    const tasks =
      (
        await ecs.send(
          new DescribeTasksCommand({ cluster: 'stale', tasks: [...now, before ?? ''] })
        )
      ).tasks ?? []
    expect(tasks.find((task) => task.taskArn === before)?.lastStatus).toBe('STOPPED')
    expect(tasks.find((task) => task.taskArn === now[0])?.taskDefinitionArn).toBe(revisions[1])
  })

  it('does not find a service created within staleMs yet, as AWS may not', async () => {
    await addFault(emulator.url, {
      service: 'ecs',
      operation: '*',
      fault: 'stale',
      staleMs: STALE_MS
    })
    await describe1('web-0') // a first read starts the record of the past
    const name = `fresh-${++serviceCount}`
    await createService(name)
    const answer = await ecs.send(
      new DescribeServicesCommand({ cluster: 'stale', services: [name] })
    )
    expect(answer.services).toEqual([])
    expect(answer.failures?.[0]?.reason).toBe('MISSING')
    advance(STALE_MS + 1000)
    expect((await describe1(name))?.status).toBe('ACTIVE')
  })

  it('refuses what AWS refuses even when lagged, and leaves other callers and operations alone', async () => {
    const name = await runningService()
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'stale',
      staleMs: STALE_MS,
      userAgent: 'someone-else'
    })
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'stale', service: name, taskDefinition: revisions[1] })
    )
    // this caller is not the one the rule lags
    expect((await describe1(name))?.taskDefinition).toBe(revisions[1])
    await clearFaults(emulator.url)
    await addFault(emulator.url, {
      service: 'ecs',
      operation: '*',
      fault: 'stale',
      staleMs: STALE_MS
    })
    await expect(
      ecs.send(new ListTasksCommand({ cluster: 'stale', serviceName: 'no-such-service' }))
    ).rejects.toBeInstanceOf(ServiceNotFoundException)
  })

  it.each([
    [
      { service: 'ecs', operation: 'UpdateService', fault: 'stale', staleMs: 1000 },
      /only applies to the ECS reads DescribeServices, DescribeTasks, ListTasks .*not "UpdateService"/
    ],
    [
      { service: 'elbv2', operation: '*', fault: 'stale', staleMs: 1000 },
      /needs service "ecs".*not "elbv2"/
    ],
    [{ service: 'ecs', operation: '*', fault: 'stale' }, /needs staleMs/],
    [
      { service: 'ecs', operation: '*', fault: 'latency', staleMs: 1000 },
      /staleMs only applies to fault "stale", not "latency"/
    ],
    [{ service: 'ecs', operation: '*', fault: 'stale', staleMs: -1 }, /staleMs/],
    [{ service: 'ecs', operation: '*', fault: 'stale', staleMs: 'soon' }, /staleMs/]
  ] as [unknown, RegExp][])(
    'refuses the rule %j with a message that says why',
    async (rule, why) => {
      await expect(control(emulator.url, 'POST', 'faults', rule)).rejects.toThrow(why)
    }
  )
})
