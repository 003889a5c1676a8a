import type { CallContext } from '../core/contracts.js'
import type { EcsModel } from './model.js'
import type { Service } from './state.js'

/**
 * Called by UpdateService once its change is in place: records a
 * `scaled-to-zero-while-carrying-weight` violation when the call set desiredCount to 0 while one
 * of the service's target groups carries weight > 0 in a listener's default actions or a rule.
 */
export function watchScaleToZero(
  model: EcsModel,
  service: Service,
  clusterArn: string,
  desiredCountBefore: number,
  ctx: CallContext
): void {
  const groups = [...new Set(service.loadBalancers.map((lb) => lb.targetGroupArn))]
  const carried = groups.flatMap((arn) => model.lb.weightCarried(arn))
  if (carried.length === 0) return
  const where = carried
    .map(
      (c) =>
        `weight ${c.weight} on ${c.targetGroupArn} in ${c.ruleArn === undefined ? `the default actions of ${c.listenerArn}` : `rule ${c.ruleArn}`}`
    )
    .join('; ')
  model.violations.record({
    kind: 'scaled-to-zero-while-carrying-weight',
    service: 'ecs',
    operation: 'UpdateService',
    resource: service.arn,
    clusterArn,
    serviceArn: service.arn,
    serviceName: service.name,
    targetGroups: carried.map((c) => ({ ...c })),
    userAgent: ctx.userAgent ?? '',
    at: new Date(model.clock.wallNow()).toISOString(),
    message:
      `UpdateService set desiredCount 0 (was ${desiredCountBefore}) on service ${service.name} ` +
      `while its target group carries traffic: ${where}`
  })
}
