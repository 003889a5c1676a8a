import type { Aggregate } from './metric-store.js'
import { invalidValue } from './params.js'

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const
export type Statistic = (typeof STATISTICS)[number]

/** A statistic CloudWatch computes over the datapoints of a period. */
export type Stat = { kind: Statistic } | { kind: 'percentile'; percent: number }

/**
 * Reads a statistic name: the five basic statistics or a percentile `p0`..`p100` (`p99.9`).
 * CloudWatch's other extended statistics (trimmed means, ranks) are refused by name, so that a
 * test learns at once that the emulator does not compute them.
 */
export function parseStat(name: string, parameter: string): Stat {
  if ((STATISTICS as readonly string[]).includes(name)) return { kind: name as Statistic }
  const percentile = /^p(\d{1,3}(?:\.\d{1,10})?)$/.exec(name)
  if (percentile) {
    const percent = Number(percentile[1])
    if (percent <= 100) return { kind: 'percentile', percent }
  }
  if (/^(tm|wm|tc|ts|PR|TM|WM|TC|TS|IQM)/.test(name)) {
    throw invalidValue(
      `The statistic ${name} for parameter ${parameter} is not supported by the emulator; use ${STATISTICS.join(', ')} or a percentile such as p99.`
    )
  }
  throw invalidValue(
    `The value ${name} for parameter ${parameter} is not a valid statistic: use ${STATISTICS.join(', ')} or a percentile such as p99.`
  )
}

/** The statistic over an aggregate, or undefined when it has none (a percentile of statistic sets). */
export function statValue(aggregate: Aggregate, stat: Stat): number | undefined {
  switch (stat.kind) {
    case 'SampleCount':
      return aggregate.count
    case 'Sum':
      return aggregate.sum
    case 'Average':
      return aggregate.count === 0 ? undefined : aggregate.sum / aggregate.count
    case 'Minimum':
      return aggregate.min
    case 'Maximum':
      return aggregate.max
    case 'percentile':
      return percentile(aggregate.dist, stat.percent)
  }
}

/** nearest rank: the smallest value that at least `percent` % of the values are at or below */
function percentile(dist: Map<number, number>, percent: number): number | undefined {
  let total = 0
  for (const count of dist.values()) total += count
  if (total === 0) return undefined
  const rank = Math.max(1, Math.ceil((percent / 100) * total))
  let seen = 0
  for (const value of [...dist.keys()].sort((a, b) => a - b)) {
    seen += dist.get(value) ?? 0
    if (seen >= rank) return value
  }
  return undefined
}
