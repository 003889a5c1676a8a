import type { Action } from './state.js'

/**
 * The actions with the (first) forward action's target groups replaced by `weights`, as a
 * ModifyRule that only changes weights writes them: stickiness, order and every other action
 * are kept; TargetGroupArn stays only while exactly one group is forwarded to, as AWS returns it.
 */
export function rewriteForward(
  actions: Action[],
  weights: { targetGroupArn: string; weight: number }[]
): Action[] {
  let done = false
  return actions.map((action) => {
    if (done || action.Type !== 'forward') return action
    done = true
    const config = (action.ForwardConfig ?? {}) as Record<string, unknown>
    const next: Action = { ...action }
    delete next.TargetGroupArn
    if (weights.length === 1) next.TargetGroupArn = weights[0]?.targetGroupArn
    next.ForwardConfig = {
      ...config,
      TargetGroups: weights.map((w) => ({ TargetGroupArn: w.targetGroupArn, Weight: w.weight })),
      TargetGroupStickinessConfig: config.TargetGroupStickinessConfig ?? { Enabled: false }
    }
    return next
  })
}
