import { recordTimeline, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { bakeVerdict, progressLine } from './gates.js'
import { changeLogger, failed, gateFor, watcherFor } from './idle-side.js'
import { percentAt, stepLabel, trafficSteps } from './plan.js'
import { pollUntil } from './poll.js'
import type { RolloutState } from './state.js'

/**
 * Holds the step for step-wait while the gates keep passing. It passes only on a poll that
 * succeeded after the wait: a bake during which AWS could not be read has not shown anything.
 */
export async function bake(
  state: Extract<RolloutState, { phase: 'bake' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair, release, startedAt } = state
  const steps = trafficSteps(settings.steps)
  const percent = percentAt(steps, state.step)
  deps.observer.phase(`Bake at ${percent}%`)
  const end = state.bakeStartedAt + settings.stepWaitMs
  const gate = gateFor(pair, release, `at ${stepLabel(steps, state.step)}`)
  const watcher = watcherFor(run, pair, release)
  const log = changeLogger(run)
  const result = await pollUntil(run, {
    what: `${pair.idle.service}'s health`,
    where: `during bake at ${percent}%`,
    read: () => watcher.read(),
    wakeAt: end,
    judge: (snapshot) => {
      run.last = snapshot
      log(progressLine(snapshot, gate))
      const verdict = bakeVerdict(snapshot, gate)
      return verdict.kind === 'failed' || snapshot.at >= end ? verdict : undefined
    }
  })
  if (!result.ok) return failed(run, startedAt, 'traffic', result.reason)
  if (result.value.kind === 'failed') {
    return failed(run, startedAt, 'traffic', result.value.reason, result.value.stoppedTasks)
  }
  recordTimeline(run, pair, `bake passed at ${percent}%`, percent)
  return { kind: 'baked' }
}
