import { recordTimeline, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { bringUpVerdict, progressLine, revisionOf } from './gates.js'
import { changeLogger, failed, gateFor, watcherFor, weightedForm } from './idle-side.js'
import { pollUntil } from './poll.js'
import { followLive, noteInterruptions, noteSteady } from './scaling/follow.js'
import type { Pair, RolloutState } from './state.js'

/**
 * Before a stored rollout moves on, its idle side must still be what it was left as: running
 * the release, every task healthy. Nobody watched it while the rollout was paused or its run
 * was gone, so this is the bring-up gate again. The service is only touched to follow the live
 * side's count, if the live side scaled out meanwhile.
 */
export async function recheck(
  state: Extract<RolloutState, { phase: 'resume' }>,
  run: RunContext
): Promise<Observed> {
  const { deps } = run
  const { pair, release, startedAt } = state
  const idle = pair.idle.service
  const where = `while checking ${idle} before resuming`
  deps.observer.phase('Check idle side')
  const unformed = await weightedForm(run, pair, where)
  if (unformed) return failed(run, startedAt, 'nothing', unformed)
  const watcher = watcherFor(run, pair, release)
  const gate = gateFor(pair, release, where)
  const log = changeLogger(run)
  const result = await pollUntil(run, {
    what: `${idle}'s health`,
    where,
    read: () => watcher.read().then((seen) => followLive(run, pair, release, seen)),
    judge: (snapshot) => {
      run.last = snapshot
      noteInterruptions(run, snapshot)
      if (snapshot.service.desiredCount === 0) {
        return {
          kind: 'failed' as const,
          reason: `${idle} was scaled to 0 ${where}`,
          stoppedTasks: []
        }
      }
      if (snapshot.service.taskDefinitionArn !== release.taskDefinitionArn) {
        const now = revisionOf(snapshot.service.taskDefinitionArn)
        return {
          kind: 'failed' as const,
          reason: `${idle} runs ${now} instead of ${release.label} ${where}`,
          stoppedTasks: []
        }
      }
      log(progressLine(snapshot, gate))
      const verdict = bringUpVerdict(snapshot, gate)
      return verdict.kind === 'waiting' ? undefined : verdict
    }
  })
  if (!result.ok) return failed(run, startedAt, 'nothing', result.reason)
  if (result.value.kind === 'failed') {
    return failed(run, startedAt, 'nothing', result.value.reason, result.value.stoppedTasks)
  }
  if (run.last) noteSteady(run, run.last)
  recordTimeline(run, pair, 'idle side healthy', idleWeight(pair))
  return { kind: 'idle-healthy' }
}

/** The idle side's weight as the route was read when the rollout was picked up. */
function idleWeight(pair: Pair): number {
  const groups = pair.route.forward?.targetGroups ?? []
  return groups.find((group) => group.targetGroupArn === pair.idle.targetGroupArn)?.weight ?? 0
}
