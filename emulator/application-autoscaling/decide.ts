import type { StepAdjustment, StepConfig, TrackingConfig } from './state.js'

/**
 * The capacity a policy asks for, before the target's bounds clamp it.
 *
 * Target tracking (the emulator's model of AWS's): capacity in proportion to how far the metric
 * is from the target, `ceil(base * metric / target)`. A utilization metric (CPU, memory,
 * requests per target, a backlog per task) falls in proportion as capacity grows, so this is the
 * capacity that brings it back to the target; rounding up keeps the metric at or under it.
 * AlarmHigh only ever raises capacity and AlarmLow only lowers it, so a metric between 90 % and
 * 100 % of the target moves nothing.
 */
export function trackingCapacity(
  config: TrackingConfig,
  base: number,
  metric: number,
  direction: 'out' | 'in'
): number {
  const proportional = Math.ceil((base * metric) / config.targetValue - 1e-9)
  if (direction === 'out')
    return Math.max(proportional, base + (metric > config.targetValue ? 1 : 0))
  return Math.min(proportional, base)
}

/**
 * Step scaling: the step whose interval holds the breach (metric minus the alarm's threshold)
 * decides. Above the threshold a lower bound is inclusive and an upper one exclusive; below it,
 * the other way round. Undefined when no step holds the breach.
 */
export function stepFor(
  config: StepConfig,
  metric: number,
  threshold: number
): StepAdjustment | undefined {
  const breach = metric - threshold
  const above = metric >= threshold
  return config.steps.find((step) => {
    const lowerOk = step.lower === undefined || (above ? breach >= step.lower : breach > step.lower)
    const upperOk = step.upper === undefined || (above ? breach < step.upper : breach <= step.upper)
    return lowerOk && upperOk
  })
}

/**
 * The capacity one step asks for from `base`. A percentage is rounded as Application Auto
 * Scaling documents: a change above 1 down, between 0 and 1 to 1, between -1 and 0 to -1, below
 * -1 up; then raised to MinAdjustmentMagnitude.
 */
export function stepCapacity(config: StepConfig, step: StepAdjustment, base: number): number {
  switch (config.adjustmentType) {
    case 'ExactCapacity':
      return step.adjustment
    case 'ChangeInCapacity':
      return base + step.adjustment
    case 'PercentChangeInCapacity': {
      const raw = (base * step.adjustment) / 100
      let change =
        raw > 1 ? Math.floor(raw) : raw > 0 ? 1 : raw === 0 ? 0 : raw > -1 ? -1 : Math.ceil(raw)
      const magnitude = config.minAdjustmentMagnitude
      if (magnitude !== undefined && change !== 0 && Math.abs(change) < magnitude) {
        change = Math.sign(change) * magnitude
      }
      return base + change
    }
  }
}
