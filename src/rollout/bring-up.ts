import { errorText, recordTimeline, watchingFor, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { bringUpVerdict, progressLine } from './gates.js'
import { changeLogger, failed, gateFor, watcherFor, weightedForm } from './idle-side.js'
import { pollUntil, WATCHFUL_READS } from './poll.js'
import { placementOf } from './capacity/placement.js'
import type { RolloutState } from './state.js'
import { followLive, noteInterruptions, noteSteady } from './scaling/follow.js'
import { newSideCount } from './plan.js'
import { OwnWrite } from './own-writes.js'
import { holdScaling } from './scaling/hold.js'
import { restoreScaling } from './scaling/restore.js'
import { TakenOverError } from './errors.js'
import { runTestTraffic } from './watch/test-traffic.js'

/**
 * Puts the new revision on the idle service at the live side's size and waits until every new
 * task is running and healthy in the idle target group, failing as soon as a task stops, a
 * target turns unhealthy or ECS gives up, rather than at the timeout.
 */
export async function bringUp(
  state: Extract<RolloutState, { phase: 'bring-up' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair, release, startedAt } = state
  const idle = pair.idle.service
  const where = `while bringing up ${idle}`
  deps.observer.phase('Bring up idle side')
  const unformed = await weightedForm(run, pair, where)
  if (unformed) return failed(run, startedAt, state.changed, unformed)
  const held = await holdFor(run, state)
  if (held) return held
  const count = newSideCount(settings, pair)
  deps.observer.info(`starting ${count} tasks of ${release.label} on ${idle}`)
  const updatedAt = deps.clock.now()
  try {
    await deps.ecs.updateService(pair.cluster, idle, {
      taskDefinitionArn: release.taskDefinitionArn,
      desiredCount: count,
      ...(settings.propagateTags ? { propagateTags: settings.propagateTags } : {}),
      ...(settings.enableEcsManagedTags === undefined
        ? {}
        : { enableEcsManagedTags: settings.enableEcsManagedTags })
    })
  } catch (error) {
    return failed(run, startedAt, 'idle', `could not update ${idle}: ${errorText(error)}`)
  }
  run.ownWrite = new OwnWrite(
    idle,
    release.taskDefinitionArn,
    pair.idle.taskDefinitionArn,
    deps.clock.now()
  )
  const watcher = watcherFor(run, pair, release)
  const gate = gateFor(pair, release, where, run.ownWrite)
  const log = changeLogger(run)
  const watching = watchingFor(run)
  const result = await pollUntil(run, {
    what: `${idle}'s health`,
    where,
    watchful: WATCHFUL_READS.bringUp,
    read: () =>
      Promise.all([
        watcher.read().then((seen) => followLive(run, pair, release, seen)),
        watching?.readAlarms(settings.pollIntervalMs)
      ]),
    judge: ([snapshot, alarms]) => {
      run.last = snapshot
      noteInterruptions(run, snapshot)
      const alarm = watching?.judgeAlarms(alarms, where)
      if (alarm) return { kind: 'failed' as const, reason: alarm, stoppedTasks: [] }
      const placement = placementOf(snapshot, pair.capacity ?? pair.room, updatedAt, where)
      if (placement.kind === 'unplaceable') {
        return { kind: 'failed' as const, reason: placement.reason, stoppedTasks: [] }
      }
      log(placement.kind === 'scaling' ? placement.line : progressLine(snapshot, gate))
      const verdict = bringUpVerdict(snapshot, gate)
      return verdict.kind === 'waiting' ? undefined : verdict
    }
  })
  if (!result.ok) return failed(run, startedAt, 'idle', result.reason)
  if (result.value.kind === 'failed') {
    return failed(run, startedAt, 'idle', result.value.reason, result.value.stoppedTasks)
  }
  if (run.last) noteSteady(run, run.last)
  const test = watching?.settings.testTraffic
  if (test) {
    const failure = await runTestTraffic(run, pair, test)
    if (failure) return failed(run, startedAt, 'idle', failure)
  }
  recordTimeline(run, pair, 'idle side healthy', 0)
  return { kind: 'idle-healthy' }
}

/**
 * Suspends what scaling would fight the rollout, before the new side is touched. If that fails,
 * whatever of it was done is put back and the run ends with nothing else changed.
 */
async function holdFor(
  run: RunContext,
  state: Extract<RolloutState, { phase: 'bring-up' }>
): Promise<Observed | undefined> {
  const { pair, startedAt } = state
  try {
    await holdScaling(pair, run.deps)
    return undefined
  } catch (error) {
    if (error instanceof TakenOverError) throw error
    const undone = await restoreScaling(pair, run.deps)
    const reason = `could not suspend auto scaling for the rollout: ${errorText(error)}`
    return failed(run, startedAt, state.changed, undone ? `${reason}; ${undone}` : reason)
  }
}
