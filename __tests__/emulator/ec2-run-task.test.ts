/**
 * RunTask with the EC2 launch type: each task is placed on a container instance as a service's
 * would be, and one that fits nowhere comes back in `failures` with ECS's reason.
 */
import { awsError, modelWorld, type Json, type ModelWorld } from './model-fixture.js'
import { ec2Cluster, registerApi, startInstances } from './ec2-fixture.js'

function runTask(w: ModelWorld, taskDefinition: string, extra: Record<string, unknown> = {}): Json {
  return w.ecs('RunTask', { cluster: 'c', taskDefinition, launchType: 'EC2', ...extra })
}

function remainingMemory(w: ModelWorld, containerInstanceArn: string): number {
  const [instance] = w.ecs('DescribeContainerInstances', {
    cluster: 'c',
    containerInstances: [containerInstanceArn]
  }).containerInstances
  return instance.remainingResources.find((r: Json) => r.name === 'MEMORY').integerValue
}

describe('RunTask on EC2', () => {
  it('refuses a cluster without container instances, starting nothing', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const error = awsError(() => runTask(w, registerApi(w)))
    expect(error.code).toBe('InvalidParameterException')
    expect(error.message).toBe('No Container Instances were found in your cluster.')
    expect(w.ecs('ListTasks', { cluster: 'c' }).taskArns).toEqual([])
  })

  it('places what fits, returns RESOURCE:MEMORY for the rest, and StopTask gives the memory back', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1)
    const arn = registerApi(w, { memory: 3000 })
    const first = runTask(w, arn, { count: 2 })
    expect(first.tasks).toHaveLength(1)
    const instanceArn = first.tasks[0].containerInstanceArn as string
    expect(first.failures).toEqual([{ arn: instanceArn, reason: 'RESOURCE:MEMORY' }])
    expect(remainingMemory(w, instanceArn)).toBe(4096 - 3000)

    w.ecs('StopTask', { cluster: 'c', task: first.tasks[0].taskArn })
    w.run(1)
    expect(remainingMemory(w, instanceArn)).toBe(4096)
    const again = runTask(w, arn)
    expect(again.tasks).toHaveLength(1)
    expect(again.failures).toEqual([])
  })

  it('returns RESOURCE:CPU and RESOURCE:PORTS for the shortfall of the closest instance', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1, { cpu: 1024 })
    expect(runTask(w, registerApi(w, { cpu: 2048 })).failures[0].reason).toBe('RESOURCE:CPU')
    const fixed = registerApi(w, { hostPort: 8080 })
    const run = runTask(w, fixed, { count: 2 })
    expect(run.tasks).toHaveLength(1)
    expect(run.tasks[0].containers[0].networkBindings[0].hostPort).toBe(8080)
    expect(run.failures.map((f: Json) => f.reason)).toEqual(['RESOURCE:PORTS'])
  })

  it('honours the request’s constraints: distinctInstance within the task group, memberOf on attributes', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 2)
    const arn = registerApi(w)
    const distinct = runTask(w, arn, {
      count: 3,
      group: 'batch',
      placementConstraints: [{ type: 'distinctInstance' }]
    })
    expect(distinct.tasks).toHaveLength(2)
    expect(new Set(distinct.tasks.map((t: Json) => t.containerInstanceArn)).size).toBe(2)
    expect(distinct.failures.map((f: Json) => f.reason)).toEqual([
      'DistinctInstance placement constraint unsatisfied.'
    ])
    // another group is not held back by the first group's tasks
    expect(
      runTask(w, arn, { group: 'other', placementConstraints: [{ type: 'distinctInstance' }] })
        .tasks
    ).toHaveLength(1)

    const member = runTask(w, arn, {
      placementConstraints: [
        { type: 'memberOf', expression: 'attribute:ecs.instance-type == c5.xlarge' }
      ]
    })
    expect(member.tasks).toEqual([])
    expect(member.failures.map((f: Json) => f.reason)).toEqual([
      'MemberOf placement constraint unsatisfied.'
    ])
  })

  it('refuses placement strategies for a Fargate task and a task definition that is not EC2-compatible', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1)
    const fargate = w.ecs('RegisterTaskDefinition', {
      family: 'fg',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'x', image: 'x:1' }]
    }).taskDefinition.taskDefinitionArn
    const network = { awsvpcConfiguration: { subnets: ['subnet-1'] } }
    expect(
      awsError(() =>
        w.ecs('RunTask', {
          cluster: 'c',
          taskDefinition: fargate,
          launchType: 'FARGATE',
          networkConfiguration: network,
          placementStrategy: [{ type: 'spread', field: 'instanceId' }]
        })
      ).message
    ).toBe('Placement strategies are not supported with FARGATE launch type.')
    expect(awsError(() => runTask(w, fargate, { networkConfiguration: network })).message).toBe(
      'Task definition does not support launch_type EC2.'
    )
    expect(w.ecs('ListTasks', { cluster: 'c' }).taskArns).toEqual([])
  })
})
