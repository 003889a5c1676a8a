/**
 * API economy under AWS's request rate limits: many rollouts at once against an emulator that
 * throttles each account and region with AWS's documented token buckets (ELBv2: one bucket of 40
 * refilled at 10/s that every call draws from, changes 20 at 3/s; ECS: service reads 100 at 20/s,
 * service changes 50 at 5/s, ...; see emulator/control/aws-rate-limits.ts). Every rollout must
 * still complete, which takes the SDK's adaptive retry and the poller's backoff; the report shows
 * how often the action was throttled and on which operations, its peak call rate, and how long
 * the rollouts took.
 */
import type { CallRecord } from '../../emulator/control/call-log.js'
import type { RateLimit } from '../../emulator/control/rate-limits.js'
import { control } from '../../__tests__/helpers/emulator.js'
import { pool } from './pool.js'
import { formatReport, rolloutCounts, type SuiteReport } from './report.js'
import { formatAnswered, formatThrottled, median } from './throttling.js'
import { judge, planRollout, runRollout, type ReleaseKind } from './rollout.js'
import { suiteViolations } from './violations.js'

export interface RateLimitSuiteOptions {
  url: string
  rollouts: number
  seed: number
  /** the limits (default: AWS-like) */
  limits?: true | RateLimit[]
  /** what each release does (default: all good, so every rollout must end promoted) */
  kinds?: ReleaseKind[]
  /**
   * inputs changed for every rollout (default: a rollout as teams run one, 3 steps of 30s bakes at
   * the default 5s poll-interval, so that what is measured is what AWS's limits allow a day of
   * deploys, not how fast 1s bakes can be)
   */
  extra?: Record<string, string>
  /** first run one rollout alone under the same limits, to compare the slowest with (default true) */
  lone?: boolean
  log?: (line: string) => void
}

/** The most calls in any one second, over all the rollouts. */
export function peakPerSecond(calls: CallRecord[]): number {
  const perSecond = new Map<number, number>()
  for (const call of calls) {
    const second = Math.floor(Date.parse(call.at) / 1000)
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1)
  }
  return Math.max(0, ...perSecond.values())
}

/** The suite's rollout unless told otherwise: 3 steps, 30s bakes, the default poll-interval. */
export const REALISTIC: Record<string, string> = {
  'poll-interval': '5s',
  'step-wait': '30s',
  timeout: '30m'
}

export async function runRateLimitSuite(options: RateLimitSuiteOptions): Promise<SuiteReport> {
  const { url, rollouts, seed } = options
  const log = options.log ?? (() => {})
  const started = Date.now()
  const name = `r${seed}x`
  const kinds = options.kinds ?? Array.from({ length: rollouts }, (): ReleaseKind => 'good')
  log(`rate-limits: building ${rollouts} pairs`)
  // the pairs are built before the limits are on: setting up 20 pairs is not what is measured
  const planned = await pool(kinds, 4, (kind, index) => planRollout(url, name, index, kind))
  await control(url, 'PUT', 'config', { rateLimits: options.limits ?? true })
  const extra = options.extra ?? REALISTIC
  let loneMs: number | undefined
  let runs
  try {
    if (options.lone ?? true) {
      const alone = await planRollout(url, `${name}lone`, 0, 'good')
      const run = await runRollout(url, `${name}lone`, alone, extra)
      loneMs = run.wallMs
      log(`rate-limits: one rollout alone: ${run.result} in ${(run.wallMs / 1000).toFixed(1)} s`)
    }
    log(`rate-limits: ${rollouts} rollouts at once`)
    runs = await pool(planned, rollouts, async (rollout) => {
      const run = await runRollout(url, name, rollout, extra)
      log(`  rollout ${rollout.index}: ${run.result} in ${(run.wallMs / 1000).toFixed(1)} s`)
      return run
    })
  } finally {
    await control(url, 'PUT', 'config', { rateLimits: false })
  }
  const problems = (await pool(runs, 4, (run) => judge(url, run))).flat()
  const calls = runs.flatMap((run) => run.calls)
  const counts = rolloutCounts(runs, problems)
  counts['throttled calls'] = calls.filter((c) => c.fault === 'rate-limit').length
  counts['peak calls/s'] = peakPerSecond(calls)
  counts['peak calls/s of one rollout'] = Math.max(0, ...runs.map((r) => peakPerSecond(r.calls)))
  const wallMs = runs.map((r) => r.wallMs)
  counts['median rollout s'] = Math.round(median(wallMs) / 1000)
  counts['slowest rollout s'] = Math.round(Math.max(0, ...wallMs) / 1000)
  if (loneMs !== undefined) {
    counts['lone rollout s'] = Math.round(loneMs / 1000)
    counts['slowest vs lone %'] = Math.round((Math.max(0, ...wallMs) / loneMs) * 100)
  }
  const violations = await suiteViolations(url, name)
  counts.violations = violations.length
  const report = {
    suite: 'rate-limits',
    counts,
    problems,
    violations,
    wallMs: Date.now() - started,
    details: [formatThrottled(calls), formatAnswered(calls, runs.length)]
  }
  log(formatReport(report))
  return report
}
