import type { RolloutRun } from './rollout.js'
import { formatViolations, type Violation } from './violations.js'

/**
 * What a suite found: counts to print, every problem with how the rollouts ended, and every
 * safety violation the emulator saw at some instant on the way (the suite passed when both are
 * empty).
 */
export interface SuiteReport {
  suite: string
  /** e.g. rollouts, promoted, reverted, unknown, unsafe, faults injected, violations */
  counts: Record<string, number>
  problems: string[]
  /** what GET /_emulator/violations recorded for the suite's own calls */
  violations: Violation[]
  wallMs: number
  /** lines printed under the counts, e.g. which operations were throttled how often */
  details?: string[]
}

/** Whether the suite failed: a problem with how a rollout ended, or a violation on the way. */
export function suiteFailed(report: SuiteReport): boolean {
  return report.problems.length > 0 || report.violations.length > 0
}

/** The counts every rollout suite reports. */
export function rolloutCounts(runs: RolloutRun[], problems: string[]): Record<string, number> {
  const count = (test: (run: RolloutRun) => boolean) => runs.filter(test).length
  return {
    rollouts: runs.length,
    good: count((r) => r.rollout.kind === 'good'),
    bad: count((r) => r.rollout.kind !== 'good'),
    promoted: count((r) => r.result === 'promoted'),
    reverted: count((r) => r.result === 'reverted'),
    unknown: count((r) => r.result !== 'promoted' && r.result !== 'reverted'),
    'wrong result': problems.filter((p) => / ended \w+ \(.*\), expected /.test(p)).length,
    unsafe: problems.filter((p) => / ended unsafe: /.test(p)).length,
    'denied by IAM policy': problems.filter((p) => /iam\/policy\.json does not allow/.test(p))
      .length,
    'AWS calls': runs.reduce((sum, r) => sum + r.calls.length, 0)
  }
}

/**
 * `faults: 40 rollouts, 22 promoted, 18 reverted, 0 unknown, ...` and the problems under it, then
 * `violations: 0` (or the count and each violation).
 */
export function formatReport(report: SuiteReport): string {
  const counts = Object.entries(report.counts)
    .map(([name, value]) => `${value} ${name}`)
    .join(', ')
  const lines = [`${report.suite}: ${counts} (${(report.wallMs / 1000).toFixed(1)} s)`]
  for (const detail of report.details ?? []) lines.push(`  ${detail}`)
  for (const problem of report.problems) lines.push(`  PROBLEM ${problem}`)
  lines.push(formatViolations(report.violations))
  return lines.join('\n')
}
