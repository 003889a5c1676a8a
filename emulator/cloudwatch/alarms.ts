import type { CallContext } from '../core/contracts.js'
import { checkPeriod, readMetric, readUnit } from './metric-query.js'
import type { CloudWatchModel } from './model.js'
import {
  invalidCombination,
  invalidFormat,
  invalidValue,
  limitExceeded,
  missing,
  notFound,
  object,
  objectList,
  optionalBool,
  optionalInt,
  optionalNumber,
  optionalString,
  type Params,
  requiredString,
  stringList
} from './params.js'
import { checkAlarmTags, readAlarmDescription, readAlarmName } from './alarm-fields.js'
import { compositesReading } from './composite-alarms.js'
import { evaluationInterval } from './evaluate.js'
import {
  type Alarm,
  ALARM_STATES,
  type AlarmState,
  COMPARISONS,
  type Comparison,
  MISSING_DATA,
  type MissingData,
  type WatchedMetric
} from './state.js'
import { parseStat, STATISTICS } from './statistics.js'

const MAX_ALARMS_PER_REGION = 5000
const ONE_DAY_SECONDS = 86400

export function alarmKey(region: string, name: string): string {
  return `${region}/${name}`
}

/**
 * PutMetricAlarm on one metric, given either as MetricName/Namespace/Statistic or as `Metrics`
 * holding one MetricStat query. A repeat with the same name replaces the configuration and keeps
 * the state, as CloudWatch does; a new alarm starts INSUFFICIENT_DATA. Either is evaluated one
 * evaluation interval later, so that what a caller put can be read back first.
 */
export function putMetricAlarmOp(model: CloudWatchModel, params: Params, ctx: CallContext): object {
  const name = readAlarmName(params)
  const description = readAlarmDescription(params)
  checkAlarmTags(params)
  const evaluationPeriods = optionalInt(params, 'EvaluationPeriods', { min: 1 })
  if (evaluationPeriods === undefined) throw missing('EvaluationPeriods')
  const datapointsToAlarm = optionalInt(params, 'DatapointsToAlarm', { min: 1 })
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw invalidValue('DatapointsToAlarm must be at most EvaluationPeriods.')
  }
  const comparison = readComparison(params)
  if (optionalString(params, 'ThresholdMetricId') !== undefined) {
    throw invalidValue(
      'Anomaly detection alarms (ThresholdMetricId) are not supported by the emulator.'
    )
  }
  const threshold = optionalNumber(params, 'Threshold')
  if (threshold === undefined) throw missing('Threshold')
  const treatMissingData = (optionalString(params, 'TreatMissingData') ?? 'missing') as MissingData
  if (!MISSING_DATA.includes(treatMissingData)) {
    throw invalidValue(`TreatMissingData must be one of ${MISSING_DATA.join(', ')}.`)
  }
  const { metric, queries } = readWatchedMetric(params)
  if (metric.period * evaluationPeriods > ONE_DAY_SECONDS) {
    throw invalidValue(
      'The product of Period and EvaluationPeriods must be at most one day (86400 seconds).'
    )
  }

  const key = alarmKey(ctx.region, name)
  if (model.composites.has(key)) {
    throw invalidValue(`An alarm named ${name} already exists and is a composite alarm.`)
  }
  const existing = model.alarms.get(key)
  if (
    !existing &&
    [...model.alarms.values()].filter((a) => a.region === ctx.region).length >=
      MAX_ALARMS_PER_REGION
  ) {
    throw limitExceeded(`The maximum number of alarms (${MAX_ALARMS_PER_REGION}) has been reached.`)
  }
  const now = model.clock.wallNow()
  const alarm: Alarm = {
    name,
    arn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`,
    region: ctx.region,
    actionsEnabled: optionalBool(params, 'ActionsEnabled') ?? true,
    okActions: stringList(params, 'OKActions'),
    alarmActions: stringList(params, 'AlarmActions'),
    insufficientDataActions: stringList(params, 'InsufficientDataActions'),
    metric,
    evaluationPeriods,
    threshold,
    comparison,
    treatMissingData,
    state: existing?.state ?? 'INSUFFICIENT_DATA',
    stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
    stateUpdatedAt: existing?.stateUpdatedAt ?? now,
    stateTransitionedAt: existing?.stateTransitionedAt ?? now,
    configurationUpdatedAt: now,
    nextEvaluationSim: 0
  }
  alarm.nextEvaluationSim = model.clock.simNow() + evaluationInterval(alarm) * 1000
  if (description !== undefined) alarm.description = description
  if (queries) alarm.queries = queries
  if (datapointsToAlarm !== undefined) alarm.datapointsToAlarm = datapointsToAlarm
  if (existing?.stateReasonData !== undefined) alarm.stateReasonData = existing.stateReasonData
  const lowSample = optionalString(params, 'EvaluateLowSampleCountPercentile')
  if (lowSample !== undefined) alarm.evaluateLowSampleCountPercentile = lowSample
  model.alarms.set(key, alarm)
  return {}
}

function readComparison(params: Params): Comparison {
  const comparison = optionalString(params, 'ComparisonOperator')
  if (comparison === undefined) throw missing('ComparisonOperator')
  if (!(COMPARISONS as readonly string[]).includes(comparison)) {
    throw invalidValue(
      `The value ${comparison} for parameter ComparisonOperator is not supported by the emulator: use ${COMPARISONS.join(', ')}.`
    )
  }
  return comparison as Comparison
}

function readWatchedMetric(params: Params): { metric: WatchedMetric; queries?: unknown[] } {
  const queries = objectList(params, 'Metrics')
  if (queries.length === 0) {
    const statistic = optionalString(params, 'Statistic')
    const extended = optionalString(params, 'ExtendedStatistic')
    if (statistic !== undefined && extended !== undefined) {
      throw invalidCombination('Statistic and ExtendedStatistic cannot both be given.')
    }
    const statName = statistic ?? extended
    if (statName === undefined) throw missing('Statistic')
    if (statistic !== undefined && !(STATISTICS as readonly string[]).includes(statistic)) {
      throw invalidValue(
        `The value ${statistic} for parameter Statistic must be one of ${STATISTICS.join(', ')}.`
      )
    }
    const stat = parseStat(statName, statistic !== undefined ? 'Statistic' : 'ExtendedStatistic')
    const period = optionalInt(params, 'Period', { min: 1 })
    if (period === undefined) throw missing('Period')
    const metric: WatchedMetric = {
      ...readMetric(params, 'the alarm'),
      statName,
      stat,
      period: checkPeriod(period, 'Period', true)
    }
    const unit = readUnit(params)
    if (unit !== undefined) metric.unit = unit
    return { metric }
  }

  for (const key of ['MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Period']) {
    if (params[key] !== undefined) {
      throw invalidCombination(`${key} cannot be given together with Metrics.`)
    }
  }
  if (queries.some((query) => optionalString(query, 'Expression') !== undefined)) {
    throw invalidValue(
      'Alarms on metric math expressions are not supported by the emulator: give one MetricStat.'
    )
  }
  const returned = queries.filter((query) => optionalBool(query, 'ReturnData') ?? true)
  const query = returned[0]
  if (queries.length !== 1 || !query) {
    throw invalidValue('The emulator supports alarms on exactly one MetricStat query in Metrics.')
  }
  const metricStat = object(query, 'MetricStat')
  if (!metricStat) throw missing('Metrics.member.1.MetricStat')
  const period = optionalInt(metricStat, 'Period', { min: 1 })
  if (period === undefined) throw missing('Metrics.member.1.MetricStat.Period')
  const statName = requiredString(metricStat, 'Stat')
  const metric: WatchedMetric = {
    ...readMetric(object(metricStat, 'Metric'), 'Metrics.member.1.MetricStat'),
    statName,
    stat: parseStat(statName, 'Metrics.member.1.MetricStat.Stat'),
    period: checkPeriod(period, 'Metrics.member.1.MetricStat.Period', true)
  }
  const unit = readUnit(metricStat)
  if (unit !== undefined) metric.unit = unit
  return { metric, queries: structuredClone(queries) }
}

export function deleteAlarmsOp(model: CloudWatchModel, params: Params, ctx: CallContext): object {
  const names = stringList(params, 'AlarmNames')
  if (names.length === 0) throw missing('AlarmNames')
  const exists = (name: string): boolean =>
    model.alarms.has(alarmKey(ctx.region, name)) || model.composites.has(alarmKey(ctx.region, name))
  const missingNames = names.filter((name) => !exists(name))
  if (missingNames.length > 0) {
    throw notFound(`The following alarms were not found: ${missingNames.join(', ')}`)
  }
  // an alarm that a composite alarm's rule still reads cannot go, unless that composite goes too
  for (const name of names) {
    const readers = compositesReading(model, ctx.region, name).filter((c) => !names.includes(c))
    if (readers.length > 0) {
      throw invalidValue(
        `The alarm ${name} cannot be deleted: the rules of composite alarms ${readers.join(', ')} depend on it.`
      )
    }
  }
  for (const name of names) {
    model.alarms.delete(alarmKey(ctx.region, name))
    model.composites.delete(alarmKey(ctx.region, name))
  }
  return {}
}

/**
 * SetAlarmState holds the given state until the alarm's next evaluation, one evaluation interval
 * later (a minute, simulated), as CloudWatch's own evaluation would then put it back.
 */
export function setAlarmStateOp(model: CloudWatchModel, params: Params, ctx: CallContext): object {
  const name = requiredString(params, 'AlarmName')
  const state = requiredString(params, 'StateValue') as AlarmState
  if (!ALARM_STATES.includes(state)) {
    throw invalidValue(
      `The value ${state} for parameter StateValue must be one of ${ALARM_STATES.join(', ')}.`
    )
  }
  const reason = requiredString(params, 'StateReason')
  const reasonData = optionalString(params, 'StateReasonData')
  if (reasonData !== undefined) {
    try {
      JSON.parse(reasonData)
    } catch {
      throw invalidFormat('The parameter StateReasonData is not syntactically valid JSON.')
    }
  }
  const composite = model.composites.get(alarmKey(ctx.region, name))
  if (composite) {
    // held until the next change of an alarm the rule reads
    const now = model.clock.wallNow()
    if (composite.state !== state) composite.stateTransitionedAt = now
    composite.state = state
    composite.stateReason = reason
    composite.stateUpdatedAt = now
    return {}
  }
  const alarm = model.alarms.get(alarmKey(ctx.region, name))
  if (!alarm) throw notFound(`Alarm ${name} not found`)
  const now = model.clock.wallNow()
  if (alarm.state !== state) alarm.stateTransitionedAt = now
  alarm.state = state
  alarm.stateReason = reason
  if (reasonData === undefined) delete alarm.stateReasonData
  else alarm.stateReasonData = reasonData
  alarm.stateUpdatedAt = now
  alarm.nextEvaluationSim = model.clock.simNow() + evaluationInterval(alarm) * 1000
  return {}
}
