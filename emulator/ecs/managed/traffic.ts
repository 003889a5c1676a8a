/**
 * The weights ECS writes on the production and test listener rules. A percentage with a tenth
 * (a 2.5 % canary) is written out of 1000, as ELBv2 weights are integers up to 999.
 */
import type { EcsModel } from '../model.js'
import type { ServiceDeploymentRecord } from './state.js'

/** the production percentages ECS writes one after another, 100 last */
export function schedule(strategy: string, configuration: Record<string, unknown>): number[] {
  if (strategy === 'LINEAR') {
    const { stepPercent } = configuration.linearConfiguration as { stepPercent: number }
    const steps: number[] = []
    for (let k = 1; Math.round(k * stepPercent * 10) < 1000; k++)
      steps.push(Math.round(k * stepPercent * 10) / 10)
    return [...steps, 100]
  }
  if (strategy === 'CANARY') {
    const { canaryPercent } = configuration.canaryConfiguration as { canaryPercent: number }
    return canaryPercent >= 100 ? [100] : [canaryPercent, 100]
  }
  return [100]
}

/** minutes to wait after a production step that is not the last */
export function stepBakeMinutes(strategy: string, configuration: Record<string, unknown>): number {
  if (strategy === 'LINEAR')
    return (configuration.linearConfiguration as { stepBakeTimeInMinutes: number })
      .stepBakeTimeInMinutes
  if (strategy === 'CANARY')
    return (configuration.canaryConfiguration as { canaryBakeTimeInMinutes: number })
      .canaryBakeTimeInMinutes
  return 0
}

/** writes `greenPercent` on the rule, the rest on the source side, keeping the rule's group order */
export function writeWeights(
  model: EcsModel,
  deployment: ServiceDeploymentRecord,
  ruleArn: string | undefined,
  greenPercent: number
): void {
  const blue = deployment.source?.targetGroupArn
  const green = deployment.target.targetGroupArn
  if (ruleArn === undefined || blue === undefined) return
  const rule = model.lb.rule(ruleArn)
  if (!rule) return
  const whole = Number.isInteger(greenPercent)
  const scale = whole ? 1 : 10
  const weightOf = (arn: string): number =>
    Math.round((arn === green ? greenPercent : 100 - greenPercent) * scale)
  const present = rule.forward.map((f) => f.targetGroupArn).filter((a) => a === blue || a === green)
  const order = present.length === 2 ? present : [blue, green]
  model.lb.setForwardWeights(
    ruleArn,
    order.map((targetGroupArn) => ({ targetGroupArn, weight: weightOf(targetGroupArn) }))
  )
}
