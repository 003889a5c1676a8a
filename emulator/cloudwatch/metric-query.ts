import type { Dimension } from './metric-store.js'
import {
  invalidValue,
  missing,
  objectList,
  optionalString,
  type Params,
  requiredString
} from './params.js'

export const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None'
]
const MAX_DIMENSIONS = 30

/** A metric's identity as the API writes it: `{ Namespace, MetricName, Dimensions }`. */
export interface MetricIdentity {
  namespace: string
  metricName: string
  dimensions: Dimension[]
}

export function readMetric(metric: Params | undefined, at: string): MetricIdentity {
  if (!metric) throw missing(`${at}.Metric`)
  return {
    namespace: requiredString(metric, 'Namespace'),
    metricName: requiredString(metric, 'MetricName'),
    dimensions: readDimensions(metric, 'Dimensions')
  }
}

export function readDimensions(params: Params, key: string): Dimension[] {
  const dimensions = objectList(params, key).map((dimension) => ({
    Name: requiredString(dimension, 'Name'),
    Value: requiredString(dimension, 'Value')
  }))
  for (const { Name, Value } of dimensions) {
    // Dimension: Name 1-255, Value 1-1024 characters (API reference)
    if (Name.length > 255) {
      throw invalidValue(
        `The dimension name ${Name.slice(0, 40)}... must be at most 255 characters.`
      )
    }
    if (Value.length > 1024) {
      throw invalidValue(`The value of dimension ${Name} must be at most 1024 characters.`)
    }
  }
  if (dimensions.length > MAX_DIMENSIONS) {
    throw invalidValue(`A metric can have at most ${MAX_DIMENSIONS} dimensions.`)
  }
  const names = new Set(dimensions.map((dimension) => dimension.Name))
  if (names.size < dimensions.length) {
    throw invalidValue(`The dimensions of a metric must have different names.`)
  }
  return dimensions
}

export function readUnit(params: Params, key = 'Unit'): string | undefined {
  const unit = optionalString(params, key)
  if (unit !== undefined && !UNITS.includes(unit)) {
    throw invalidValue(`The value ${unit} for parameter ${key} is not a valid unit.`)
  }
  return unit
}

/**
 * A period in seconds as GetMetricData takes it: 1, 5, 10, 20, 30, 60 or a multiple of 60.
 * Alarms take 10, 20, 30 or a multiple of 60. Periods are simulated seconds, like every other
 * duration of the emulator.
 */
export function checkPeriod(period: number, parameter: string, forAlarm = false): number {
  const short = forAlarm ? [10, 20, 30] : [1, 5, 10, 20, 30]
  if (
    !Number.isInteger(period) ||
    (!short.includes(period) && (period < 60 || period % 60 !== 0))
  ) {
    throw invalidValue(
      `The value ${period} for parameter ${parameter} is not valid: use ${short.join(', ')} or a multiple of 60.`
    )
  }
  return period
}

export function renderDimensions(dimensions: Dimension[]): Dimension[] {
  return dimensions.map(({ Name, Value }) => ({ Name, Value }))
}
