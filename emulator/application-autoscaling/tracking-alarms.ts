import { randomUUID } from 'node:crypto'
import { alarmKey, putMetricAlarmOp } from '../cloudwatch/alarms.js'
import { STATISTICS } from '../cloudwatch/statistics.js'
import type { AasModel } from './model.js'
import type { ScalingPolicy, TrackingConfig } from './state.js'

/**
 * The two alarms Application Auto Scaling keeps for a target tracking policy of an ECS service:
 * AlarmHigh, 3 of 3 one-minute periods above the target, invokes a scale-out; AlarmLow, 15 of
 * 15 one-minute periods below 90 % of the target, a scale-in (none when DisableScaleIn). They are
 * ordinary CloudWatch alarms (DescribeAlarms lists them, their AlarmActions name the policy) and
 * go with the policy.
 */
export const HIGH = { period: 60, evaluationPeriods: 3 }
export const LOW = { period: 60, evaluationPeriods: 15, share: 0.9 }

/** creates the policy's alarms, or updates them to its configuration (keeping their names) */
export function putTrackingAlarms(model: AasModel, policy: ScalingPolicy): void {
  const config = policy.tracking as TrackingConfig
  const { target } = policy
  const high =
    policy.alarms.find((a) => a.name.includes('-AlarmHigh-')) ??
    newAlarm(model, policy, 'AlarmHigh')
  let low = policy.alarms.find((a) => a.name.includes('-AlarmLow-'))
  put(model, policy, high.name, {
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: config.targetValue,
    EvaluationPeriods: HIGH.evaluationPeriods,
    DatapointsToAlarm: HIGH.evaluationPeriods,
    Period: HIGH.period
  })
  if (config.disableScaleIn) {
    if (low) deleteAlarm(model, target.region, low.name)
    low = undefined
  } else {
    low ??= newAlarm(model, policy, 'AlarmLow')
    put(model, policy, low.name, {
      ComparisonOperator: 'LessThanThreshold',
      Threshold: config.targetValue * LOW.share,
      EvaluationPeriods: LOW.evaluationPeriods,
      DatapointsToAlarm: LOW.evaluationPeriods,
      Period: LOW.period
    })
  }
  policy.alarms = low ? [high, low] : [high]
}

export function deleteTrackingAlarms(model: AasModel, policy: ScalingPolicy): void {
  for (const alarm of policy.alarms) deleteAlarm(model, policy.target.region, alarm.name)
  policy.alarms = []
}

function newAlarm(
  model: AasModel,
  policy: ScalingPolicy,
  kind: string
): { name: string; arn: string } {
  const { target } = policy
  const name = `TargetTracking-${target.resourceId}-${kind}-${randomUUID()}`
  return { name, arn: `arn:aws:cloudwatch:${target.region}:${target.accountId}:alarm:${name}` }
}

function put(
  model: AasModel,
  policy: ScalingPolicy,
  name: string,
  rule: Record<string, unknown>
): void {
  const { metric } = policy.tracking as TrackingConfig
  const { target } = policy
  const basic = (STATISTICS as readonly string[]).includes(metric.statistic)
  putMetricAlarmOp(
    model.cloudwatch,
    {
      AlarmName: name,
      AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policy.arn}.`,
      ActionsEnabled: true,
      AlarmActions: [policy.arn],
      Namespace: metric.namespace,
      MetricName: metric.metricName,
      Dimensions: metric.dimensions,
      ...(basic ? { Statistic: metric.statistic } : { ExtendedStatistic: metric.statistic }),
      ...(metric.unit === undefined ? {} : { Unit: metric.unit }),
      ...rule
    },
    { region: target.region, accountId: target.accountId, requestId: 'application-autoscaling' }
  )
}

function deleteAlarm(model: AasModel, region: string, name: string): void {
  model.cloudwatch.alarms.delete(alarmKey(region, name))
}
