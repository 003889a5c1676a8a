/**
 * The fault suite: rollouts of good, unhealthy, crashing and degrading releases run at once,
 * each its own pair and bundled-action process, while the emulator fails a set share of the
 * action's AWS calls (throttling, 500s, dropped connections) and slows others down. Every
 * rollout must end promoted (good) or reverted (bad), never with traffic on a side that has an
 * unhealthy or missing task. Seeded: the same seed picks the same releases and fault draws.
 */
import { mulberry32 } from '../../emulator/control/faults.js'
import { addFault, removeFault } from '../../__tests__/helpers/emulator.js'
import { pool } from './pool.js'
import { formatReport, rolloutCounts, type SuiteReport } from './report.js'
import { judge, planRollout, runRollout, type ReleaseKind } from './rollout.js'
import { suiteViolations } from './violations.js'

export interface FaultSuiteOptions {
  /** the emulator's URL (best at timeScale 0.05, as the tests run it) */
  url: string
  rollouts: number
  seed: number
  /** how many rollouts run at once (default 8) */
  concurrency?: number
  /** the share of the action's calls that fail or slow down (default 0.12) */
  share?: number
  /** where progress goes (default: nowhere) */
  log?: (line: string) => void
}

/** How the share of faulted calls is split between the kinds of fault. */
const MIX = [
  { fault: 'throttle', part: 0.35 },
  { fault: 'error500', part: 0.25 },
  { fault: 'reset', part: 0.2 },
  { fault: 'latency', part: 0.2, latencyMs: 300 }
] as const

/** Half good releases, the rest spread over the bad kinds, in a seeded order. */
export function releaseMix(count: number, seed: number): ReleaseKind[] {
  const bad: ReleaseKind[] = ['unhealthy', 'crash', 'degrade']
  const kinds = Array.from({ length: count }, (_, i): ReleaseKind =>
    i % 2 === 0 ? 'good' : (bad[Math.floor(i / 2) % bad.length] as ReleaseKind)
  )
  const random = mulberry32(seed)
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[kinds[i], kinds[j]] = [kinds[j] as ReleaseKind, kinds[i] as ReleaseKind]
  }
  return kinds
}

export async function runFaultSuite(options: FaultSuiteOptions): Promise<SuiteReport> {
  const { url, rollouts, seed } = options
  const share = options.share ?? 0.12
  const log = options.log ?? (() => {})
  const started = Date.now()
  const name = `f${seed}x`
  const kinds = releaseMix(rollouts, seed)
  log(
    `faults: building ${rollouts} pairs (${kinds.filter((k) => k === 'good').length} good releases)`
  )
  const planned = await pool(kinds, 4, (kind, index) => planRollout(url, name, index, kind))

  // only the action's calls fail: the suite's own reads must see AWS as it is
  const faultIds = await Promise.all(
    MIX.map((item, i) =>
      addFault(url, {
        service: '*',
        operation: '*',
        fault: item.fault,
        rate: share * item.part,
        seed: seed * 16 + i,
        userAgent: 'ecs-blue-green-action',
        ...('latencyMs' in item ? { latencyMs: item.latencyMs } : {})
      })
    )
  )
  log(
    `faults: ${Math.round(share * 100)}% of the action's calls faulted; running ${rollouts} rollouts`
  )
  let runs
  try {
    runs = await pool(planned, options.concurrency ?? 8, async (rollout) => {
      const run = await runRollout(url, name, rollout)
      log(
        `  rollout ${rollout.index} (${rollout.kind}): ${run.result} in ${(run.wallMs / 1000).toFixed(1)} s`
      )
      return run
    })
  } finally {
    await Promise.all(faultIds.map((id) => removeFault(url, id)))
  }
  const problems = (await pool(runs, 4, (run) => judge(url, run))).flat()
  const counts = rolloutCounts(runs, problems)
  counts['faulted calls'] = runs.reduce(
    (sum, r) => sum + r.calls.filter((c) => c.fault !== null).length,
    0
  )
  const violations = await suiteViolations(url, name)
  counts.violations = violations.length
  const report = { suite: 'faults', counts, problems, violations, wallMs: Date.now() - started }
  log(formatReport(report))
  return report
}
