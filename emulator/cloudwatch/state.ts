import type { Dimension } from './metric-store.js'
import type { Stat } from './statistics.js'

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const
export type AlarmState = (typeof ALARM_STATES)[number]

export const COMPARISONS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold'
] as const
export type Comparison = (typeof COMPARISONS)[number]

export const MISSING_DATA = ['breaching', 'notBreaching', 'ignore', 'missing'] as const
export type MissingData = (typeof MISSING_DATA)[number]

/** The one metric an alarm watches, with the statistic it applies over each period. */
export interface WatchedMetric {
  namespace: string
  metricName: string
  dimensions: Dimension[]
  /** the statistic's name as given: `Sum`, `p99` */
  statName: string
  stat: Stat
  /** seconds (simulated) */
  period: number
  unit?: string
}

export interface Alarm {
  name: string
  arn: string
  region: string
  description?: string
  actionsEnabled: boolean
  okActions: string[]
  alarmActions: string[]
  insufficientDataActions: string[]
  metric: WatchedMetric
  /** the alarm was given as `Metrics` (one MetricStat query): returned as given */
  queries?: unknown[]
  evaluationPeriods: number
  datapointsToAlarm?: number
  threshold: number
  comparison: Comparison
  treatMissingData: MissingData
  evaluateLowSampleCountPercentile?: string
  state: AlarmState
  stateReason: string
  stateReasonData?: string
  /** wall-clock ms */
  stateUpdatedAt: number
  stateTransitionedAt: number
  configurationUpdatedAt: number
  /** simulated time of the next evaluation */
  nextEvaluationSim: number
}
