/** What the Application Auto Scaling model holds. Times are wall-clock ms unless named `...Sim`. */

export interface SuspendedState {
  DynamicScalingInSuspended: boolean
  DynamicScalingOutSuspended: boolean
  ScheduledScalingSuspended: boolean
}

export interface ScalableTarget {
  arn: string
  region: string
  accountId: string
  serviceNamespace: string
  resourceId: string
  scalableDimension: string
  minCapacity: number
  maxCapacity: number
  roleArn: string
  suspended: SuspendedState
  createdAt: number
  tags: Map<string, string>
}

export interface StepAdjustment {
  lower?: number
  upper?: number
  adjustment: number
}

export type AdjustmentType = 'ChangeInCapacity' | 'PercentChangeInCapacity' | 'ExactCapacity'

export interface StepConfig {
  adjustmentType: AdjustmentType
  steps: StepAdjustment[]
  /** seconds */
  cooldown: number
  metricAggregationType?: string
  minAdjustmentMagnitude?: number
  /** the configuration as given, returned by DescribeScalingPolicies */
  given: Record<string, unknown>
}

/** The CloudWatch metric a target tracking policy keeps at its target, as its alarms watch it. */
export interface TrackedMetric {
  namespace: string
  metricName: string
  dimensions: { Name: string; Value: string }[]
  statistic: string
  unit?: string
}

export interface TrackingConfig {
  targetValue: number
  metric: TrackedMetric
  /** seconds */
  scaleOutCooldown: number
  scaleInCooldown: number
  disableScaleIn: boolean
  /** the configuration as given, returned by DescribeScalingPolicies */
  given: Record<string, unknown>
}

/** The last scaling a policy did in one direction, for its cooldown. */
export interface LastScaling {
  atSim: number
  /** the capacity before the activity (the fleet the metric still measures during a cooldown) */
  from: number
  to: number
}

export interface ScalingPolicy {
  arn: string
  name: string
  target: ScalableTarget
  type: 'TargetTrackingScaling' | 'StepScaling'
  step?: StepConfig
  tracking?: TrackingConfig
  /** the alarms a target tracking policy owns, by name (AlarmHigh first) */
  alarms: { name: string; arn: string }[]
  createdAt: number
  lastScaleOut?: LastScaling
  lastScaleIn?: LastScaling
}

export interface NotScaledReason {
  Code: string
  MaxCapacity?: number
  MinCapacity?: number
  CurrentCapacity?: number
}

export interface Activity {
  id: string
  region: string
  serviceNamespace: string
  resourceId: string
  scalableDimension: string
  description: string
  cause: string
  startedAt: number
  endedAt?: number
  statusCode: 'Successful' | 'Failed'
  statusMessage: string
  /** set on a not scaled activity, which DescribeScalingActivities lists only when asked */
  notScaled?: NotScaledReason[]
}
