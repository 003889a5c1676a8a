/**
 * A capacity provider's tasks on the real container instances, in the model on a manual clock:
 * they go only to the instances of the provider's group, by ECS's placement (host ports,
 * constraints), wait in PROVISIONING while none has room, and managed scaling counts what they
 * need, host ports included.
 */
import { SimClock } from '../../emulator/core/clock.js'
import { instancesNeeded } from '../../emulator/ecs/capacity/reservation.js'
import { registerContainerInstance } from '../../emulator/ecs/instances/registry.js'
import { createWorld, type SimWorld } from '../../emulator/world.js'

const ctx = { region: 'us-east-1', accountId: '123456789012', requestId: 'test' }
const IMAGE = 'registry.example.com/api:1.0.0'
const MINUTE = 60_000

interface Answer {
  taskDefinition?: { taskDefinitionArn?: string }
  clusters?: { registeredContainerInstancesCount?: number }[]
  tasks?: {
    lastStatus?: string
    containerInstanceArn?: string
    attachments?: unknown[]
    containers?: { networkBindings?: { hostPort?: number }[] }[]
  }[]
  taskArns?: string[]
}

function setUp() {
  const clock = new SimClock({ manual: true })
  const world = createWorld({ clock, ecsMetrics: false })
  world.setImageBehavior({ image: IMAGE, behavior: 'healthy', startSeconds: 3 })
  const ecs = (op: string, params: Record<string, unknown>) =>
    world.ecs.call(op, params, ctx) as Answer
  const asg = (op: string, params: Record<string, unknown>) =>
    world.ec2AutoScaling.call(op, params, ctx)
  ecs('CreateCluster', { clusterName: 'c' })
  asg('CreateLaunchConfiguration', {
    LaunchConfigurationName: 'lc',
    ImageId: 'ami-1',
    InstanceType: 'm5.large'
  })
  asg('CreateAutoScalingGroup', {
    AutoScalingGroupName: 'g',
    LaunchConfigurationName: 'lc',
    MinSize: '0',
    MaxSize: '10',
    AvailabilityZones: ['us-east-1a']
  })
  ecs('CreateCapacityProvider', {
    name: 'cp',
    autoScalingGroupProvider: {
      autoScalingGroupArn: groupOf(world).arn,
      managedScaling: { status: 'ENABLED', targetCapacity: 100 }
    }
  })
  ecs('PutClusterCapacityProviders', {
    cluster: 'c',
    capacityProviders: ['cp'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'cp', weight: 1 }]
  })
  const step = (ms: number) => {
    for (let done = 0; done < ms; done += 1000) {
      clock.advance(1000)
      world.tick()
    }
  }
  const tasks = () => {
    const taskArns = ecs('ListTasks', { cluster: 'c', serviceName: 'api' }).taskArns ?? []
    return taskArns.length === 0
      ? []
      : (ecs('DescribeTasks', { cluster: 'c', tasks: taskArns }).tasks ?? [])
  }
  return { world, ecs, step, tasks }
}

function groupOf(world: SimWorld) {
  const group = world.ec2AutoScaling.model.groups.get('us-east-1/g')
  if (!group) throw new Error('no group')
  return group
}

/** a bridge definition of 256 CPU units and 512 MiB, on host port `hostPort` (0: dynamic) */
function definition(ecs: ReturnType<typeof setUp>['ecs'], hostPort: number): string {
  return ecs('RegisterTaskDefinition', {
    family: 'api',
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'api',
        image: IMAGE,
        cpu: 256,
        memory: 512,
        portMappings: [{ containerPort: 8080, hostPort }]
      }
    ]
  }).taskDefinition?.taskDefinitionArn as string
}

it('needs an instance a task when the tasks bind the same fixed host port', () => {
  const room = { cpu: 2048, memory: 7680 }
  const task = { cpu: 256, memory: 512, ports: ['tcp/80'] }
  expect(instancesNeeded(0, [], [task, task, task], room)).toBe(3)
  // a dynamic port takes nothing fixed: three fit on one instance
  expect(instancesNeeded(0, [], Array(3).fill({ cpu: 256, memory: 512 }), room)).toBe(1)
  // an instance already bound to 80 takes none of them
  expect(
    instancesNeeded(1, [{ cpu: 1792, memory: 7168, ports: ['tcp/80'], empty: false }], [task], room)
  ).toBe(2)
})

it('grows the group by the host ports the waiting tasks bind, one task an instance', () => {
  const { ecs, step, tasks, world } = setUp()
  ecs('CreateService', {
    cluster: 'c',
    serviceName: 'api',
    taskDefinition: definition(ecs, 80),
    desiredCount: 2
  })
  step(1000)
  // bridge tasks waiting for an instance: no ENI of their own
  expect(tasks().map((t) => [t.lastStatus, t.attachments])).toEqual([
    ['PROVISIONING', []],
    ['PROVISIONING', []]
  ])
  step(3 * MINUTE)
  expect(groupOf(world).desiredCapacity).toBe(2)
  const running = tasks()
  expect(running.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING'])
  expect(new Set(running.map((t) => t.containerInstanceArn)).size).toBe(2)
  expect(running.map((t) => t.containers?.[0]?.networkBindings?.[0]?.hostPort)).toEqual([80, 80])
  expect(
    ecs('DescribeClusters', { clusters: ['c'] }).clusters?.[0]?.registeredContainerInstancesCount
  ).toBe(2)
})

it("places a provider's tasks only on its group's instances, never on other instances of the cluster", () => {
  const { ecs, step, tasks, world } = setUp()
  const cluster = [...world.ecs.model.clusters.values()][0]
  if (!cluster) throw new Error('no cluster')
  // an instance the group did not launch, with plenty of room
  const outsider = registerContainerInstance(world.ecs.model, cluster, {
    cpu: 8192,
    memory: 32768,
    instanceType: 'm5.2xlarge',
    availabilityZone: 'us-east-1a'
  })
  ecs('CreateService', {
    cluster: 'c',
    serviceName: 'api',
    taskDefinition: definition(ecs, 80),
    desiredCount: 2
  })
  step(20_000)
  expect(tasks().map((t) => t.lastStatus)).toEqual(['PROVISIONING', 'PROVISIONING'])
  step(3 * MINUTE)
  const running = tasks()
  expect(running.map((t) => t.lastStatus)).toEqual(['RUNNING', 'RUNNING'])
  const hosts = running.map((t) => t.containerInstanceArn)
  expect(hosts).not.toContain(outsider.arn)
  // both bind host port 80: they are on two of the group's instances, the outsider has neither
  expect(new Set(hosts).size).toBe(2)
  expect(outsider.tasks.size).toBe(0)
})

it('stops the tasks of the instances a deleted group terminates, and the cluster stops counting them', () => {
  const { ecs, step, tasks, world } = setUp()
  ecs('CreateService', {
    cluster: 'c',
    serviceName: 'api',
    taskDefinition: definition(ecs, 80),
    desiredCount: 1
  })
  step(3 * MINUTE)
  expect(tasks().map((t) => t.lastStatus)).toEqual(['RUNNING'])
  const [instance] = [...groupOf(world).instances.values()]
  world.ec2AutoScaling.call(
    'DeleteAutoScalingGroup',
    { AutoScalingGroupName: 'g', ForceDelete: 'true' },
    ctx
  )
  step(1000)
  expect(
    ecs('DescribeClusters', { clusters: ['c'] }).clusters?.[0]?.registeredContainerInstancesCount
  ).toBe(0)
  const cluster = [...world.ecs.model.clusters.values()][0]
  const stopped = cluster?.services.get('api')?.stopped ?? []
  expect(stopped.map((t) => t.stoppedReason)).toEqual([
    `Host EC2 (instance ${instance?.instanceId}) terminated.`
  ])
  // its replacement has nowhere to go
  expect(tasks().map((t) => [t.lastStatus, t.containerInstanceArn])).toEqual([
    ['PROVISIONING', undefined]
  ])
})

it("places RunTask's task of the cluster's default strategy at once when the group has room", () => {
  const { ecs, step, tasks } = setUp()
  const taskDefinition = definition(ecs, 0)
  ecs('CreateService', { cluster: 'c', serviceName: 'api', taskDefinition, desiredCount: 1 })
  step(3 * MINUTE)
  const [service] = tasks()
  const answer = ecs('RunTask', { cluster: 'c', taskDefinition }).tasks?.[0] as Record<
    string,
    unknown
  >
  expect(answer).toMatchObject({
    capacityProviderName: 'cp',
    launchType: 'EC2',
    containerInstanceArn: service?.containerInstanceArn,
    attachments: []
  })
})
