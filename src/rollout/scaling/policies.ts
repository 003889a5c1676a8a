import type { ScalingPolicy, ScalingPort } from '../ports.js'
import type { Pair } from '../state.js'
import { policyWords } from './read.js'

/** `targetgroup/<name>/<id>`: how a target group appears in metric dimensions and resource labels. */
function targetGroupLabel(arn: string): string {
  return arn.slice(arn.indexOf(':targetgroup/') + 1)
}

/**
 * A policy of one side made to watch the other: its metric names the other service and target
 * group (ServiceName dimensions, ALBRequestCountPerTarget's ResourceLabel); the rest is copied.
 */
export function retargeted(
  policy: ScalingPolicy,
  from: { service: string; targetGroupArn: string },
  to: { service: string; targetGroupArn: string }
): ScalingPolicy {
  const fromLabel = targetGroupLabel(from.targetGroupArn)
  const toLabel = targetGroupLabel(to.targetGroupArn)
  const swap = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value === from.service) return to.service
      return value.split(fromLabel).join(toLabel)
    }
    if (Array.isArray(value)) return value.map(swap)
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, swap(inner)]))
    }
    return value
  }
  return { ...policy, configuration: swap(policy.configuration) as Record<string, unknown> }
}

/**
 * Gives the side going live every policy of the live side it does not have by name. A step
 * scaling policy is copied too, but only the user's alarm can call it: the words say so.
 */
export async function copyPolicies(pair: Pair, scaling: ScalingPort): Promise<string | undefined> {
  const [theirs, own] = await Promise.all([
    scaling.describePolicies(pair.cluster, pair.live.service),
    scaling.describePolicies(pair.cluster, pair.idle.service)
  ])
  const have = new Set(own.map((policy) => policy.name))
  const missing = theirs.filter((policy) => !have.has(policy.name))
  for (const policy of missing) {
    await scaling.putPolicy(
      pair.cluster,
      pair.idle.service,
      retargeted(policy, pair.live, pair.idle)
    )
  }
  if (missing.length === 0) return undefined
  const steps = missing.filter((policy) => policy.type === 'StepScaling').map((p) => p.name)
  const note =
    steps.length > 0
      ? `; step scaling runs only when an alarm names the new policy: add it to the alarm actions of ${steps.join(', ')}`
      : ''
  return `${pair.idle.service}: copied ${policyWords(missing)} from ${pair.live.service}${note}`
}
