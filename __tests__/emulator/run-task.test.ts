/**
 * RunTask and StopTask through the SDK: what ECS refuses, with its error codes, and one-off tasks
 * that run to completion with the exit code set for their image, while the same image's service
 * tasks stay healthy.
 */
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
  type Task
} from '@aws-sdk/client-ecs'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, control, setImage } from '../helpers/emulator.js'

const IMAGE = 'registry.example.com/web:1.0.0'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('RunTask and StopTask', () => {
  let emulator: RunningEmulator
  let topology: Topology
  let ecs: ECSClient
  let network: RunTaskCommandInput['networkConfiguration']

  beforeAll(async () => {
    emulator = await startEmulator({ timeScale: 0.02 })
    ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
    topology = await createBlueGreenTopology({ endpoint: emulator.url })
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: topology.cluster, services: [topology.services.blue] })
    )
    network = described.services?.[0]?.networkConfiguration
  })
  afterAll(async () => {
    ecs.destroy()
    await emulator.stop()
  })

  const run = (input: Partial<RunTaskCommandInput>) =>
    ecs.send(
      new RunTaskCommand({
        cluster: topology.cluster,
        taskDefinition: topology.taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: network,
        ...input
      })
    )
  const refusal = async (input: Partial<RunTaskCommandInput>) => {
    const error = await run(input).then(
      () => undefined,
      (caught: unknown) => caught as Error
    )
    expect(error).toBeDefined()
    return { name: error?.name, message: error?.message }
  }
  const describeTask = async (arn: string): Promise<Task> =>
    (await ecs.send(new DescribeTasksCommand({ cluster: topology.cluster, tasks: [arn] })))
      .tasks?.[0] as Task
  async function stopped(arn: string): Promise<Task> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const task = await describeTask(arn)
      if (task.lastStatus === 'STOPPED') return task
      if (Date.now() > deadline) throw new Error(`task still ${task.lastStatus}`)
      await sleep(50)
    }
  }

  it('refuses what ECS refuses, with its error codes', async () => {
    expect(await refusal({ count: 11 })).toMatchObject({ name: 'InvalidParameterException' })
    expect(await refusal({ count: 0 })).toMatchObject({ name: 'InvalidParameterException' })
    expect(
      await refusal({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] })
    ).toEqual({
      name: 'InvalidParameterException',
      message:
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    })
    expect(await refusal({ networkConfiguration: undefined })).toEqual({
      name: 'InvalidParameterException',
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    })
    expect(await refusal({ startedBy: 'x'.repeat(129) })).toMatchObject({
      name: 'InvalidParameterException'
    })
    expect(await refusal({ startedBy: 'has spaces' })).toMatchObject({
      name: 'InvalidParameterException'
    })
    expect(
      await refusal({ overrides: { containerOverrides: [{ name: 'nope', command: ['x'] }] } })
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'Override for container named nope is not a container in the TaskDefinition.'
    })
    expect(
      await refusal({
        overrides: { containerOverrides: [{ name: 'web', command: ['x'.repeat(8200)] }] }
      })
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'Container Overrides length must be at most 8192'
    })
    expect(await refusal({ taskDefinition: 'nope:1' })).toEqual({
      name: 'ClientException',
      message: 'TaskDefinition not found.'
    })
    expect(await refusal({ cluster: 'nope' })).toMatchObject({ name: 'ClusterNotFoundException' })
  })

  it('runs a one-off task to its exit code, while the image’s service tasks stay healthy', async () => {
    await setImage(emulator.url, { image: IMAGE, oneOff: { exitCode: 3, afterSeconds: 5 } })
    const out = await run({
      startedBy: 'ecs-blue-green/migration/web-green',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      launchType: undefined,
      overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate'] }] }
    })
    expect(out.failures).toEqual([])
    const arn = out.tasks?.[0]?.taskArn ?? ''
    expect(out.tasks?.[0]).toMatchObject({
      startedBy: 'ecs-blue-green/migration/web-green',
      group: `family:${topology.taskDefinitionArn.split('/').at(-1)?.split(':')[0]}`,
      overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate'] }] }
    })
    const listed = await ecs.send(
      new ListTasksCommand({
        cluster: topology.cluster,
        startedBy: 'ecs-blue-green/migration/web-green'
      })
    )
    expect(listed.taskArns).toEqual([arn])
    const task = await stopped(arn)
    expect(task).toMatchObject({
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'web', exitCode: 3, lastStatus: 'STOPPED' }]
    })
    // the service's tasks of the same image are still running
    const service = await ecs.send(
      new DescribeServicesCommand({ cluster: topology.cluster, services: [topology.services.blue] })
    )
    expect(service.services?.[0]?.runningCount).toBe(2)
  })

  it('stops a running one-off task as the user asked, and starts one task per client token', async () => {
    await setImage(emulator.url, { image: IMAGE, oneOff: { exitCode: 0, afterSeconds: 600 } })
    const input = {
      clientToken: 'token-1',
      overrides: { containerOverrides: [{ name: 'web', command: ['sleep', '600'] }] }
    }
    const first = await run(input)
    const again = await run(input)
    const arn = first.tasks?.[0]?.taskArn ?? ''
    expect(again.tasks?.[0]?.taskArn).toBe(arn)
    const out = await ecs.send(
      new StopTaskCommand({ cluster: topology.cluster, task: arn, reason: 'rollout reverted' })
    )
    expect(out.task?.desiredStatus).toBe('STOPPED')
    const task = await stopped(arn)
    expect(task).toMatchObject({ stoppedReason: 'rollout reverted', stopCode: 'UserInitiated' })
    const missing = await ecs
      .send(new StopTaskCommand({ cluster: topology.cluster, task: 'f'.repeat(32) }))
      .then(
        () => undefined,
        (caught: unknown) => caught as Error
      )
    expect(missing?.name).toBe('InvalidParameterException')
    expect(
      await ecs
        .send(
          new StopTaskCommand({ cluster: topology.cluster, task: arn, reason: 'x'.repeat(256) })
        )
        .then(
          () => undefined,
          (caught: unknown) => (caught as Error).name
        )
    ).toBe('InvalidParameterException')
  })

  it('takes oneOff through the control API and refuses a bad one', async () => {
    await expect(
      control(emulator.url, 'PUT', 'images', { image: IMAGE, oneOff: { exitCode: 256 } })
    ).rejects.toThrow(/exitCode/)
    await expect(
      control(emulator.url, 'PUT', 'images', { image: IMAGE, oneOff: { code: 1 } })
    ).rejects.toThrow(/code/)
  })
})
