import type { SideFigures } from '../ports.js'
import type { WindowJudgement } from './evidence.js'
import type { MetricThresholds } from './settings.js'

export interface WindowVerdict {
  judgement: WindowJudgement
  /** each limit the window broke, or why it could not be judged */
  reasons: string[]
}

/**
 * Judges one window of the new side's figures against the absolute limits and against the live
 * side over the same window. Pure. A window with fewer than min-requests requests to the new side
 * has no verdict: a handful of requests says nothing either way. Comparisons with the live side
 * need min-requests there too (at 100% the live side serves nothing), else they are left out.
 */
export function judgeWindow(
  idle: SideFigures,
  live: SideFigures,
  limits: MetricThresholds
): WindowVerdict {
  if (idle.requests < limits.minRequests) {
    return {
      judgement: 'not enough traffic',
      reasons: [`${idle.requests} requests, fewer than min-requests ${limits.minRequests}`]
    }
  }
  const reasons: string[] = []
  const rate = errorRate(idle)
  const liveCounts = live.requests >= limits.minRequests
  if (limits.maxErrorRate !== undefined && rate > limits.maxErrorRate) {
    reasons.push(
      `5xx ${percent(rate)} (${idle.errors5xx} of ${idle.requests} requests) is above max-error-rate ${percent(limits.maxErrorRate)}`
    )
  }
  if (limits.maxErrorRateIncrease !== undefined && liveCounts) {
    const liveRate = errorRate(live)
    if (rate > liveRate + limits.maxErrorRateIncrease) {
      reasons.push(
        `5xx ${percent(rate)} is ${points(rate - liveRate)} above the live side's ${percent(liveRate)} ` +
          `(max-error-rate-increase ${points(limits.maxErrorRateIncrease)})`
      )
    }
  }
  for (const [name, mine, theirs, max] of [
    ['p95', idle.p95Ms, live.p95Ms, limits.maxP95Ms],
    ['p99', idle.p99Ms, live.p99Ms, limits.maxP99Ms]
  ] as const) {
    if (mine === undefined) continue
    if (max !== undefined && mine > max) {
      reasons.push(`${name} latency ${ms(mine)} is above max-${name}-latency ${ms(max)}`)
    }
    const increase = limits.maxLatencyIncrease
    if (increase !== undefined && liveCounts && theirs !== undefined && theirs > 0) {
      if (mine > theirs * (1 + increase / 100)) {
        reasons.push(
          `${name} latency ${ms(mine)} is ${Math.round((mine / theirs - 1) * 100)}% above the live ` +
            `side's ${ms(theirs)} (max-latency-increase ${increase}%)`
        )
      }
    }
  }
  return reasons.length > 0 ? { judgement: 'bad', reasons } : { judgement: 'good', reasons: [] }
}

/** The 5xx share in percent; 0 with no requests. */
export function errorRate(figures: SideFigures): number {
  return figures.requests === 0 ? 0 : (figures.errors5xx / figures.requests) * 100
}

/** "0.5%", "20%", "12.35%" */
export function percent(value: number): string {
  return `${Number(value.toFixed(2))}%`
}

function points(value: number): string {
  const rounded = Number(value.toFixed(2))
  return `${rounded} ${rounded === 1 ? 'point' : 'points'}`
}

export function ms(value: number): string {
  return `${Math.round(value)}ms`
}
