/**
 * What ECS refuses when a service's launch type, network mode and target group do not go
 * together, worded as ECS words it, with no service created.
 */
import { awsError, modelWorld, type ModelWorld } from './model-fixture.js'
import { ec2Cluster, ec2Service, registerApi, startInstances } from './ec2-fixture.js'

function ipGroup(w: ModelWorld): string {
  const lb = w.elb('CreateLoadBalancer', { Name: 'ip-alb', Subnets: ['subnet-1', 'subnet-2'] })
    .LoadBalancers[0]
  const arn = w.elb('CreateTargetGroup', {
    Name: 'ip',
    Protocol: 'HTTP',
    Port: '80',
    VpcId: 'vpc-1',
    TargetType: 'ip'
  }).TargetGroups[0].TargetGroupArn as string
  w.elb('CreateListener', {
    LoadBalancerArn: lb.LoadBalancerArn,
    Protocol: 'HTTP',
    Port: '80',
    DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }]
  })
  return arn
}

function fargateDefinition(w: ModelWorld): string {
  return w.ecs('RegisterTaskDefinition', {
    family: 'fg',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'x', image: 'x:1', portMappings: [{ containerPort: 8080 }] }]
  }).taskDefinition.taskDefinitionArn as string
}

describe('ECS on EC2: combinations ECS refuses', () => {
  it('refuses a bridge-mode service on an ip target group', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1)
    const group = ipGroup(w)
    const error = awsError(() =>
      ec2Service(w, 'api', registerApi(w), 1, {
        loadBalancers: [{ targetGroupArn: group, containerName: 'api', containerPort: 8080 }]
      })
    )
    expect(error.code).toBe('InvalidParameterException')
    expect(error.message).toBe(
      `The provided target group ${group} has target type ip, which is incompatible with the bridge network mode specified in the task definition.`
    )
    expect(w.ecs('ListServices', { cluster: 'c' }).serviceArns).toEqual([])
  })

  it('refuses placement strategies and constraints for a Fargate service', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const taskDefinition = fargateDefinition(w)
    const fargate = (extra: Record<string, unknown>): unknown =>
      w.ecs('CreateService', {
        cluster: 'c',
        serviceName: 'fg',
        taskDefinition,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        ...extra
      })
    const strategies = awsError(() =>
      fargate({ placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] })
    )
    expect([strategies.code, strategies.message]).toEqual([
      'InvalidParameterException',
      'Placement strategies are not supported with FARGATE launch type.'
    ])
    const constraints = awsError(() =>
      fargate({ placementConstraints: [{ type: 'distinctInstance' }] })
    )
    expect([constraints.code, constraints.message]).toEqual([
      'InvalidParameterException',
      'Placement constraints are not supported with FARGATE launch type.'
    ])
    expect(w.ecs('ListServices', { cluster: 'c' }).serviceArns).toEqual([])
  })
})
