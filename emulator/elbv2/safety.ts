import type { CallContext } from '../core/contracts.js'
import type { WeightedTargetGroup } from '../core/violations.js'
import type { CarriedWeight } from '../ecs/load-balancing.js'
import type { Elbv2Model } from './model.js'
import type { Action, Listener, Rule, TargetGroup } from './state.js'

/** A target group a forward action sends to, with its weight (1 when only TargetGroupArn is given). */
export interface ForwardWeight {
  targetGroupArn: string
  weight: number
}

/** the target groups the forward actions among `actions` send to, with their weights */
export function forwardWeights(actions: Action[]): ForwardWeight[] {
  const weights: ForwardWeight[] = []
  for (const action of actions) {
    if (action.Type !== 'forward') continue
    const config = action.ForwardConfig as
      { TargetGroups?: { TargetGroupArn: string; Weight?: number }[] } | undefined
    const groups = config?.TargetGroups ?? []
    if (groups.length === 0 && typeof action.TargetGroupArn === 'string') {
      weights.push({ targetGroupArn: action.TargetGroupArn, weight: 1 })
    }
    for (const group of groups) {
      weights.push({ targetGroupArn: group.TargetGroupArn, weight: group.Weight ?? 1 })
    }
  }
  return weights
}

/**
 * Whether the group has a target that takes traffic now: for `instance` and `ip` groups a
 * registered target whose health state is `healthy`; `lambda` and `alb` groups usually run
 * without health checks, so there a target that is `unavailable` (checks disabled) counts too.
 */
export function hasHealthyTarget(group: TargetGroup): boolean {
  const accepted =
    group.targetType === 'instance' || group.targetType === 'ip'
      ? ['healthy']
      : ['healthy', 'unavailable']
  return [...group.targets.values()].some((target) => accepted.includes(target.state))
}

function targetStates(group: TargetGroup): Record<string, number> {
  const states: Record<string, number> = {}
  for (const target of group.targets.values())
    states[target.state] = (states[target.state] ?? 0) + 1
  return states
}

function describeStates(states: Record<string, number>): string {
  const parts = Object.entries(states).map(([state, n]) => `${n} ${state}`)
  return parts.length === 0 ? 'no target registered' : parts.join(', ')
}

/**
 * Called by ModifyListener and ModifyRule once their new actions are in place: records a
 * `weight-on-unhealthy-target-group` violation when the resulting forward action gives weight > 0
 * to a target group that has no healthy target at this instant.
 */
export function watchForwardWrite(
  model: Elbv2Model,
  operation: 'ModifyListener' | 'ModifyRule',
  listener: Listener,
  rule: Rule,
  ctx: CallContext
): void {
  const unhealthy: WeightedTargetGroup[] = []
  for (const { targetGroupArn, weight } of forwardWeights(rule.actions)) {
    if (!(weight > 0)) continue
    const group = model.targetGroups.get(targetGroupArn)
    if (!group || hasHealthyTarget(group)) continue
    unhealthy.push({ targetGroupArn, weight, targetStates: targetStates(group) })
  }
  if (unhealthy.length === 0) return
  const resource = operation === 'ModifyRule' ? rule.arn : listener.arn
  const what = unhealthy
    .map(
      (g) =>
        `weight ${g.weight} to target group ${model.targetGroups.get(g.targetGroupArn)?.name ?? g.targetGroupArn}` +
        ` (${describeStates(g.targetStates ?? {})})`
    )
    .join(' and ')
  model.violations.record({
    kind: 'weight-on-unhealthy-target-group',
    service: 'elbv2',
    operation,
    resource,
    listenerArn: listener.arn,
    ...(operation === 'ModifyRule' ? { ruleArn: rule.arn } : {}),
    targetGroups: unhealthy,
    userAgent: ctx.userAgent ?? '',
    at: new Date(model.clock.wallNow()).toISOString(),
    message: `${operation} on ${resource} gave ${what}: no healthy target when the write took effect`
  })
}

/** Where a target group carries weight > 0 now: every listener default action and rule forwarding to it. */
export function weightCarried(model: Elbv2Model, targetGroupArn: string): CarriedWeight[] {
  const carried: CarriedWeight[] = []
  for (const listener of model.listeners.values()) {
    for (const rule of model.rulesOf(listener)) {
      for (const { targetGroupArn: arn, weight } of forwardWeights(rule.actions)) {
        if (arn !== targetGroupArn || !(weight > 0)) continue
        carried.push({
          targetGroupArn,
          weight,
          listenerArn: listener.arn,
          ...(rule.isDefault ? {} : { ruleArn: rule.arn })
        })
      }
    }
  }
  return carried
}
