import type { Alarm } from '../cloudwatch/state.js'
import { statValue } from '../cloudwatch/statistics.js'
import type { AasModel } from './model.js'

/**
 * The metric value a policy acts on when an alarm invokes it: the alarm's statistic over its
 * latest period, read from the CloudWatch metric store. When the store has nothing there (the
 * alarm was put in ALARM by SetAlarmState), the newest datapoint of the alarm's StateReasonData
 * (`recentDatapoints`), which is why AWS asks SetAlarmState callers to include it. Undefined when
 * neither has a value: the policy then does nothing.
 */
export function metricValue(model: AasModel, alarm: Alarm, simNow: number): number | undefined {
  const { metric } = alarm
  const periodMs = metric.period * 1000
  const aggregate = model.cloudwatch.metrics.aggregate(
    { region: alarm.region, ...metric },
    metric.unit,
    simNow - periodMs,
    simNow
  )
  const value = aggregate && statValue(aggregate, metric.stat)
  if (value !== undefined) return value
  return fromReasonData(alarm.stateReasonData)
}

function fromReasonData(data: string | undefined): number | undefined {
  if (data === undefined) return undefined
  try {
    const parsed = JSON.parse(data) as { recentDatapoints?: unknown }
    const points = Array.isArray(parsed.recentDatapoints) ? parsed.recentDatapoints : []
    const last = points.at(-1)
    return typeof last === 'number' && Number.isFinite(last) ? last : undefined
  } catch {
    return undefined
  }
}
