/**
 * The state a rollout must end in, read back through the SDK: every target group the route
 * sends traffic to belongs to a service whose tasks are all running and all healthy in it.
 */
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig } from '../../__tests__/helpers/emulator.js'

export interface EndState {
  /** target group ARN -> weight, as the route forwards now */
  weights: Record<string, number>
  /** what is wrong with it, if anything */
  unsafe?: string
}

export async function readEndState(url: string, t: Topology): Promise<EndState> {
  const ecs = new ECSClient(clientConfig(url))
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url))
  try {
    const actions = t.ruleArn
      ? (await elb.send(new DescribeRulesCommand({ RuleArns: [t.ruleArn] }))).Rules?.[0]?.Actions
      : (await elb.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn] })))
          .Listeners?.[0]?.DefaultActions
    const forward = actions?.find((a) => a.Type === 'forward')
    const weights: Record<string, number> = {}
    for (const g of forward?.ForwardConfig?.TargetGroups ?? []) {
      weights[g.TargetGroupArn ?? ''] = g.Weight ?? 0
    }
    const sides = [
      { service: t.services.blue, group: t.targetGroups.blue },
      { service: t.services.green, group: t.targetGroups.green }
    ]
    const total = Object.values(weights).reduce((sum, w) => sum + w, 0)
    if (Object.keys(weights).length !== 2 || total !== 100) {
      return {
        weights,
        unsafe: `the route forwards ${JSON.stringify(weights)}, not the pair at 100`
      }
    }
    const services =
      (
        await ecs.send(
          new DescribeServicesCommand({ cluster: t.cluster, services: sides.map((s) => s.service) })
        )
      ).services ?? []
    for (const side of sides) {
      if (!(weights[side.group]! > 0)) continue
      const service = services.find((s) => s.serviceName === side.service)
      const targets =
        (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: side.group })))
          .TargetHealthDescriptions ?? []
      const healthy = targets.filter((x) => x.TargetHealth?.State === 'healthy').length
      const unhealthy = targets.filter((x) => x.TargetHealth?.State === 'unhealthy').length
      const desired = service?.desiredCount ?? 0
      if (
        !service ||
        desired === 0 ||
        service.runningCount !== desired ||
        healthy < desired ||
        unhealthy > 0
      ) {
        return {
          weights,
          unsafe:
            `${weights[side.group]}% on ${side.service}, which runs ${service?.runningCount ?? 0}/` +
            `${desired} tasks with ${healthy} healthy and ${unhealthy} unhealthy targets`
        }
      }
    }
    return { weights }
  } finally {
    ecs.destroy()
    elb.destroy()
  }
}
