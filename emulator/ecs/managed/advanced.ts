/**
 * `loadBalancers[].advancedConfiguration`: the alternate target group and the listener rules
 * whose weights ECS shifts. Checked against ELBv2 as ECS checks them before it accepts the
 * service: both groups exist and sit behind the load balancer of the rules, the production rule
 * forwards to the service's target group, and the alternate is another group.
 */
import type { EcsModel } from '../model.js'
import { invalid, optionalObject, optionalString, type Params } from '../params.js'
import type { AdvancedConfiguration } from '../state.js'

export function readAdvancedConfiguration(
  model: EcsModel,
  raw: Params,
  targetGroupArn: string
): AdvancedConfiguration | undefined {
  const given = optionalObject(raw, 'advancedConfiguration')
  if (!given) return undefined
  const alternate = optionalString(given, 'alternateTargetGroupArn')
  const production = optionalString(given, 'productionListenerRule')
  const roleArn = optionalString(given, 'roleArn')
  const test = optionalString(given, 'testListenerRule')
  if (!alternate) throw invalid('advancedConfiguration.alternateTargetGroupArn must be specified.')
  if (!production) throw invalid('advancedConfiguration.productionListenerRule must be specified.')
  if (!roleArn) throw invalid('advancedConfiguration.roleArn must be specified.')
  if (!/^arn:aws[a-z-]*:iam::[0-9]{12}:role\//.test(roleArn))
    throw invalid(`advancedConfiguration.roleArn must be the ARN of an IAM role, got '${roleArn}'.`)
  if (alternate === targetGroupArn) {
    throw invalid(
      `The alternate target group ${alternate} must be different from the target group ${targetGroupArn} of the load balancer.`
    )
  }
  const primaryGroup = model.lb.targetGroup(targetGroupArn)
  const alternateGroup = model.lb.targetGroup(alternate)
  if (!alternateGroup)
    throw invalid(`The target group with targetGroupArn ${alternate} does not exist.`)
  if (alternateGroup.loadBalancerArns.length === 0) {
    throw invalid(
      `The target group with targetGroupArn ${alternate} does not have an associated load balancer.`
    )
  }
  if (primaryGroup && alternateGroup.targetType !== primaryGroup.targetType) {
    throw invalid(
      `The alternate target group ${alternate} has target type ${alternateGroup.targetType}, but the target group ${targetGroupArn} has target type ${primaryGroup.targetType}.`
    )
  }
  const checkRule = (arn: string, key: string): void => {
    const rule = model.lb.rule(arn)
    if (!rule) throw invalid(`The listener rule ${arn} given as ${key} does not exist.`)
    for (const group of [targetGroupArn, alternate]) {
      if (!model.lb.targetGroup(group)?.loadBalancerArns.includes(rule.loadBalancerArn)) {
        throw invalid(
          `The listener rule ${arn} given as ${key} belongs to load balancer ${rule.loadBalancerArn}, which is not the load balancer of target group ${group}.`
        )
      }
    }
    if (!rule.forward.some((f) => f.targetGroupArn === targetGroupArn)) {
      throw invalid(
        `The listener rule ${arn} given as ${key} does not forward to the target group ${targetGroupArn} of the service.`
      )
    }
  }
  checkRule(production, 'productionListenerRule')
  if (test !== undefined) {
    if (test === production) {
      throw invalid(
        'advancedConfiguration.testListenerRule must be a different rule from productionListenerRule.'
      )
    }
    checkRule(test, 'testListenerRule')
  }
  return {
    alternateTargetGroupArn: alternate,
    productionListenerRule: production,
    ...(test === undefined ? {} : { testListenerRule: test }),
    roleArn
  }
}
