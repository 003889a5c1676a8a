/**
 * An ECS-managed blue/green service in the emulator's models, without HTTP: one service `web`
 * on target group web-blue, the alternate web-green, a production rule (port 80, path /*) and a
 * test rule on a test listener (port 8080), both forwarding blue=100/green=0.
 */
import { type Json, type ModelWorld, registerWeb } from './model-fixture.js'

export interface ManagedTopology {
  cluster: string
  service: string
  blueGroup: string
  greenGroup: string
  productionRule: string
  testRule: string
  loadBalancerArn: string
}

export const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers'

/** the topology without the service */
export function managedTopology(w: ModelWorld): Omit<ManagedTopology, 'service'> {
  w.ecs('CreateCluster', { clusterName: 'c' })
  const lb = w.elb('CreateLoadBalancer', { Name: 'web-alb', Subnets: ['subnet-1', 'subnet-2'] })
    .LoadBalancers[0]
  const group = (name: string): string => {
    const arn = w.elb('CreateTargetGroup', {
      Name: name,
      Protocol: 'HTTP',
      Port: '8080',
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckIntervalSeconds: '5',
      HealthCheckTimeoutSeconds: '2',
      HealthyThresholdCount: '2',
      UnhealthyThresholdCount: '2'
    }).TargetGroups[0].TargetGroupArn
    w.elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: arn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }]
    })
    return arn
  }
  const blueGroup = group('web-blue')
  const greenGroup = group('web-green')
  const forward = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: blueGroup, Weight: '100' },
          { TargetGroupArn: greenGroup, Weight: '0' }
        ]
      }
    }
  ]
  const rule = (port: string): string => {
    const listenerArn = w.elb('CreateListener', {
      LoadBalancerArn: lb.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: port,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }]
    }).Listeners[0].ListenerArn
    return w.elb('CreateRule', {
      ListenerArn: listenerArn,
      Priority: '10',
      Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
      Actions: forward
    }).Rules[0].RuleArn
  }
  return {
    cluster: 'c',
    blueGroup,
    greenGroup,
    productionRule: rule('80'),
    testRule: rule('8080'),
    loadBalancerArn: lb.LoadBalancerArn
  }
}

/** the CreateService parameters of service `web` on the topology */
export function managedServiceParams(
  t: Omit<ManagedTopology, 'service'>,
  taskDefinition: string,
  deploymentConfiguration: Record<string, unknown>,
  desiredCount = 2
): Record<string, unknown> {
  return {
    cluster: t.cluster,
    serviceName: 'web',
    taskDefinition,
    desiredCount,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    loadBalancers: [
      {
        targetGroupArn: t.blueGroup,
        containerName: 'web',
        containerPort: 8080,
        advancedConfiguration: {
          alternateTargetGroupArn: t.greenGroup,
          productionListenerRule: t.productionRule,
          testListenerRule: t.testRule,
          roleArn: ROLE
        }
      }
    ],
    deploymentConfiguration
  }
}

/**
 * Creates service `web` on image web:1 with `deploymentConfiguration` but its lifecycle hooks,
 * runs until that first service deployment is done, then sets the hooks (an UpdateService that
 * starts no deployment); answers the topology.
 */
export function managedService(
  w: ModelWorld,
  deploymentConfiguration: Record<string, unknown>,
  desiredCount = 2
): ManagedTopology {
  const t = managedTopology(w)
  const { lifecycleHooks, ...withoutHooks } = deploymentConfiguration
  w.ecs(
    'CreateService',
    managedServiceParams(t, registerWeb(w, 'web:1'), withoutHooks, desiredCount)
  )
  w.runUntil(() => latest(w).status === 'SUCCESSFUL', 300)
  if (lifecycleHooks !== undefined) {
    w.ecs('UpdateService', { cluster: 'c', service: 'web', deploymentConfiguration })
  }
  return { ...t, service: 'web' }
}

/** the service's newest service deployment, as DescribeServiceDeployments shows it */
export function latest(w: ModelWorld): Json {
  const arn = w.ecs('DescribeServices', { cluster: 'c', services: ['web'] }).services[0]
    .currentServiceDeployment
  return w.ecs('DescribeServiceDeployments', { serviceDeploymentArns: [arn] }).serviceDeployments[0]
}

/** the production (or test) rule's weights by target group */
export function weights(w: ModelWorld, ruleArn: string): Record<string, number> {
  const rule = w.elb('DescribeRules', { RuleArns: [ruleArn] }).Rules[0]
  const out: Record<string, number> = {}
  for (const tg of rule.Actions[0].ForwardConfig.TargetGroups) out[tg.TargetGroupArn] = tg.Weight
  return out
}

/** deploys web:<image> by UpdateService and answers the new service deployment's ARN */
export function deploy(w: ModelWorld, image: string): string {
  const arn = registerWeb(w, image)
  return w.ecs('UpdateService', { cluster: 'c', service: 'web', taskDefinition: arn }).service
    .currentServiceDeployment
}
