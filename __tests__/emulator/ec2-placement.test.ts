import { describe, expect, it } from '@jest/globals'
import { awsError, modelWorld, type Json } from './model-fixture.js'
import {
  ec2Cluster,
  ec2Service,
  hostsOf,
  instanceGroup,
  liveTasks,
  registerApi,
  startInstances
} from './ec2-fixture.js'

describe('ECS on EC2: placement', () => {
  it('binpack on memory fills one instance before the next', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const [first] = startInstances(w, 2)
    ec2Service(w, 'api', registerApi(w, { memory: 1024 }), 3, {
      placementStrategy: [{ type: 'binpack', field: 'memory' }]
    })
    w.run(1)
    const hosts = hostsOf(w, liveTasks(w, 'api'))
    expect(hosts).toEqual([first, first, first])
  })

  it('spread on instanceId puts one task on each instance before doubling up', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const ids = startInstances(w, 3)
    ec2Service(w, 'api', registerApi(w), 3, {
      placementStrategy: [{ type: 'spread', field: 'instanceId' }]
    })
    w.run(1)
    expect(new Set(hostsOf(w, liveTasks(w, 'api')))).toEqual(new Set(ids))
  })

  it('distinctInstance leaves a task unplaced once every instance has one', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 2)
    ec2Service(w, 'api', registerApi(w), 3, {
      placementConstraints: [{ type: 'distinctInstance' }],
      placementStrategy: [{ type: 'binpack', field: 'memory' }]
    })
    w.run(2)
    const running = liveTasks(w, 'api')
    expect(running).toHaveLength(2)
    expect(new Set(hostsOf(w, running)).size).toBe(2)
  })

  it('memberOf on the instance type places only on matching instances', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 2, { instanceType: 'm5.large' })
    const [big] = startInstances(w, 1, { instanceType: 'c5.xlarge' })
    ec2Service(w, 'api', registerApi(w), 2, {
      placementConstraints: [
        { type: 'memberOf', expression: 'attribute:ecs.instance-type == c5.xlarge' }
      ]
    })
    w.run(1)
    expect(hostsOf(w, liveTasks(w, 'api'))).toEqual([big, big])
  })

  it('a task that fits nowhere gets the insufficient-memory event and is placed once an instance appears', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1, { memory: 1024 })
    ec2Service(w, 'api', registerApi(w, { memory: 768 }), 2)
    w.run(2)
    expect(liveTasks(w, 'api')).toHaveLength(1)
    const instance = w.ecs('DescribeContainerInstances', {
      cluster: 'c',
      containerInstances: w.ecs('ListContainerInstances', { cluster: 'c' }).containerInstanceArns
    }).containerInstances[0]
    const id = (instance.containerInstanceArn as string).split('/').pop()
    const events = w.ecs('DescribeServices', { cluster: 'c', services: ['api'] }).services[0]
      .events as Json[]
    expect(events.map((e: Json) => e.message)).toContain(
      `(service api) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${id}) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`
    )
    const [second] = startInstances(w, 1)
    w.run(1)
    const running = liveTasks(w, 'api')
    expect(running).toHaveLength(2)
    expect(hostsOf(w, running)).toContain(second)
  })

  it('draining an instance moves its service tasks elsewhere and leaves it empty', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const [a, b] = startInstances(w, 2)
    const group = instanceGroup(w)
    ec2Service(w, 'api', registerApi(w), 2, {
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      loadBalancers: [{ targetGroupArn: group, containerName: 'api', containerPort: 8080 }]
    })
    // one task on each instance, both running, before one instance is drained
    w.runUntil(() => {
      const running = liveTasks(w, 'api').filter((t: Json) => t.lastStatus === 'RUNNING')
      return running.length === 2
    }, 60)
    expect(hostsOf(w, liveTasks(w, 'api')).sort()).toEqual([a, b].sort())
    const arns = w.ecs('ListContainerInstances', { cluster: 'c' }).containerInstanceArns
    const drained = w
      .ecs('DescribeContainerInstances', { cluster: 'c', containerInstances: arns })
      .containerInstances.find((i: Json) => i.ec2InstanceId === a)
    w.ecs('UpdateContainerInstancesState', {
      cluster: 'c',
      containerInstances: [drained.containerInstanceArn],
      status: 'DRAINING'
    })
    w.runUntil(() => {
      const running = liveTasks(w, 'api').filter((t: Json) => t.lastStatus === 'RUNNING')
      return running.length === 2 && hostsOf(w, running).every((h) => h === b)
    }, 300)
    const after = w.ecs('DescribeContainerInstances', {
      cluster: 'c',
      containerInstances: [drained.containerInstanceArn]
    }).containerInstances[0]
    expect(after.status).toBe('DRAINING')
    w.runUntil(
      () =>
        w.ecs('DescribeContainerInstances', {
          cluster: 'c',
          containerInstances: [drained.containerInstanceArn]
        }).containerInstances[0].runningTasksCount === 0,
      120
    )
    expect(
      w.ecs('ListContainerInstances', { cluster: 'c', status: 'DRAINING' }).containerInstanceArns
    ).toEqual([drained.containerInstanceArn])
    // the moved task says why, in AWS's words, which the action tells apart from a failed release
    const stopped = w.ecs('ListTasks', {
      cluster: 'c',
      serviceName: 'api',
      desiredStatus: 'STOPPED'
    }).taskArns as string[]
    const moved = w.ecs('DescribeTasks', { cluster: 'c', tasks: stopped }).tasks as Json[]
    expect(moved.length).toBeGreaterThan(0)
    for (const task of moved) {
      expect(task).toMatchObject({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Task stopped during instance draining'
      })
    }
  })

  it('refuses more than 5 strategies and a Fargate service with placement', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const arn = registerApi(w)
    const six = Array.from({ length: 6 }, () => ({ type: 'random' }))
    expect(awsError(() => ec2Service(w, 'api', arn, 1, { placementStrategy: six })).code).toBe(
      'InvalidParameterException'
    )
    expect(
      awsError(() =>
        ec2Service(w, 'api', arn, 1, {
          placementStrategy: [{ type: 'binpack', field: 'disk' }]
        })
      ).code
    ).toBe('InvalidParameterException')
    expect(
      awsError(() =>
        w.ecs('RegisterTaskDefinition', {
          family: 'nomem',
          requiresCompatibilities: ['EC2'],
          containerDefinitions: [{ name: 'x', image: 'x:1' }]
        })
      ).message
    ).toBe(
      "Invalid setting for container 'x'. At least one of 'memory' or 'memoryReservation' must be specified."
    )
    expect(w.ecs('ListServices', { cluster: 'c' }).serviceArns).toEqual([])
  })
})
