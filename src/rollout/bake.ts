import { recordTimeline, watchingFor, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { bakeVerdict, progressLine } from './gates.js'
import { changeLogger, failed, gateFor, watcherFor } from './idle-side.js'
import { percentAt, stepLabel, trafficSteps } from './plan.js'
import { pollUntil, WATCHFUL_READS } from './poll.js'
import { followLive, joiningNow, noteInterruptions, noteSteady } from './scaling/follow.js'
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
  const gate = gateFor(pair, release, `at ${stepLabel(steps, state.step)}`, run.ownWrite)
  const watcher = watcherFor(run, pair, release)
  const log = changeLogger(run)
  const where = `during bake at ${percent}%`
  const watching = watchingFor(run)
  watching?.beginStep(state.bakeStartedAt)
  const result = await pollUntil(run, {
    what: `${pair.idle.service}'s health`,
    where,
    watchful: WATCHFUL_READS.bake,
    read: () => {
      // the window is chosen before the reads, so that it has ended by the time it is read
      const now = deps.clock.now()
      const due = watching?.dueWindow(now, end)
      return Promise.all([
        watcher.read().then((seen) => followLive(run, pair, release, seen)),
        // once a poll interval, and on the poll that may pass the bake
        watching?.readAlarms(now >= end ? 0 : settings.pollIntervalMs),
        due && watching?.readWindow(pair, due)
      ])
    },
    // the last window is read once its figures have had time to arrive
    wakeAt: end + (watching?.settings.metrics?.delayMs ?? 0),
    judge: ([snapshot, alarms, window]) => {
      run.last = snapshot
      noteInterruptions(run, snapshot)
      const failure =
        watching?.judgeAlarms(alarms, where) ??
        (window && watching?.judgeWindow(window, percent, where))
      if (failure) return { kind: 'failed' as const, reason: failure, stoppedTasks: [] }
      log(progressLine(snapshot, gate))
      const verdict = bakeVerdict(snapshot, { ...gate, joining: joiningNow(run, snapshot) })
      if (verdict.kind === 'failed') return verdict
      // a side still getting tasks (following the live side, replacing an interrupted one) is
      // waited for: the next step's traffic needs all of them
      if (verdict.kind === 'waiting') return undefined
      noteSteady(run, snapshot)
      const judged = watching?.caughtUp(end) ?? true
      return snapshot.at >= end && judged ? verdict : undefined
    }
  })
  if (!result.ok) return failed(run, startedAt, 'traffic', result.reason)
  if (result.value.kind === 'failed') {
    return failed(run, startedAt, 'traffic', result.value.reason, result.value.stoppedTasks)
  }
  recordTimeline(run, pair, `bake passed at ${percent}%`, percent)
  return { kind: 'baked' }
}
