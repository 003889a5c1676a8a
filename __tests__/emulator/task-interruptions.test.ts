/**
 * A Fargate Spot interruption through the control API, seen as a user sees it: DescribeTasks
 * shows AWS's stop code and reason, and the service replaces the task while the load runs.
 */
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Task
} from '@aws-sdk/client-ecs'
import {
  createBlueGreenTopology,
  type Topology,
  waitForHealthy
} from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import {
  clientConfig,
  control,
  interruptTasks,
  loads,
  startLoad,
  stopLoad
} from '../helpers/emulator.js'

/** two minutes of Spot warning are 2.4 s */
const TIME_SCALE = 0.02
const SPOT_REASON = 'Your Spot Task was interrupted.'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await sleep(50)
  }
}

describe('Fargate Spot interruptions', () => {
  let emulator: RunningEmulator
  let topology: Topology
  let ecs: ECSClient

  beforeAll(async () => {
    emulator = await startEmulator({ timeScale: TIME_SCALE })
    ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
    // a deregistration delay longer than the warning: the reclaim does not wait for it
    topology = await createBlueGreenTopology({
      endpoint: emulator.url,
      deregistrationDelaySeconds: 300
    })
  })
  afterAll(async () => {
    await stopLoad(emulator.url)
    ecs.destroy()
    await emulator.stop()
  })

  const describe1 = async (arn: string): Promise<Task> =>
    (await ecs.send(new DescribeTasksCommand({ cluster: topology.cluster, tasks: [arn] })))
      .tasks?.[0] as Task
  const runningTasks = async (): Promise<string[]> =>
    (
      await ecs.send(
        new ListTasksCommand({ cluster: topology.cluster, serviceName: topology.services.blue })
      )
    ).taskArns ?? []

  it('stops the task with AWS’s stop code and reason, and the service replaces it', async () => {
    await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 50 })
    const before = await runningTasks()
    expect(before).toHaveLength(2)

    const [notice] = await interruptTasks(emulator.url, {
      cluster: topology.cluster,
      service: topology.services.blue,
      count: 1
    })
    const arn = notice?.taskArn as string
    expect(before).toContain(arn)
    expect(notice).toMatchObject({
      serviceName: topology.services.blue,
      stopCode: 'TerminationNotice',
      stoppedReason: SPOT_REASON
    })
    const noticed = await describe1(arn)
    expect(noticed).toMatchObject({
      desiredStatus: 'STOPPED',
      lastStatus: 'DEACTIVATING',
      stopCode: 'TerminationNotice',
      stoppedReason: SPOT_REASON
    })

    // a replacement comes up healthy while the interrupted task is still draining
    await waitForHealthy(emulator.url, topology.targetGroups.blue, 2)
    const after = await runningTasks()
    expect(after).toHaveLength(2)
    expect(after).not.toContain(arn)
    expect(after.filter((task) => before.includes(task))).toHaveLength(1)

    const stopped = await until(
      'the interrupted task to stop',
      () => describe1(arn),
      (task) => task.lastStatus === 'STOPPED'
    )
    expect(stopped).toMatchObject({ stopCode: 'SpotInterruption', stoppedReason: SPOT_REASON })
    expect(stopped.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 143 })
    // two minutes after the notice (2.4 s at this time scale), not the 300 s of draining
    const warned = (stopped.stoppedAt?.getTime() ?? 0) - (stopped.stoppingAt?.getTime() ?? 0)
    expect(warned).toBeGreaterThanOrEqual(2300)
    expect(warned).toBeLessThanOrEqual(2600)

    // not a failed release: the deployment stays completed with no failed task
    const service = (
      await ecs.send(
        new DescribeServicesCommand({
          cluster: topology.cluster,
          services: [topology.services.blue]
        })
      )
    ).services?.[0]
    expect(service?.runningCount).toBe(2)
    expect(service?.deployments).toHaveLength(1)
    expect(service?.deployments?.[0]).toMatchObject({ failedTasks: 0, rolloutState: 'COMPLETED' })
    // users kept being answered by the other task and the replacement
    const [load] = await loads(emulator.url)
    expect(Object.keys(load?.statuses ?? {})).toEqual(['200'])
  })

  it('interrupts named tasks, with the exit code given', async () => {
    const [arn] = await runningTasks()
    const [notice] = await interruptTasks(emulator.url, {
      cluster: topology.clusterArn,
      tasks: [(arn as string).split('/').at(-1) as string],
      exitCode: 0
    })
    expect(notice?.taskArn).toBe(arn)
    const stopped = await until(
      'the interrupted task to stop',
      () => describe1(arn as string),
      (task) => task.lastStatus === 'STOPPED'
    )
    expect(stopped.containers?.[0]?.exitCode).toBe(0)
    expect(stopped.stopCode).toBe('SpotInterruption')
    await waitForHealthy(emulator.url, topology.targetGroups.blue, 2)
  })

  it('refuses bad requests and interrupts nothing then', async () => {
    const { cluster } = topology
    const blue = topology.services.blue
    const before = await runningTasks()
    const refused = async (body: unknown, message: RegExp) =>
      expect(control(emulator.url, 'POST', 'tasks/interrupt', body)).rejects.toThrow(message)

    await refused(
      { cluster, service: blue, tasks: before },
      /400 the interruption names either a service .* or tasks, not both/
    )
    await refused({ cluster }, /400 the interruption names either a service/)
    await refused({ cluster, service: blue, count: 0 }, /400 count must be an integer at least 1/)
    await refused(
      { cluster, service: blue, count: 3 },
      /400 service web-blue has 2 RUNNING task\(s\), fewer than count 3/
    )
    await refused({ cluster, service: blue, when: 'now' }, /400 .*unknown field\(s\) when/)
    await refused({ cluster, tasks: [] }, /400 tasks must be a list of 1 to 100/)
    await refused({ cluster, service: blue, exitCode: 256 }, /400 exitCode must be an integer/)
    await refused({ cluster, service: 'web-purple' }, /404 no service web-purple in cluster/)
    await refused({ cluster: 'nope', service: blue }, /404 no cluster nope/)
    await refused(
      { cluster, tasks: [...before, 'f'.repeat(32)] },
      new RegExp(`404 no task ${'f'.repeat(32)} in cluster ${cluster}`)
    )
    await expect(control(emulator.url, 'GET', 'tasks/interrupt')).rejects.toThrow(/405/)

    const after = await runningTasks()
    expect(after.sort()).toEqual([...before].sort())
    for (const arn of after) expect((await describe1(arn)).desiredStatus).toBe('RUNNING')
  })
})
