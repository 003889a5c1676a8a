import {
  awsError,
  blueGreen,
  type Json,
  modelWorld,
  registerWeb,
  service
} from './model-fixture.js'

describe('ECS errors and lookups (model)', () => {
  it('names clusters and services by name or ARN, and reports missing services as failures', () => {
    const w = modelWorld()
    blueGreen(w)
    const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/c'
    const blueArn = 'arn:aws:ecs:us-east-1:123456789012:service/c/web-blue'
    const answer = w.ecs('DescribeServices', {
      cluster: clusterArn,
      services: [blueArn, 'web-green', 'nope']
    })
    expect(answer.services.map((s: Json) => s.serviceName)).toEqual(['web-blue', 'web-green'])
    expect(answer.services[0]).toMatchObject({
      serviceArn: blueArn,
      clusterArn,
      launchType: 'FARGATE'
    })
    expect(answer.services[0].deploymentConfiguration).toMatchObject({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: false, rollback: false }
    })
    expect(answer.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/c/nope', reason: 'MISSING' }
    ])
    expect(w.ecs('DescribeClusters', { clusters: ['c', 'gone'] })).toMatchObject({
      clusters: [{ clusterArn, clusterName: 'c', status: 'ACTIVE', activeServicesCount: 2 }],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/gone', reason: 'MISSING' }]
    })
    // a region is a world of its own
    const other = w.world.ecs.call(
      'DescribeClusters',
      { clusters: ['c'] },
      { region: 'eu-west-1', accountId: '123456789012', requestId: 'r' }
    )
    expect((other as Json).clusters).toEqual([])
  })

  it.each([
    [
      'an unknown cluster',
      'DescribeServices',
      { cluster: 'nope', services: ['web-blue'] },
      'ClusterNotFoundException',
      'Cluster not found.'
    ],
    [
      'an unknown service',
      'UpdateService',
      { cluster: 'c', service: 'nope', desiredCount: 1 },
      'ServiceNotFoundException',
      'Service not found.'
    ],
    [
      'ListTasks of an unknown service',
      'ListTasks',
      { cluster: 'c', serviceName: 'nope' },
      'ServiceNotFoundException',
      'Service not found.'
    ],
    [
      'an unknown task definition',
      'UpdateService',
      { cluster: 'c', service: 'web-blue', taskDefinition: 'web:99' },
      'ClientException',
      'TaskDefinition not found.'
    ],
    [
      'a duplicate service',
      'CreateService',
      { cluster: 'c', serviceName: 'web-blue', taskDefinition: 'web', desiredCount: 1 },
      'InvalidParameterException',
      'Creation of service was not idempotent.'
    ],
    [
      'deleting a service scaled above 0',
      'DeleteService',
      { cluster: 'c', service: 'web-blue' },
      'InvalidParameterException',
      'The service cannot be stopped while it is scaled above 0.'
    ],
    [
      'more than 10 services',
      'DescribeServices',
      { cluster: 'c', services: Array.from({ length: 11 }, (_, i) => `s${i}`) },
      'InvalidParameterException',
      'at most 10'
    ],
    [
      'tags of an unknown resource',
      'ListTagsForResource',
      { resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c/nope' },
      'ResourceNotFoundException',
      'could not be found'
    ]
  ])('refuses %s', (_, operation, params, code, message) => {
    const w = modelWorld()
    blueGreen(w)
    expect(awsError(() => w.ecs(operation, params))).toMatchObject({
      code,
      message: expect.stringContaining(message)
    })
  })

  it('refuses load balancers that cannot be used, with the messages ECS gives', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const lonely = w.elb('CreateTargetGroup', {
      Name: 'lonely',
      Protocol: 'HTTP',
      Port: '8080',
      VpcId: 'vpc-1',
      TargetType: 'ip'
    }).TargetGroups[0].TargetGroupArn
    const create = (loadBalancers: Json[]): Json =>
      w.ecs('CreateService', {
        cluster: 'c',
        serviceName: 'extra',
        taskDefinition: pair.taskDefinitionArn,
        desiredCount: 1,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        loadBalancers
      })
    expect(
      awsError(() =>
        create([{ targetGroupArn: lonely, containerName: 'web', containerPort: 8080 }])
      )
    ).toMatchObject({
      code: 'InvalidParameterException',
      message: `The target group with targetGroupArn ${lonely} does not have an associated load balancer.`
    })
    expect(
      awsError(() =>
        create([{ targetGroupArn: pair.blueGroup, containerName: 'api', containerPort: 8080 }])
      )
    ).toMatchObject({
      code: 'InvalidParameterException',
      message: 'The container api does not exist in the task definition.'
    })
    expect(
      awsError(() =>
        create([{ targetGroupArn: pair.blueGroup, containerName: 'web', containerPort: 9090 }])
      )
    ).toMatchObject({
      code: 'InvalidParameterException',
      message: 'The container web did not have a container port 9090 defined.'
    })
    expect(
      awsError(() =>
        create([
          {
            targetGroupArn: pair.blueGroup.replace(/[0-9a-f]{16}$/, '0000000000000000'),
            containerName: 'web',
            containerPort: 8080
          }
        ])
      ).code
    ).toBe('InvalidParameterException')
    expect(
      awsError(() =>
        w.ecs('CreateService', {
          cluster: 'c',
          serviceName: 'x',
          taskDefinition: pair.taskDefinitionArn,
          desiredCount: 1
        })
      )
    ).toMatchObject({
      code: 'InvalidParameterException',
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    })
    expect(w.ecs('ListServices', { cluster: 'c' }).serviceArns).toHaveLength(2)
  })

  it('deletes a service with force: DRAINING while its tasks stop, then INACTIVE and no longer updatable', () => {
    const w = modelWorld()
    blueGreen(w)
    w.run(20)
    expect(
      w.ecs('DeleteService', { cluster: 'c', service: 'web-blue', force: true }).service.status
    ).toBe('DRAINING')
    w.runUntil(() => service(w, 'web-blue').status === 'INACTIVE')
    expect(service(w, 'web-blue').runningCount).toBe(0)
    expect(
      awsError(() => w.ecs('UpdateService', { cluster: 'c', service: 'web-blue', desiredCount: 1 }))
    ).toMatchObject({
      code: 'ServiceNotActiveException',
      message: 'Service was not ACTIVE.'
    })
    // the name can be used again
    const again = w.ecs('CreateService', {
      cluster: 'c',
      serviceName: 'web-blue',
      taskDefinition: registerWeb(w, 'web:2'),
      desiredCount: 0,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } }
    })
    expect(again.service.status).toBe('ACTIVE')
  })

  it('tags clusters, services, task definitions and tasks, at most 50 per resource', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    w.run(5)
    const taskArn = w.ecs('ListTasks', { cluster: 'c', serviceName: 'web-blue' }).taskArns[0]
    const serviceArn = service(w, 'web-blue').serviceArn
    for (const resourceArn of [
      'arn:aws:ecs:us-east-1:123456789012:cluster/c',
      serviceArn,
      pair.taskDefinitionArn,
      taskArn
    ]) {
      w.ecs('TagResource', {
        resourceArn,
        tags: [
          { key: 'rollout', value: 'v1' },
          { key: 'owner', value: 'me' }
        ]
      })
      w.ecs('UntagResource', { resourceArn, tagKeys: ['owner'] })
      expect(w.ecs('ListTagsForResource', { resourceArn }).tags).toEqual([
        { key: 'rollout', value: 'v1' }
      ])
    }
    expect(
      w.ecs('DescribeServices', { cluster: 'c', services: ['web-blue'], include: ['TAGS'] })
        .services[0].tags
    ).toEqual([{ key: 'rollout', value: 'v1' }])
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }))
    expect(awsError(() => w.ecs('TagResource', { resourceArn: serviceArn, tags: many })).code).toBe(
      'InvalidParameterException'
    )
    expect(
      awsError(() =>
        w.ecs('TagResource', {
          resourceArn: serviceArn,
          tags: [{ key: 'k'.repeat(129), value: 'v' }]
        })
      ).code
    ).toBe('InvalidParameterException')
    expect(w.ecs('ListTagsForResource', { resourceArn: serviceArn }).tags).toHaveLength(1)
  })
})
