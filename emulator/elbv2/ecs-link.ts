import type { LoadBalancing } from '../ecs/load-balancing.js'
import type { Elbv2Model } from './model.js'
import { rewriteForward } from './rewrite-forward.js'
import { forwardWeights, weightCarried } from './safety.js'
import { targetKey } from './state.js'
import { deregisterTarget, registerTarget } from './targets.js'

/** The ELBv2 model as the ECS simulation sees it (ECS registers its tasks itself, without API calls). */
export function linkForEcs(model: Elbv2Model): LoadBalancing {
  return {
    targetGroup(arn) {
      const group = model.targetGroups.get(arn)
      if (!group) return undefined
      const facts = {
        arn,
        targetType: group.targetType,
        loadBalancerArns: [...group.loadBalancerArns]
      }
      return group.port === undefined ? facts : { ...facts, port: group.port }
    },
    register(arn, ip, port, simNow) {
      const group = model.targetGroups.get(arn)
      if (group) registerTarget(group, ip, port, simNow)
    },
    deregister(arn, ip, port, simNow) {
      const group = model.targetGroups.get(arn)
      if (group) deregisterTarget(group, ip, port, simNow)
    },
    targetState(arn, ip, port) {
      return model.targetGroups.get(arn)?.targets.get(targetKey(ip, port))?.state
    },
    weightCarried(arn) {
      return weightCarried(model, arn)
    },
    rule(arn) {
      const rule = model.rules.get(arn)
      const listener = rule ? model.listeners.get(rule.listenerArn) : undefined
      if (!rule || !listener) return undefined
      return {
        arn,
        listenerArn: listener.arn,
        loadBalancerArn: listener.loadBalancerArn,
        forward: forwardWeights(rule.actions)
      }
    },
    setForwardWeights(ruleArn, weights) {
      const rule = model.rules.get(ruleArn)
      if (!rule) return
      rule.actions = rewriteForward(rule.actions, weights)
      model.reindex()
    }
  }
}
