/**
 * EC2 Auto Scaling groups and ECS capacity providers in the model, on a manual clock: what
 * managed scaling computes and does minute by minute, and what both APIs refuse.
 */
import { SimClock } from '../../emulator/core/clock.js'
import { instancesNeeded, reservationPercent } from '../../emulator/ecs/capacity/reservation.js'
import { createWorld, type SimWorld } from '../../emulator/world.js'

const ctx = { region: 'us-east-1', accountId: '123456789012', requestId: 'test' }
const IMAGE = 'registry.example.com/api:1.0.0'
const MINUTE = 60_000

/** the fields of the answers these tests read */
interface Answer {
  taskDefinition?: { taskDefinitionArn?: string }
  AutoScalingGroups?: unknown[]
}

function setUp(scaling: Record<string, unknown> = {}, group: Record<string, unknown> = {}) {
  const clock = new SimClock({ manual: true })
  const world = createWorld({ clock, ecsMetrics: false })
  world.setImageBehavior({ image: IMAGE, behavior: 'healthy', startSeconds: 3 })
  const ecs = (op: string, params: Record<string, unknown>) =>
    world.ecs.call(op, params, ctx) as Answer
  const asg = (op: string, params: Record<string, unknown>) =>
    world.ec2AutoScaling.call(op, params, ctx) as Answer
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
    AvailabilityZones: ['us-east-1a'],
    ...group
  })
  const groupArn = groupOf(world).arn
  ecs('CreateCapacityProvider', {
    name: 'cp',
    autoScalingGroupProvider: {
      autoScalingGroupArn: groupArn,
      managedScaling: { status: 'ENABLED', targetCapacity: 100, ...scaling }
    }
  })
  ecs('PutClusterCapacityProviders', {
    cluster: 'c',
    capacityProviders: ['cp'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'cp', weight: 1 }]
  })
  const definition = ecs('RegisterTaskDefinition', {
    family: 'api',
    containerDefinitions: [{ name: 'api', image: IMAGE, cpu: 1024, memory: 1024 }]
  }).taskDefinition?.taskDefinitionArn as string
  const step = (ms: number) => {
    for (let done = 0; done < ms; done += 1000) {
      clock.advance(1000)
      world.tick()
    }
  }
  const statuses = () =>
    [...(world.ecs.model.clusters.values().next().value?.tasks.values() ?? [])]
      .filter((task) => task.desiredStatus === 'RUNNING')
      .map((task) => task.lastStatus)
  return { world, ecs, asg, definition, step, statuses, groupArn }
}

function groupOf(world: SimWorld) {
  const group = world.ec2AutoScaling.model.groups.get('us-east-1/g')
  if (!group) throw new Error('no group')
  return group
}

function refusal(call: () => unknown): { code?: string; message?: string } {
  try {
    call()
  } catch (error) {
    const e = error as { code?: string; message?: string }
    return { code: e.code, message: e.message }
  }
  throw new Error('expected a refusal')
}

describe('CapacityProviderReservation', () => {
  it('is 200 with tasks waiting and no instance, 100 with neither, M/N × 100 otherwise', () => {
    expect(
      reservationPercent(
        instancesNeeded(0, [], [{ cpu: 1024, memory: 512 }], { cpu: 2048, memory: 4096 }),
        0
      )
    ).toBe(200)
    expect(reservationPercent(0, 0)).toBe(100)
    expect(reservationPercent(1, 4)).toBe(25)
    // three tasks of 1024 units on 2048-unit instances need two; one already busy counts too
    expect(
      instancesNeeded(1, [], Array(3).fill({ cpu: 1024, memory: 512 }), { cpu: 2048, memory: 4096 })
    ).toBe(3)
    // what fits in the free room of an empty instance needs that instance, and no new one
    expect(
      instancesNeeded(0, [{ cpu: 2048, memory: 4096, empty: true }], [{ cpu: 1024, memory: 512 }], {
        cpu: 2048,
        memory: 4096
      })
    ).toBe(1)
  })
})

describe('managed scaling', () => {
  it('scales out by at most maximumScalingStepSize a minute, and the waiting tasks run as instances join', () => {
    const { ecs, definition, step, statuses, world } = setUp({ maximumScalingStepSize: 1 })
    ecs('CreateService', {
      cluster: 'c',
      serviceName: 'api',
      taskDefinition: definition,
      desiredCount: 4
    })
    step(1000)
    expect(statuses()).toEqual(['PROVISIONING', 'PROVISIONING', 'PROVISIONING', 'PROVISIONING'])
    // one evaluation a simulated minute, each adding at most one instance: 0, then 1, then 2 a minute later
    const changes: { at: number; desired: number }[] = []
    for (let second = 0; second < 4 * 60; second++) {
      step(1000)
      const desired = groupOf(world).desiredCapacity
      if (desired !== changes.at(-1)?.desired) changes.push({ at: second, desired })
    }
    expect(changes.map((change) => change.desired)).toEqual([0, 1, 2])
    expect((changes[2]?.at ?? 0) - (changes[1]?.at ?? 0)).toBe(60)
    expect(statuses()).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING'])
  })

  it('scales in only after 15 minutes below target, and the emptied instance leaves the cluster', () => {
    const { ecs, definition, step, statuses, world } = setUp()
    ecs('CreateService', {
      cluster: 'c',
      serviceName: 'api',
      taskDefinition: definition,
      desiredCount: 2
    })
    step(3 * MINUTE)
    expect(statuses()).toEqual(['RUNNING', 'RUNNING'])
    expect(groupOf(world).desiredCapacity).toBe(1)
    ecs('UpdateService', { cluster: 'c', service: 'api', desiredCount: 0 })
    step(14 * MINUTE)
    expect(groupOf(world).desiredCapacity).toBe(1)
    step(2 * MINUTE)
    expect(groupOf(world).desiredCapacity).toBe(0)
    step(1000)
    expect(groupOf(world).instances.size).toBe(0)
    // its container instance is deregistered: the cluster counts none
    const live = [...world.ecs.model.instances.values()].filter((i) => i.status !== 'INACTIVE')
    expect(live).toEqual([])
  })

  it('protects the instances that host tasks when managed termination protection is on', () => {
    const { ecs, definition, step, world, groupArn } = setUp(
      {},
      { NewInstancesProtectedFromScaleIn: 'true' }
    )
    ecs('PutClusterCapacityProviders', {
      cluster: 'c',
      capacityProviders: [],
      defaultCapacityProviderStrategy: []
    })
    ecs('DeleteCapacityProvider', { capacityProvider: 'cp' })
    ecs('CreateCapacityProvider', {
      name: 'cp2',
      autoScalingGroupProvider: {
        autoScalingGroupArn: groupArn,
        managedScaling: { status: 'ENABLED', targetCapacity: 100 },
        managedTerminationProtection: 'ENABLED'
      }
    })
    ecs('PutClusterCapacityProviders', {
      cluster: 'c',
      capacityProviders: ['cp2'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'cp2', weight: 1 }]
    })
    ecs('CreateService', {
      cluster: 'c',
      serviceName: 'api',
      taskDefinition: definition,
      desiredCount: 1
    })
    step(3 * MINUTE)
    const [instance] = [...groupOf(world).instances.values()]
    expect(instance?.protectedFromScaleIn).toBe(true)
    ecs('UpdateService', { cluster: 'c', service: 'api', desiredCount: 0 })
    step(2 * MINUTE)
    expect(instance?.protectedFromScaleIn).toBe(false)
  })
})

describe('what the APIs refuse', () => {
  it('refuses capacity providers and strategies as ECS does', () => {
    const { ecs, groupArn, definition } = setUp()
    const provider = (name: string, asg: Record<string, unknown>) => () =>
      ecs('CreateCapacityProvider', {
        name,
        autoScalingGroupProvider: { autoScalingGroupArn: groupArn, ...asg }
      })
    expect(
      refusal(provider('x', { managedScaling: { status: 'ENABLED', targetCapacity: 0 } })).code
    ).toBe('InvalidParameterException')
    expect(refusal(provider('ecs-x', {})).code).toBe('InvalidParameterException')
    expect(refusal(provider('again', {})).message).toMatch(
      /already in use by another capacity provider/
    )
    expect(refusal(provider('cp', {})).message).toBe(
      'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.'
    )
    expect(refusal(() => ecs('DeleteCapacityProvider', { capacityProvider: 'cp' }))).toMatchObject({
      code: 'ClientException'
    })
    expect(
      refusal(() =>
        ecs('CreateService', {
          cluster: 'c',
          serviceName: 's',
          taskDefinition: definition,
          desiredCount: 1,
          capacityProviderStrategy: [{ capacityProvider: 'elsewhere', weight: 1 }]
        })
      ).message
    ).toMatch(
      /^The specified capacity provider strategy cannot contain a capacity provider that is not associated/
    )
    expect(
      refusal(() =>
        ecs('CreateService', {
          cluster: 'c',
          serviceName: 's',
          taskDefinition: definition,
          desiredCount: 1,
          launchType: 'EC2',
          capacityProviderStrategy: [{ capacityProvider: 'cp', weight: 1 }]
        })
      ).message
    ).toBe(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    )
  })

  it('refuses Auto Scaling groups as EC2 Auto Scaling does', () => {
    const { asg, step } = setUp()
    const base = { LaunchConfigurationName: 'lc', AvailabilityZones: ['us-east-1a'] }
    expect(
      refusal(() =>
        asg('CreateAutoScalingGroup', {
          ...base,
          AutoScalingGroupName: 'h',
          MinSize: '3',
          MaxSize: '2'
        })
      )
    ).toEqual({
      code: 'ValidationError',
      message: 'Max bound, 2, must be greater than or equal to min bound, 3'
    })
    expect(
      refusal(() =>
        asg('CreateAutoScalingGroup', {
          ...base,
          AutoScalingGroupName: 'g',
          MinSize: '0',
          MaxSize: '1'
        })
      ).code
    ).toBe('AlreadyExists')
    expect(
      refusal(() =>
        asg('CreateAutoScalingGroup', {
          AutoScalingGroupName: 'h',
          MinSize: '0',
          MaxSize: '1',
          AvailabilityZones: ['us-east-1a']
        })
      ).message
    ).toBe(
      'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.'
    )
    expect(
      refusal(() =>
        asg('CreateAutoScalingGroup', {
          LaunchConfigurationName: 'lc',
          AutoScalingGroupName: 'h',
          MinSize: '0',
          MaxSize: '1'
        })
      ).message
    ).toBe('At least one Availability Zone or VPC Subnet is required.')
    asg('SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: '1' })
    step(1000)
    expect(refusal(() => asg('DeleteAutoScalingGroup', { AutoScalingGroupName: 'g' })).code).toBe(
      'ResourceInUse'
    )
    asg('DeleteAutoScalingGroup', { AutoScalingGroupName: 'g', ForceDelete: 'true' })
    expect(asg('DescribeAutoScalingGroups', {}).AutoScalingGroups).toEqual([])
  })
})
