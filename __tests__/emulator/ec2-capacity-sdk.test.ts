/**
 * An EC2 blue/green pair on a capacity provider, through the unmodified SDK: the group starts
 * with room for the live side only. Scaling the idle side up leaves its tasks waiting in
 * PROVISIONING, managed scaling grows the group, and the idle side's tasks are placed on the new
 * instances and turn healthy in their instance target group.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type Task,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { createEc2BlueGreenTopology } from '../../emulator/fixtures/ec2-topology.js'
import { waitForHealthy } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig } from '../helpers/emulator.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let emulator: RunningEmulator
beforeAll(async () => {
  // 50 simulated seconds a wall second: a 30 s boot and a one-minute evaluation take about 2 s
  emulator = await startEmulator({ timeScale: 0.02 })
})
afterAll(async () => {
  await emulator.stop()
})

it('grows the group when the idle side scales up, and its tasks run healthy on the new instances', async () => {
  // t3.micro: one task of the pair a instance, so two instances are the live side's two tasks
  const topology = await createEc2BlueGreenTopology({
    endpoint: emulator.url,
    prefix: 'cp',
    desiredCount: 2,
    capacityProvider: { instances: 2 }
  })
  const config = clientConfig(emulator.url)
  const ecs = new ECSClient(config)
  const asg = new AutoScalingClient(config)
  const group = topology.capacity?.autoScalingGroupName as string
  const provider = topology.capacity?.capacityProviderName as string
  const { cluster } = topology
  const sideTasks = async (service: string): Promise<Task[]> => {
    const arns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: service }))).taskArns
    if (!arns || arns.length === 0) return []
    return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? []
  }
  const desiredCapacity = async (): Promise<number> =>
    (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] })))
      .AutoScalingGroups?.[0]?.DesiredCapacity ?? 0
  try {
    const blueTargets = await waitForHealthy(emulator.url, topology.targetGroups.blue, 2)
    expect(topology.instanceIds).toHaveLength(2)
    expect(new Set(blueTargets.map((t) => t.Target?.Id))).toEqual(new Set(topology.instanceIds))
    expect(await desiredCapacity()).toBe(2)

    await ecs.send(
      new UpdateServiceCommand({ cluster, service: topology.services.green, desiredCount: 2 })
    )
    // no instance of the group has room: green's tasks wait, on no instance and with no ENI
    let waiting: Task[] = []
    for (let i = 0; i < 100 && waiting.length < 2; i++) {
      await sleep(10)
      waiting = await sideTasks(topology.services.green)
    }
    expect(waiting).toHaveLength(2)
    for (const task of waiting) {
      expect(task).toMatchObject({
        lastStatus: 'PROVISIONING',
        capacityProviderName: provider,
        launchType: 'EC2',
        attachments: []
      })
      expect(task.containerInstanceArn).toBeUndefined()
    }

    // managed scaling: M = 2 busy + 2 new, N = 2, so the group goes to 4
    let desired = 0
    for (let i = 0; i < 200 && desired < 4; i++) {
      await sleep(25)
      desired = await desiredCapacity()
    }
    expect(desired).toBe(4)

    const greenTargets = await waitForHealthy(emulator.url, topology.targetGroups.green, 2)
    const greenHosts = greenTargets.map((t) => t.Target?.Id as string)
    expect(new Set(greenHosts).size).toBe(2)
    for (const host of greenHosts) expect(topology.instanceIds).not.toContain(host)
    for (const target of greenTargets) expect(target.Target?.Port).toBeGreaterThanOrEqual(32768)

    // the new instances are the cluster's container instances, under the provider's name
    const arns =
      (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? []
    const instances =
      (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns })))
        .containerInstances ?? []
    expect(instances.map((i) => i.capacityProviderName)).toEqual(Array(4).fill(provider))
    const green = await sideTasks(topology.services.green)
    expect(green.map((task) => task.lastStatus)).toEqual(['RUNNING', 'RUNNING'])
    const hostOf = new Map(instances.map((i) => [i.containerInstanceArn, i.ec2InstanceId]))
    expect(new Set(green.map((task) => hostOf.get(task.containerInstanceArn)))).toEqual(
      new Set(greenHosts)
    )
    const described = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] })))
      .clusters?.[0]
    expect(described?.registeredContainerInstancesCount).toBe(4)
  } finally {
    ecs.destroy()
    asg.destroy()
  }
}, 30_000)
