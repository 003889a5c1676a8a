import type { CallContext } from '../core/contracts.js'
import { renderDimensions } from './metric-query.js'
import { type CompositeAlarm, renderComposite } from './composite-alarms.js'
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
const ALARM_TYPES = ['CompositeAlarm', 'MetricAlarm']

/**
 * DescribeAlarms: metric alarms of the caller's region by name, prefix, state or action prefix,
 * in name order, a page at a time (NextToken is the offset). Composite alarms only when
 * AlarmTypes asks for them, as CloudWatch lists metric alarms alone by default.
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
  for (const type of types) {
    if (!ALARM_TYPES.includes(type)) {
      throw invalidValue(
        `The value ${type} for parameter AlarmTypes is not valid: use ${ALARM_TYPES.join(' or ')}.`
      )
    }
  }
  const maxRecords = optionalInt(params, 'MaxRecords', { min: 1, max: MAX_RECORDS }) ?? 50
  const offset = readNextToken(params)

  const matches = (alarm: Pick<Alarm, 'name' | 'region' | 'state'> & Actions): boolean =>
    alarm.region === ctx.region &&
    (names.length === 0 || names.includes(alarm.name)) &&
    (prefix === undefined || alarm.name.startsWith(prefix)) &&
    (state === undefined || alarm.state === state) &&
    (actionPrefix === undefined ||
      [...alarm.alarmActions, ...alarm.okActions, ...alarm.insufficientDataActions].some((a) =>
        a.startsWith(actionPrefix)
      ))
  const metric = types.length === 0 || types.includes('MetricAlarm')
  const composite = types.includes('CompositeAlarm')
  // one list in name order, so that a page holds up to MaxRecords alarms of either kind
  const found = [
    ...(metric ? [...model.alarms.values()].filter(matches).map(metricEntry) : []),
    ...(composite ? [...model.composites.values()].filter(matches).map(compositeEntry) : [])
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const page = found.slice(offset, offset + maxRecords)
  const result: Record<string, unknown> = {
    MetricAlarms: page.filter((e) => e.kind === 'metric').map((e) => e.render()),
    CompositeAlarms: page.filter((e) => e.kind === 'composite').map((e) => e.render())
  }
  if (offset + maxRecords < found.length) result.NextToken = String(offset + maxRecords)
  return result
}

interface Actions {
  alarmActions: string[]
  okActions: string[]
  insufficientDataActions: string[]
}

interface Entry {
  name: string
  kind: 'metric' | 'composite'
  render: () => object
}

const metricEntry = (alarm: Alarm): Entry => ({
  name: alarm.name,
  kind: 'metric',
  render: () => renderAlarm(alarm)
})
const compositeEntry = (alarm: CompositeAlarm): Entry => ({
  name: alarm.name,
  kind: 'composite',
  render: () => renderComposite(alarm)
})

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
