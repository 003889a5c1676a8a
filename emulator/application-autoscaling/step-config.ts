import { AwsError } from '../core/errors.js'
import { ADJUSTMENT_TYPES, METRIC_AGGREGATION_TYPES } from './enums.js'
import {
  constraint,
  memberName,
  objectList,
  optionalEnum,
  optionalInt,
  optionalNumber,
  type Params,
  validation
} from './params.js'
import type { StepAdjustment, StepConfig } from './state.js'
import { ECS_DEFAULT_COOLDOWN } from './tracking-config.js'

const AT = 'StepScalingPolicyConfiguration'
/** "Step adjustments per step scaling policy: 20" (Application Auto Scaling service quotas) */
const MAX_STEPS = 20

/**
 * A step scaling configuration. On an update the members given replace the policy's, the others
 * stay (`previous`). The steps must cover the breach without gaps or overlaps: at most one step
 * without a lower bound and one without an upper bound, each upper bound above its lower bound.
 */
export function readStepConfig(given: Params, previous?: Params): StepConfig {
  const merged: Params = { ...(previous ?? {}), ...given }
  const adjustmentType = optionalEnum(
    merged,
    'AdjustmentType',
    ADJUSTMENT_TYPES,
    `${AT}.AdjustmentType`
  )
  if (adjustmentType === undefined) {
    throw validation('AdjustmentType is required for a new step scaling policy configuration')
  }
  const steps = objectList(merged, 'StepAdjustments', `${AT}.StepAdjustments`).map((step, index) =>
    readStep(step, `${AT}.StepAdjustments.${index + 1}`)
  )
  if (steps.length === 0) {
    throw validation(
      'At least one step adjustment is required for a new step scaling policy configuration'
    )
  }
  if (steps.length > MAX_STEPS) {
    throw new AwsError(
      'LimitExceededException',
      `A step scaling policy can have at most ${MAX_STEPS} step adjustments`
    )
  }
  checkSteps(steps)
  if (adjustmentType === 'ExactCapacity' && steps.some((step) => step.adjustment < 0)) {
    throw validation(
      'The scaling adjustment of an ExactCapacity step adjustment must be non-negative'
    )
  }
  const cooldown = optionalInt(merged, 'Cooldown', `${AT}.Cooldown`) ?? ECS_DEFAULT_COOLDOWN
  if (cooldown < 0)
    throw constraint(
      cooldown,
      memberName(`${AT}.Cooldown`),
      'have value greater than or equal to 0'
    )
  const magnitude = optionalInt(merged, 'MinAdjustmentMagnitude', `${AT}.MinAdjustmentMagnitude`)
  if (magnitude !== undefined) {
    if (adjustmentType !== 'PercentChangeInCapacity') {
      throw validation(
        'MinAdjustmentMagnitude is only supported with the PercentChangeInCapacity adjustment type'
      )
    }
    if (magnitude < 1) throw validation('MinAdjustmentMagnitude must be greater than or equal to 1')
  }
  const aggregation = optionalEnum(
    merged,
    'MetricAggregationType',
    METRIC_AGGREGATION_TYPES,
    `${AT}.MetricAggregationType`
  )
  const config: StepConfig = { adjustmentType, steps, cooldown, given: structuredClone(merged) }
  if (magnitude !== undefined) config.minAdjustmentMagnitude = magnitude
  if (aggregation !== undefined) config.metricAggregationType = aggregation
  return config
}

function readStep(step: Params, at: string): StepAdjustment {
  const adjustment = optionalInt(step, 'ScalingAdjustment', `${at}.ScalingAdjustment`)
  if (adjustment === undefined)
    throw constraint(undefined, memberName(`${at}.ScalingAdjustment`), 'not be null')
  const read: StepAdjustment = { adjustment }
  const lower = optionalNumber(step, 'MetricIntervalLowerBound', `${at}.MetricIntervalLowerBound`)
  const upper = optionalNumber(step, 'MetricIntervalUpperBound', `${at}.MetricIntervalUpperBound`)
  if (lower !== undefined) read.lower = lower
  if (upper !== undefined) read.upper = upper
  if (lower !== undefined && upper !== undefined && upper <= lower) {
    throw validation(
      `The upper bound of a step adjustment (${upper}) must be greater than its lower bound (${lower})`
    )
  }
  return read
}

function checkSteps(steps: StepAdjustment[]): void {
  if (steps.filter((step) => step.lower === undefined).length > 1) {
    throw validation('Only one step adjustment can have a null lower bound')
  }
  if (steps.filter((step) => step.upper === undefined).length > 1) {
    throw validation('Only one step adjustment can have a null upper bound')
  }
  const sorted = [...steps].sort((a, b) => (a.lower ?? -Infinity) - (b.lower ?? -Infinity))
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1] as StepAdjustment
    const after = sorted[i] as StepAdjustment
    const end = before.upper ?? Infinity
    const start = after.lower ?? -Infinity
    if (end > start) throw validation('Step adjustments cannot overlap')
    if (end < start) throw validation('There cannot be gaps between step adjustments')
  }
}
