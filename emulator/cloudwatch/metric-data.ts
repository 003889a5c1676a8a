import type { CallContext } from '../core/contracts.js'
import {
  checkPeriod,
  type MetricIdentity,
  readDimensions,
  readMetric,
  readUnit
} from './metric-query.js'
import type { Datum } from './metric-store.js'
import type { CloudWatchModel } from './model.js'
import {
  invalidCombination,
  invalidValue,
  missing,
  numberList,
  object,
  objectList,
  optionalBool,
  optionalInt,
  optionalNumber,
  optionalString,
  optionalTimestamp,
  type Params,
  requiredString
} from './params.js'
import { series } from './read.js'
import { parseStat, type Stat } from './statistics.js'

const MAX_QUERIES = 500
const MAX_DATAPOINTS = 100_800
const MAX_DATA_PER_PUT = 1000
const MAX_VALUES_PER_DATUM = 150
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/
const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000
const TWO_HOURS_MS = 2 * 3600 * 1000

interface StatQuery {
  id: string
  label: string
  returnData: boolean
  metric: MetricIdentity
  stat: Stat
  periodMs: number
  unit?: string
}

/**
 * GetMetricData over MetricStat queries. Periods start at StartTime (no rounding to the minute)
 * and are simulated seconds, so that a 60-second period at timeScale 0.05 spans three seconds of
 * the caller's clock; timestamps come back as the caller's wall-clock instants. Periods with no
 * data are left out, as CloudWatch does. Metric math is out of the emulator's scope.
 */
export function getMetricDataOp(model: CloudWatchModel, params: Params, ctx: CallContext): object {
  const raw = objectList(params, 'MetricDataQueries')
  if (raw.length === 0) throw missing('MetricDataQueries')
  if (raw.length > MAX_QUERIES) {
    throw invalidValue(`A request can have at most ${MAX_QUERIES} MetricDataQueries.`)
  }
  const start = optionalTimestamp(params, 'StartTime')
  const end = optionalTimestamp(params, 'EndTime')
  if (start === undefined) throw missing('StartTime')
  if (end === undefined) throw missing('EndTime')
  if (start >= end) {
    throw invalidValue('The parameter StartTime must be less than the parameter EndTime.')
  }
  const scanBy = optionalString(params, 'ScanBy') ?? 'TimestampDescending'
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidValue(
      `The value ${scanBy} for parameter ScanBy must be TimestampDescending or TimestampAscending.`
    )
  }
  optionalInt(params, 'MaxDatapoints', { min: 1 })

  const queries = raw.map((query, index) => readStatQuery(query, index))
  const ids = new Set<string>()
  for (const { id } of queries) {
    if (ids.has(id)) throw invalidValue(`The value ${id} for parameter Id is used more than once.`)
    ids.add(id)
  }
  const fromSim = model.simAt(start)
  const toSim = model.simAt(end)
  let datapoints = 0
  for (const query of queries) datapoints += Math.ceil((toSim - fromSim) / query.periodMs)
  if (datapoints > MAX_DATAPOINTS) {
    throw invalidCombination(
      `The request asks for ${datapoints} datapoints, more than ${MAX_DATAPOINTS}: use a longer Period or a shorter window (periods are simulated seconds).`
    )
  }

  const results = queries
    .filter((query) => query.returnData)
    .map((query) => {
      const points = series(
        model.metrics,
        { region: ctx.region, ...query.metric },
        query.stat,
        query.periodMs,
        fromSim,
        toSim,
        query.unit
      )
      const timestamps = points.map((point) => model.dateAt(point.simAt))
      const values = points.map((point) => point.value)
      if (scanBy === 'TimestampDescending') {
        timestamps.reverse()
        values.reverse()
      }
      return {
        Id: query.id,
        Label: query.label,
        Timestamps: timestamps,
        Values: values,
        StatusCode: 'Complete',
        Messages: []
      }
    })
  return { MetricDataResults: results, Messages: [] }
}

function readStatQuery(query: Params, index: number): StatQuery {
  const at = `MetricDataQueries.member.${index + 1}`
  const id = requiredString(query, 'Id')
  if (!ID_PATTERN.test(id)) {
    throw invalidValue(
      `The value ${id} for parameter ${at}.Id is not valid: it must start with a lowercase letter and have only letters, digits and underscores.`
    )
  }
  if (optionalString(query, 'Expression') !== undefined) {
    throw invalidValue(
      `${at}: metric math expressions are not supported by the emulator; query each metric with MetricStat and compute in the caller.`
    )
  }
  const metricStat = object(query, 'MetricStat')
  if (!metricStat) throw missing(`${at}.MetricStat`)
  const metric = readMetric(object(metricStat, 'Metric'), `${at}.MetricStat`)
  const period = optionalInt(metricStat, 'Period', { min: 1 })
  if (period === undefined) throw missing(`${at}.MetricStat.Period`)
  checkPeriod(period, `${at}.MetricStat.Period`)
  const statName = requiredString(metricStat, 'Stat')
  const unit = readUnit(metricStat)
  const statQuery: StatQuery = {
    id,
    label: optionalString(query, 'Label') ?? metric.metricName,
    returnData: optionalBool(query, 'ReturnData') ?? true,
    metric,
    stat: parseStat(statName, `${at}.MetricStat.Stat`),
    periodMs: period * 1000
  }
  if (unit !== undefined) statQuery.unit = unit
  return statQuery
}

/** PutMetricData: checks every datum first, so that a refused call puts nothing. */
export function putMetricDataOp(model: CloudWatchModel, params: Params, ctx: CallContext): object {
  const namespace = requiredString(params, 'Namespace')
  if (/^AWS\//.test(namespace)) {
    throw invalidValue(
      `The value ${namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services (the emulator's load balancers fill AWS/ApplicationELB from the traffic they serve, its services AWS/ECS).`
    )
  }
  const data = objectList(params, 'MetricData')
  if (data.length === 0) throw missing('MetricData')
  if (data.length > MAX_DATA_PER_PUT) {
    throw invalidValue(`A request can have at most ${MAX_DATA_PER_PUT} MetricData.`)
  }
  const now = model.clock.wallNow()
  const puts = data.flatMap((datum, index) => {
    const at = `MetricData.member.${index + 1}`
    const metricName = requiredString(datum, 'MetricName')
    const dimensions = readDimensions(datum, 'Dimensions')
    const wall = optionalTimestamp(datum, 'Timestamp') ?? now
    if (wall < now - TWO_WEEKS_MS || wall > now + TWO_HOURS_MS) {
      throw invalidValue(
        `The parameter ${at}.Timestamp must be less than two weeks in the past and less than two hours in the future.`
      )
    }
    const simAt = model.simAt(wall)
    const unit = readUnit(datum) ?? 'None'
    const name = { region: ctx.region, namespace, metricName, dimensions }
    return readValues(datum, at).map((value) => ({ name, datum: { ...value, simAt, unit } }))
  })
  for (const { name, datum } of puts) model.metrics.put(name, datum)
  return {}
}

function readValues(datum: Params, at: string): Omit<Datum, 'simAt' | 'unit'>[] {
  const value = optionalNumber(datum, 'Value')
  const set = object(datum, 'StatisticValues')
  const values = numberList(datum, 'Values')
  const counts = numberList(datum, 'Counts')
  const given = [value !== undefined, set !== undefined, values.length > 0].filter(Boolean).length
  if (given > 1) {
    throw invalidCombination(
      `The parameters ${at}.Value, ${at}.StatisticValues and ${at}.Values are mutually exclusive.`
    )
  }
  if (given === 0) throw missing(`${at}.Value`)
  if (value !== undefined) return [{ value, count: 1, sum: value, min: value, max: value }]
  if (set) {
    const read = (key: string): number => {
      const n = optionalNumber(set, key)
      if (n === undefined) throw missing(`${at}.StatisticValues.${key}`)
      return n
    }
    const count = read('SampleCount')
    if (count <= 0)
      throw invalidValue(`The parameter ${at}.StatisticValues.SampleCount must be above 0.`)
    return [{ count, sum: read('Sum'), min: read('Minimum'), max: read('Maximum') }]
  }
  if (values.length > MAX_VALUES_PER_DATUM) {
    throw invalidValue(
      `The parameter ${at}.Values can have at most ${MAX_VALUES_PER_DATUM} values.`
    )
  }
  if (counts.length > 0 && counts.length !== values.length) {
    throw invalidCombination(
      `The parameters ${at}.Values and ${at}.Counts must be of the same length.`
    )
  }
  return values.map((v, i) => {
    const count = counts[i] ?? 1
    return { value: v, count, sum: v * count, min: v, max: v }
  })
}
