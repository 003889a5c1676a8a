import type { Base } from '../../src/preview/base.js'
import { serviceSpec, targetGroupSettings } from '../../src/preview/clone.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012'

/** web-blue on EC2 in bridge mode, behind an instance target group */
function bridgeBase(overrides: Partial<Base['service']> = {}): Base {
  return {
    containerName: 'web',
    containerPort: 8080,
    service: {
      name: 'web-blue',
      arn: `${ARN}:service/prod/web-blue`,
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      taskDefinitionArn: `${ARN}:task-definition/web:41`,
      loadBalancers: [],
      launchType: 'EC2',
      placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      placementConstraints: [
        { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }
      ],
      roleArn: 'arn:aws:iam::123456789012:role/ecs-elb-web',
      tags: {},
      ...overrides
    },
    targetGroup: {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue-tg/1',
      name: 'web-blue-tg',
      protocol: 'HTTP',
      port: 80,
      vpcId: 'vpc-1',
      targetType: 'instance',
      healthCheck: { path: '/health' } as Base['targetGroup']['healthCheck']
    }
  }
}

const preview = {
  cluster: 'prod',
  name: 'pv-pr7',
  taskDefinitionArn: `${ARN}:task-definition/web-pr7:1`,
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/pv-pr7/2',
  desiredCount: 1,
  tags: {}
}

describe('a preview of an EC2 service', () => {
  it('runs where the base runs: launch type, placement strategy and constraints, the load balancer role', () => {
    const spec = serviceSpec(bridgeBase(), preview)
    expect(spec).toMatchObject({
      launchType: 'EC2',
      placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      placementConstraints: [
        { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }
      ],
      // bridge and host mode: CreateService takes the role that registers instances
      role: 'arn:aws:iam::123456789012:role/ecs-elb-web'
    })
    expect(spec.networkConfiguration).toBeUndefined()
  })

  it('keeps a capacity provider strategy instead of a launch type', () => {
    const strategy = [{ capacityProvider: 'web-asg', weight: 1, base: 0 }]
    const spec = serviceSpec(bridgeBase({ capacityProviderStrategy: strategy }), preview)
    expect(spec.capacityProviderStrategy).toEqual(strategy)
    expect(spec.launchType).toBeUndefined()
  })

  it('gives no role for the service-linked one, which CreateService refuses to be given', () => {
    const base = bridgeBase({
      roleArn:
        'arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS'
    })
    expect(serviceSpec(base, preview).role).toBeUndefined()
  })

  it('registers its tasks in a target group of the pair’s target type (instance)', () => {
    expect(targetGroupSettings(bridgeBase()).targetType).toBe('instance')
  })
})
