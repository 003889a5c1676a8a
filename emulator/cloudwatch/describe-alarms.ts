import type { CallContext } from '../core/contracts.js'
import { renderDimensions } from './metric-query.js'
import type { CloudWatchModel } from './model.js'
import {
  invalidCombination,
  invalidNextToken,
  invalidValue,
  optionalInt,
  optionalString,
  type Params,
  stringList
} from './params.js'
import { type Alarm, ALARM_STATES } from './state.js'
import { STATISTICS } from './statistics.js'

const MAX_RECORDS = 100

/**
 * DescribeAlarms: metric alarms of the caller's region by name, prefix, state or action prefix,
 * in name order, a page at a time (NextToken is the offset). The emulator has no composite alarms.
 */
export function describeAlarmsOp(model: CloudWatchModel, params: Params, ctx: CallContext): object {
  const names = stringList(params, 'AlarmNames')
  const prefix = optionalString(params, 'AlarmNamePrefix')
  if (names.length > 0 && prefix !== undefined) {
    throw invalidCombination('AlarmNames and AlarmNamePrefix cannot both be given.')
  }
  if (names.length > MAX_RECORDS)
    throw invalidValue(`At most ${MAX_RECORDS} AlarmNames can be given.`)
  const state = optionalString(params, 'StateValue')
  if (state !== undefined && !(ALARM_STATES as readonly string[]).includes(state)) {
    throw invalidValue(
      `The value ${state} for parameter StateValue must be one of ${ALARM_STATES.join(', ')}.`
    )
  }
  const actionPrefix = optionalString(params, 'ActionPrefix')
  const types = stringList(params, 'AlarmTypes')
  const maxRecords = optionalInt(params, 'MaxRecords', { min: 1, max: MAX_RECORDS }) ?? 50
  const offset = readNextToken(params)

  const found = [...model.alarms.values()]
    .filter(
      (alarm) =>
        alarm.region === ctx.region &&
        (names.length === 0 || names.includes(alarm.name)) &&
        (prefix === undefined || alarm.name.startsWith(prefix)) &&
        (state === undefined || alarm.state === state) &&
        (actionPrefix === undefined ||
          [...alarm.alarmActions, ...alarm.okActions, ...alarm.insufficientDataActions].some((a) =>
            a.startsWith(actionPrefix)
          ))
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  // without AlarmTypes CloudWatch lists metric alarms only; the emulator has no composite alarms
  const metricAlarms = types.length === 0 || types.includes('MetricAlarm') ? found : []
  const page = metricAlarms.slice(offset, offset + maxRecords)
  const result: Record<string, unknown> = {
    MetricAlarms: page.map(renderAlarm),
    CompositeAlarms: []
  }
  if (offset + maxRecords < metricAlarms.length) result.NextToken = String(offset + maxRecords)
  return result
}

function readNextToken(params: Params): number {
  const token = optionalString(params, 'NextToken')
  if (token === undefined) return 0
  if (!/^[0-9]+$/.test(token)) throw invalidNextToken()
  return Number(token)
}

function renderAlarm(alarm: Alarm): object {
  const { metric } = alarm
  const single = alarm.queries === undefined
  const basic = (STATISTICS as readonly string[]).includes(metric.statName)
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: alarm.description,
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configurationUpdatedAt),
    ActionsEnabled: alarm.actionsEnabled,
    OKActions: alarm.okActions,
    AlarmActions: alarm.alarmActions,
    InsufficientDataActions: alarm.insufficientDataActions,
    StateValue: alarm.state,
    StateReason: alarm.stateReason,
    StateReasonData: alarm.stateReasonData,
    StateUpdatedTimestamp: new Date(alarm.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(alarm.stateTransitionedAt),
    MetricName: single ? metric.metricName : undefined,
    Namespace: single ? metric.namespace : undefined,
    Statistic: single && basic ? metric.statName : undefined,
    ExtendedStatistic: single && !basic ? metric.statName : undefined,
    Dimensions: single ? renderDimensions(metric.dimensions) : [],
    Period: single ? metric.period : undefined,
    Unit: single ? metric.unit : undefined,
    Metrics: alarm.queries,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.comparison,
    TreatMissingData: alarm.treatMissingData,
    EvaluateLowSampleCountPercentile: alarm.evaluateLowSampleCountPercentile
  }
}
