import type { CloudWatchModel } from './model.js'
import type { Alarm, AlarmState, Comparison } from './state.js'
import { statValue } from './statistics.js'

/** CloudWatch evaluates an alarm every minute, or every period when the period is shorter. */
export function evaluationInterval(alarm: Alarm): number {
  return Math.min(alarm.metric.period, 60)
}

/**
 * Evaluates every alarm that is due by simulated time `simNow`. After a stall, an alarm is
 * evaluated once, at its latest due moment, rather than once for every interval missed.
 */
export function evaluateAlarms(model: CloudWatchModel, simNow: number): void {
  for (const alarm of model.alarms.values()) {
    if (alarm.nextEvaluationSim > simNow) continue
    const interval = evaluationInterval(alarm) * 1000
    const missed = Math.floor((simNow - alarm.nextEvaluationSim) / interval)
    const at = alarm.nextEvaluationSim + missed * interval
    evaluate(model, alarm, at)
    alarm.nextEvaluationSim = at + interval
  }
}

interface Point {
  /** simulated start of the period */
  at: number
  value: number | undefined
}

/**
 * The last EvaluationPeriods periods before `at`: ALARM when at least DatapointsToAlarm of them
 * breach, with missing periods treated as TreatMissingData says.
 */
function evaluate(model: CloudWatchModel, alarm: Alarm, at: number): void {
  const { metric } = alarm
  const periodMs = metric.period * 1000
  const points: Point[] = []
  for (let k = alarm.evaluationPeriods; k >= 1; k--) {
    const from = at - k * periodMs
    const aggregate = model.metrics.aggregate(
      { region: alarm.region, ...metric },
      metric.unit,
      from,
      from + periodMs
    )
    points.push({ at: from, value: aggregate && statValue(aggregate, metric.stat) })
  }
  const present = points.filter((point) => point.value !== undefined)
  const breaching = present.filter((point) => breaches(alarm, point.value as number)).length
  const absent = points.length - present.length
  const needed = alarm.datapointsToAlarm ?? alarm.evaluationPeriods

  let next: AlarmState
  switch (alarm.treatMissingData) {
    case 'breaching':
      next = breaching + absent >= needed ? 'ALARM' : 'OK'
      break
    case 'notBreaching':
      next = breaching >= needed ? 'ALARM' : 'OK'
      break
    case 'ignore':
      if (present.length === 0) return
      next = breaching >= needed ? 'ALARM' : 'OK'
      break
    case 'missing':
      next = present.length === 0 ? 'INSUFFICIENT_DATA' : breaching >= needed ? 'ALARM' : 'OK'
      break
  }
  if (next === alarm.state) return

  const now = model.clock.wallAt(at)
  alarm.state = next
  alarm.stateUpdatedAt = now
  alarm.stateTransitionedAt = now
  alarm.stateReason = reason(model, alarm, next, points, needed)
  alarm.stateReasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(now).toISOString(),
    startDate: model.dateAt(points[0]?.at ?? at).toISOString(),
    [metric.stat.kind === 'percentile' ? 'extendedStatistic' : 'statistic']: metric.statName,
    ...(metric.unit === undefined ? {} : { unit: metric.unit }),
    period: metric.period,
    recentDatapoints: present.map((point) => point.value),
    threshold: alarm.threshold,
    evaluatedDatapoints: [...points].reverse().map((point) => ({
      timestamp: model.dateAt(point.at).toISOString(),
      ...(point.value === undefined ? {} : { value: point.value })
    }))
  })
}

function breaches(alarm: Alarm, value: number): boolean {
  const t = alarm.threshold
  switch (alarm.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= t
    case 'GreaterThanThreshold':
      return value > t
    case 'LessThanThreshold':
      return value < t
    case 'LessThanOrEqualToThreshold':
      return value <= t
  }
}

const COMPARISON_TEXT: Record<Comparison, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to'
}

/** in CloudWatch's words, e.g. `Threshold Crossed: 1 datapoint [24.0 (25/11/26 10:01:00)] was greater than the threshold (5.0).` */
function reason(
  model: CloudWatchModel,
  alarm: Alarm,
  state: AlarmState,
  points: Point[],
  needed: number
): string {
  const present = points.filter((point) => point.value !== undefined).reverse()
  if (state === 'INSUFFICIENT_DATA') {
    return `Insufficient Data: ${points.length} datapoint${points.length === 1 ? ' was' : 's were'} unknown.`
  }
  const shown = (
    state === 'ALARM' ? present.filter((point) => breaches(alarm, point.value as number)) : present
  ).map((point) => `${number(point.value as number)} (${stamp(model.dateAt(point.at))})`)
  const absent = points.length - present.length
  const treated =
    absent > 0 &&
    (alarm.treatMissingData === 'breaching' || alarm.treatMissingData === 'notBreaching')
      ? ` ${absent} missing datapoint${absent === 1 ? ' was' : 's were'} treated as [${alarm.treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching'}].`
      : ''
  if (shown.length === 0) {
    return `Threshold Crossed: no datapoints were received for ${absent} period${absent === 1 ? '' : 's'} and${treated}`
  }
  const verb = `${state === 'OK' ? 'not ' : ''}${COMPARISON_TEXT[alarm.comparison]}`
  const threshold = number(alarm.threshold)
  if (points.length === 1) {
    return `Threshold Crossed: 1 datapoint [${shown.join(', ')}] was ${verb} the threshold (${threshold}).`
  }
  const transition = state === 'ALARM' ? 'OK -> ALARM' : 'ALARM -> OK'
  return `Threshold Crossed: ${shown.length} out of the last ${points.length} datapoints [${shown.join(', ')}] ${shown.length === 1 ? 'was' : 'were'} ${verb} the threshold (${threshold}) (minimum ${needed} datapoint${needed === 1 ? '' : 's'} for ${transition} transition).${treated}`
}

function number(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value)
}

/** dd/MM/yy HH:mm:ss in UTC, as CloudWatch writes it */
function stamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${two(date.getUTCFullYear() % 100)} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
}
