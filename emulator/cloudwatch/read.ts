import type { MetricName, MetricStore } from './metric-store.js'
import { parseStat, type Stat, statValue } from './statistics.js'

/**
 * Reads of the metric store for the emulator's other backends (Application Auto Scaling's target
 * tracking reads the AWS/ECS and AWS/ApplicationELB metrics this way) and for GetMetricData, so
 * that a policy and a caller see the same figures. Times are simulated milliseconds; a window is
 * [from, to). A statistic is one of CloudWatch's: `Average`, `Sum`, `SampleCount`, `Minimum`,
 * `Maximum` or a percentile such as `p99` (a bad name throws the AwsError GetMetricData would).
 */

export interface Datapoint {
  /** simulated start of the period */
  simAt: number
  value: number
}

/**
 * The statistic over the whole window, or undefined when the metric has no datapoint in it (as
 * CloudWatch leaves out a period without data). `unit` picks one unit's datapoints; all by default.
 */
export function statistic(
  store: MetricStore,
  name: MetricName,
  stat: Stat | string,
  fromSim: number,
  toSim: number,
  unit?: string
): number | undefined {
  // the name is checked even when there is nothing to compute it over, as CloudWatch does
  const parsed = asStat(stat)
  const aggregate = store.aggregate(name, unit, fromSim, toSim)
  return aggregate && statValue(aggregate, parsed)
}

/**
 * The statistic per period from `fromSim`, oldest first, periods without data left out; the last
 * period ends at `toSim` (and may be shorter), as GetMetricData computes them.
 */
export function series(
  store: MetricStore,
  name: MetricName,
  stat: Stat | string,
  periodMs: number,
  fromSim: number,
  toSim: number,
  unit?: string
): Datapoint[] {
  if (!(periodMs > 0)) throw new Error(`series() needs a period above 0 ms, got ${periodMs}`)
  const parsed = asStat(stat)
  const points: Datapoint[] = []
  for (let at = fromSim; at < toSim; at += periodMs) {
    const value = statistic(store, name, parsed, at, Math.min(at + periodMs, toSim), unit)
    if (value !== undefined) points.push({ simAt: at, value })
  }
  return points
}

function asStat(stat: Stat | string): Stat {
  return typeof stat === 'string' ? parseStat(stat, 'Stat') : stat
}
