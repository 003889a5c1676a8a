import type { Alarm } from '../cloudwatch/state.js'
import { recordNotScaled, setCapacity } from './capacity.js'
import { stepCapacity, stepFor, trackingCapacity } from './decide.js'
import { metricValue } from './metric.js'
import type { AasModel } from './model.js'
import { serviceOf } from './resources.js'
import type { LastScaling, ScalingPolicy } from './state.js'

/**
 * One invocation of a policy by one of its alarms in ALARM.
 *
 * Cooldowns, per policy, as Application Auto Scaling documents them:
 * - after a scale-out, for its cooldown (ScaleOutCooldown, or a step policy's Cooldown) the
 *   policy scales out again only for a larger scale-out: the capacity it asks for is computed
 *   from the capacity before that scale-out (the metric still measures that fleet, the capacity
 *   added is counted as part of the next scale-out), and only a capacity above the current one
 *   is set;
 * - after a scale-in, the policy does not scale in again until its cooldown (ScaleInCooldown,
 *   or Cooldown) ends; a scale-out is never held back by a scale-in cooldown.
 * A suspended direction (DynamicScalingOutSuspended, DynamicScalingInSuspended) does nothing.
 * The capacity asked for is clamped to [MinCapacity, MaxCapacity]; when that leaves it where it
 * is, a not scaled activity says so.
 */
export function invokePolicy(
  model: AasModel,
  policy: ScalingPolicy,
  alarm: Alarm,
  simNow: number
): void {
  const { target } = policy
  const service = serviceOf(model, target)
  if (!service) return
  const metric = metricValue(model, alarm, simNow)
  if (metric === undefined) return
  const current = service.desiredCount
  const outCooldown = (policy.tracking?.scaleOutCooldown ?? policy.step?.cooldown ?? 0) * 1000
  const inCooldown = (policy.tracking?.scaleInCooldown ?? policy.step?.cooldown ?? 0) * 1000
  const lastOut = within(policy.lastScaleOut, outCooldown, simNow) ? policy.lastScaleOut : undefined
  const coolingOut = lastOut !== undefined

  let base = current
  let asked = askedCapacity(policy, alarm, metric, base)
  if (asked === undefined) return
  if (lastOut && asked > current) {
    base = lastOut.from
    asked = askedCapacity(policy, alarm, metric, base) ?? current
    // within the cooldown only a larger scale-out goes ahead; asking the same again is no news
    if (asked <= current) return
  }
  const cause = `monitor alarm ${alarm.name} in state ALARM triggered policy ${policy.name}`
  const clamped = Math.min(target.maxCapacity, Math.max(target.minCapacity, asked))

  if (asked > current) {
    if (target.suspended.DynamicScalingOutSuspended) return
    if (clamped <= current) {
      recordNotScaled(model, target, current, asked, cause)
      return
    }
    if (setCapacity(model, target, clamped, cause)) {
      // a larger scale-out within the cooldown keeps the fleet the metric was measured on
      policy.lastScaleOut = { atSim: simNow, from: base, to: clamped }
    }
  } else if (asked < current) {
    if (target.suspended.DynamicScalingInSuspended) return
    if (within(policy.lastScaleIn, inCooldown, simNow)) return
    if (clamped >= current) {
      recordNotScaled(model, target, current, asked, cause)
      return
    }
    if (setCapacity(model, target, clamped, cause)) {
      policy.lastScaleIn = { atSim: simNow, from: current, to: clamped }
    }
  } else if (!coolingOut) {
    recordNotScaled(model, target, current, asked, cause)
  }
}

function askedCapacity(
  policy: ScalingPolicy,
  alarm: Alarm,
  metric: number,
  base: number
): number | undefined {
  if (policy.tracking) {
    const high = policy.alarms[0]?.name === alarm.name
    const low = policy.alarms[1]?.name === alarm.name
    if (!high && !low) return undefined
    return trackingCapacity(policy.tracking, base, metric, high ? 'out' : 'in')
  }
  if (policy.step) {
    const step = stepFor(policy.step, metric, alarm.threshold)
    return step && stepCapacity(policy.step, step, base)
  }
  return undefined
}

function within(last: LastScaling | undefined, cooldownMs: number, simNow: number): boolean {
  return last !== undefined && simNow < last.atSim + cooldownMs
}
