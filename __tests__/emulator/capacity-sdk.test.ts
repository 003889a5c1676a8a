/**
 * Cluster auto scaling through the SDK: a cluster whose only capacity is an EC2 Auto Scaling
 * group at 0 instances behind a capacity provider with managed scaling. A service placed by the
 * provider's strategy starts: its tasks wait in PROVISIONING, CapacityProviderReservation goes
 * above 100, ECS raises the group's desired capacity, the instances boot and join the cluster,
 * and the tasks run on them.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand
} from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  type Task
} from '@aws-sdk/client-ecs'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, setImage } from '../helpers/emulator.js'

const IMAGE = 'registry.example.com/api:1.0.0'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('capacity provider with managed scaling, through the SDK', () => {
  let emulator: RunningEmulator
  let ecs: ECSClient
  let asg: AutoScalingClient
  let cloudwatch: CloudWatchClient

  beforeAll(async () => {
    // 100 simulated seconds a wall second: a 30 s boot and a one-minute evaluation take under a second
    emulator = await startEmulator({ timeScale: 0.01 })
    const config = { ...clientConfig(emulator.url), maxAttempts: 1 }
    ecs = new ECSClient(config)
    asg = new AutoScalingClient(config)
    cloudwatch = new CloudWatchClient(config)
  })
  afterAll(async () => {
    ecs.destroy()
    asg.destroy()
    cloudwatch.destroy()
    await emulator.stop()
  })

  it('grows a group from 0 instances until the PROVISIONING tasks run', async () => {
    await setImage(emulator.url, { image: IMAGE, behavior: 'healthy', startSeconds: 3 })
    await ecs.send(new CreateClusterCommand({ clusterName: 'ec2-cluster' }))
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'ecs-m5',
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 'm5.large'
      })
    )
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'ecs-capacity',
        LaunchConfigurationName: 'ecs-m5',
        MinSize: 0,
        MaxSize: 5,
        DesiredCapacity: 0,
        VPCZoneIdentifier: 'subnet-aaa,subnet-bbb'
      })
    )
    const groupArn = (
      await asg.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ecs-capacity'] })
      )
    ).AutoScalingGroups?.[0]?.AutoScalingGroupARN
    expect(groupArn).toMatch(
      /^arn:aws:autoscaling:us-east-1:\d{12}:autoScalingGroup:.+:autoScalingGroupName\/ecs-capacity$/
    )

    await ecs.send(
      new CreateCapacityProviderCommand({
        name: 'ec2-provider',
        autoScalingGroupProvider: {
          autoScalingGroupArn: groupArn,
          managedScaling: { status: 'ENABLED', targetCapacity: 100, instanceWarmupPeriod: 60 }
        }
      })
    )
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'ec2-cluster',
        capacityProviders: ['ec2-provider'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'ec2-provider', weight: 1 }]
      })
    )
    const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: ['ec2-cluster'] })))
      .clusters?.[0]
    expect(cluster?.capacityProviders).toEqual(['ec2-provider'])
    expect(cluster?.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'ec2-provider', weight: 1, base: 0 }
    ])

    // an m5.large offers 2048 CPU units: two tasks of 1024 fit on one, so three tasks need two
    const definition = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [
          { name: 'api', image: IMAGE, cpu: 1024, memory: 1024, essential: true }
        ]
      })
    )
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'ec2-cluster',
        serviceName: 'api',
        taskDefinition: definition.taskDefinition?.taskDefinitionArn,
        desiredCount: 3,
        capacityProviderStrategy: [{ capacityProvider: 'ec2-provider', weight: 1 }]
      })
    )

    const tasks = async (): Promise<Task[]> => {
      const arns =
        (await ecs.send(new ListTasksCommand({ cluster: 'ec2-cluster', serviceName: 'api' })))
          .taskArns ?? []
      if (arns.length === 0) return []
      return (
        (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2-cluster', tasks: arns }))).tasks ??
        []
      )
    }
    // with no instance there is nowhere to place them: they wait (read at once, as managed
    // scaling may already be on its way: its minute falls anywhere in the first 0.6 s)
    let waiting: Task[] = []
    for (let i = 0; i < 50 && waiting.length < 3; i++) {
      await sleep(10)
      waiting = await tasks()
    }
    expect(waiting).toHaveLength(3)
    for (const task of waiting) {
      expect(task).toMatchObject({
        lastStatus: 'PROVISIONING',
        capacityProviderName: 'ec2-provider',
        launchType: 'EC2'
      })
      expect(task.containerInstanceArn).toBeUndefined()
      // bridge mode: the task will use its instance's address, so it has no ENI of its own
      expect(task.attachments).toEqual([])
    }

    // the evaluation after the first simulated minute: M = 2, N = 0, so the reservation is 200
    let desired = 0
    for (let i = 0; i < 50 && desired < 2; i++) {
      await sleep(100)
      const group = (
        await asg.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ecs-capacity'] })
        )
      ).AutoScalingGroups?.[0]
      desired = group?.DesiredCapacity ?? 0
    }
    expect(desired).toBe(2)
    const now = new Date()
    const stats = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: 'reservation',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ECS/ManagedScaling',
                MetricName: 'CapacityProviderReservation',
                Dimensions: [
                  { Name: 'CapacityProviderName', Value: 'ec2-provider' },
                  { Name: 'ClusterName', Value: 'ec2-cluster' }
                ]
              },
              Period: 60,
              Stat: 'Maximum'
            }
          }
        ],
        StartTime: new Date(now.getTime() - 3_600_000),
        EndTime: new Date(now.getTime() + 60_000)
      })
    )
    expect(Math.max(...(stats.MetricDataResults?.[0]?.Values ?? []))).toBe(200)

    // the instances boot (30 simulated seconds), join the cluster, and the tasks are placed and run
    let running: Task[] = []
    for (let i = 0; i < 80 && running.length < 3; i++) {
      await sleep(100)
      running = (await tasks()).filter((task) => task.lastStatus === 'RUNNING')
    }
    expect(running).toHaveLength(3)
    const hosts = new Set(running.map((task) => task.containerInstanceArn))
    expect(hosts.size).toBe(2)
    const group = (
      await asg.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ecs-capacity'] })
      )
    ).AutoScalingGroups?.[0]
    expect(group?.Instances?.map((instance) => instance.LifecycleState)).toEqual([
      'InService',
      'InService'
    ])
    expect(new Set(running.map((task) => task.availabilityZone))).toEqual(
      new Set(group?.Instances?.map((instance) => instance.AvailabilityZone))
    )

    // the group's instances are the cluster's container instances, under the provider's name
    const instanceArns =
      (await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2-cluster' })))
        .containerInstanceArns ?? []
    const described =
      (
        await ecs.send(
          new DescribeContainerInstancesCommand({
            cluster: 'ec2-cluster',
            containerInstances: instanceArns
          })
        )
      ).containerInstances ?? []
    expect(new Set(described.map((instance) => instance.ec2InstanceId))).toEqual(
      new Set(group?.Instances?.map((instance) => instance.InstanceId))
    )
    expect(described.map((instance) => instance.capacityProviderName)).toEqual([
      'ec2-provider',
      'ec2-provider'
    ])
    expect(new Set(described.map((instance) => instance.containerInstanceArn))).toEqual(hosts)
    expect(described.map((instance) => instance.runningTasksCount).sort()).toEqual([1, 2])
    const after = (await ecs.send(new DescribeClustersCommand({ clusters: ['ec2-cluster'] })))
      .clusters?.[0]
    expect(after?.registeredContainerInstancesCount).toBe(2)
  }, 30_000)

  it('refuses a desired capacity outside the group, as EC2 Auto Scaling does', async () => {
    await asg.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'small',
        ImageId: 'ami-1',
        InstanceType: 't3.small'
      })
    )
    await expect(
      asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'too-big',
          LaunchConfigurationName: 'small',
          MinSize: 1,
          MaxSize: 3,
          DesiredCapacity: 5,
          AvailabilityZones: ['us-east-1a']
        })
      )
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Desired capacity:5 must be between the specified min size:1 and max size:3'
    })
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'bounded',
        LaunchConfigurationName: 'small',
        MinSize: 0,
        MaxSize: 2,
        AvailabilityZones: ['us-east-1a']
      })
    )
    await expect(
      asg.send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: 'bounded', DesiredCapacity: 3 })
      )
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'New SetDesiredCapacity value 3 is above max value 2 for the AutoScalingGroup.'
    })
    await expect(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 1 }))
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'AutoScalingGroup name not found - AutoScalingGroup nope not found'
    })
  })
})
