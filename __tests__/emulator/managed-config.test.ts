/**
 * CreateService and UpdateService take the blue/green, linear and canary configuration as AWS
 * does: stored with its defaults and shown by DescribeServices, refused with
 * InvalidParameterException (and nothing created) when out of the API reference's ranges or
 * when the advancedConfiguration does not fit the load balancer.
 */
import { describe, expect, it } from '@jest/globals'
import { latest, managedServiceParams, managedTopology, ROLE } from './managed-fixture.js'
import { awsError, type Json, modelWorld, registerWeb, service } from './model-fixture.js'

function world() {
  const w = modelWorld()
  const t = managedTopology(w)
  const td = registerWeb(w, 'web:1')
  const create = (config: Json, edit: (p: Json) => void = () => {}) => {
    const params = managedServiceParams(t, td, config) as Json
    edit(params)
    return w.ecs('CreateService', params)
  }
  const refused = (config: Json, edit?: (p: Json) => void) => {
    const error = awsError(() => create(config, edit))
    expect(w.ecs('ListServices', { cluster: 'c' }).serviceArns).toEqual([])
    return error
  }
  return { w, t, create, refused }
}

describe('deploymentConfiguration of ECS-managed deployments', () => {
  it('stores the strategy with its defaults and DescribeServices returns it', () => {
    const { w, create } = world()
    create({ strategy: 'LINEAR' })
    expect(service(w, 'web').deploymentConfiguration).toMatchObject({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 6 }
    })
    w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web',
      deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 15 }
    })
    const config = service(w, 'web').deploymentConfiguration
    expect(config).toMatchObject({
      strategy: 'CANARY',
      bakeTimeInMinutes: 15,
      canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 }
    })
    // the strategy the update moved away from leaves its configuration behind
    expect(config.linearConfiguration).toBeUndefined()
  })

  it('a service without a strategy is ROLLING and has no service deployment of its own', () => {
    const { w, t } = world()
    w.ecs('CreateService', {
      cluster: 'c',
      serviceName: 'plain',
      taskDefinition: 'web',
      desiredCount: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      loadBalancers: [{ targetGroupArn: t.blueGroup, containerName: 'web', containerPort: 8080 }]
    })
    const plain = service(w, 'plain')
    expect(plain.deploymentConfiguration.strategy).toBe('ROLLING')
    expect(plain.currentServiceDeployment).toBeUndefined()
  })

  it('the first deployment of a new service runs its stages to SUCCESSFUL', () => {
    const { w, create } = world()
    create({ strategy: 'BLUE_GREEN' })
    expect(latest(w).status).toBe('IN_PROGRESS')
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 120)
    expect(latest(w).sourceServiceRevisions).toEqual([])
  })

  it.each([
    ['an unknown strategy', { strategy: 'ALL_AT_ONCE' }, /strategy/],
    [
      'bakeTimeInMinutes over a day',
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 },
      /bakeTimeInMinutes/
    ],
    [
      'a negative bakeTimeInMinutes',
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: -1 },
      /bakeTimeInMinutes/
    ],
    [
      'linearConfiguration with BLUE_GREEN',
      { strategy: 'BLUE_GREEN', linearConfiguration: { stepPercent: 10 } },
      /linearConfiguration is only valid when the deployment strategy is LINEAR/
    ],
    [
      'canaryConfiguration with LINEAR',
      { strategy: 'LINEAR', canaryConfiguration: { canaryPercent: 10 } },
      /canaryConfiguration is only valid when the deployment strategy is CANARY/
    ],
    [
      'a stepPercent under 3',
      { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.9 } },
      /stepPercent/
    ],
    [
      'a stepPercent that is not a tenth',
      { strategy: 'LINEAR', linearConfiguration: { stepPercent: 10.05 } },
      /multiple of 0.1/
    ],
    [
      'a canaryPercent over 100',
      { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 100.1 } },
      /canaryPercent/
    ],
    [
      'a canaryBakeTimeInMinutes over a day',
      { strategy: 'CANARY', canaryConfiguration: { canaryBakeTimeInMinutes: 1441 } },
      /canaryBakeTimeInMinutes/
    ],
    [
      'lifecycle hooks with ROLLING',
      {
        strategy: 'ROLLING',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }]
      },
      /lifecycleHooks/
    ],
    [
      'a PAUSE hook at TEST_TRAFFIC_SHIFT',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }]
      },
      /PAUSE lifecycle hooks cannot be configured at the TEST_TRAFFIC_SHIFT stage/
    ],
    [
      'a PAUSE hook at PRODUCTION_TRAFFIC_SHIFT',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }]
      },
      /PRODUCTION_TRAFFIC_SHIFT/
    ],
    [
      'a Lambda hook without hookTargetArn',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ roleArn: ROLE, lifecycleStages: ['POST_SCALE_UP'] }]
      },
      /hookTargetArn must be specified/
    ],
    [
      'a PAUSE hook with a hookTargetArn',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
            lifecycleStages: ['POST_SCALE_UP']
          }
        ]
      },
      /not applicable to a PAUSE/
    ],
    [
      'a hook at a stage hooks cannot use',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['BAKE_TIME'] }]
      },
      /lifecycleStages/
    ],
    [
      'a hook without stages',
      { strategy: 'BLUE_GREEN', lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: [] }] },
      /lifecycleStages must be specified/
    ],
    [
      'a hook timeout over a day',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_SCALE_UP'],
            timeoutConfiguration: { timeoutInMinutes: 1441 }
          }
        ]
      },
      /timeoutInMinutes/
    ],
    [
      'a hook timeout action that is not CONTINUE or ROLLBACK',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_SCALE_UP'],
            timeoutConfiguration: { action: 'WAIT' }
          }
        ]
      },
      /CONTINUE, ROLLBACK/
    ]
  ])('refuses %s', (_, config, message) => {
    const { refused } = world()
    const error = refused(config)
    expect(error.code).toBe('InvalidParameterException')
    expect(error.message).toMatch(message)
  })
})

describe('loadBalancers[].advancedConfiguration', () => {
  const advanced = (p: Json) => p.loadBalancers[0].advancedConfiguration

  it('is returned by DescribeServices as given', () => {
    const { w, t, create } = world()
    create({ strategy: 'BLUE_GREEN' })
    expect(service(w, 'web').loadBalancers[0]).toEqual({
      targetGroupArn: t.blueGroup,
      containerName: 'web',
      containerPort: 8080,
      advancedConfiguration: {
        alternateTargetGroupArn: t.greenGroup,
        productionListenerRule: t.productionRule,
        testListenerRule: t.testRule,
        roleArn: ROLE
      }
    })
  })

  it('is required by a managed strategy on a service with a load balancer', () => {
    const { refused } = world()
    const error = refused(
      { strategy: 'CANARY' },
      (p) => delete p.loadBalancers[0].advancedConfiguration
    )
    expect(error.message).toMatch(/advancedConfiguration/)
  })

  it.each([
    [
      'the alternate being the primary',
      (p: Json) => (advanced(p).alternateTargetGroupArn = p.loadBalancers[0].targetGroupArn),
      /must be different/
    ],
    [
      'an alternate that does not exist',
      (p: Json) => (advanced(p).alternateTargetGroupArn = `${p.loadBalancers[0].targetGroupArn}x`),
      /does not exist/
    ],
    [
      'no productionListenerRule',
      (p: Json) => delete advanced(p).productionListenerRule,
      /productionListenerRule must be specified/
    ],
    ['no roleArn', (p: Json) => delete advanced(p).roleArn, /roleArn must be specified/],
    ['a roleArn that is no role', (p: Json) => (advanced(p).roleArn = 'admin'), /IAM role/],
    [
      'a rule that does not exist',
      (p: Json) => (advanced(p).productionListenerRule = `${advanced(p).productionListenerRule}0`),
      /does not exist/
    ],
    [
      'the test rule being the production rule',
      (p: Json) => (advanced(p).testListenerRule = advanced(p).productionListenerRule),
      /different rule/
    ]
  ])('refuses %s', (_, edit, message) => {
    const { refused } = world()
    const error = refused({ strategy: 'BLUE_GREEN' }, edit)
    expect(error.code).toBe('InvalidParameterException')
    expect(error.message).toMatch(message)
  })

  it('refuses a production rule that does not forward to the service target group', () => {
    const { w, t, refused } = world()
    w.elb('ModifyRule', {
      RuleArn: t.productionRule,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: t.greenGroup, Weight: '1' }] }
        }
      ]
    })
    const error = refused({ strategy: 'BLUE_GREEN' })
    expect(error.message).toMatch(/does not forward to the target group/)
  })

  it('refuses a rule of another load balancer', () => {
    const { w, refused } = world()
    const other = w.elb('CreateLoadBalancer', { Name: 'other', Subnets: ['subnet-1', 'subnet-2'] })
      .LoadBalancers[0]
    const group = w.elb('CreateTargetGroup', {
      Name: 'other',
      Protocol: 'HTTP',
      Port: '8080',
      VpcId: 'vpc-1',
      TargetType: 'ip'
    }).TargetGroups[0].TargetGroupArn
    const listener = w.elb('CreateListener', {
      LoadBalancerArn: other.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: '80',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: group }]
    }).Listeners[0].ListenerArn
    const rule = w.elb('DescribeRules', { ListenerArn: listener }).Rules[0].RuleArn
    const error = refused({ strategy: 'BLUE_GREEN' }, (p) => (advanced(p).testListenerRule = rule))
    expect(error.message).toMatch(/not the load balancer of target group/)
  })
})
