import { errorText } from '../context.js'
import { TopologyError } from '../errors.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { recordedPair } from '../durable/pair.js'
import { isPromoted, ownerWords } from '../durable/record.js'
import { readState } from '../durable/store.js'
import { returnTraffic, scaleToZero } from '../revert.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { recordFor, settledWords } from './stored.js'

/**
 * `command: abort`: returns all traffic to the side that was live when the rollout started and
 * scales the other side to 0. It does not wait for the run working on the rollout, if there is
 * one: that run sees the abort in the state (or its tasks stopping) and stops. Returning the
 * traffic is the first change; a rollout already promoted is refused (that is a rollback).
 */
export async function abortRollout(
  settings: Settings,
  deps: DurableDeps
): Promise<{ outcome: RolloutOutcome; settings: Settings }> {
  const { observer, clock } = deps
  const route = settings.routeArn
  const stored = await readState(deps.tags, settings)
  const record = recordFor(stored, 'abort', route)
  if (isPromoted(record) || record.phase === 'rolled-back') {
    throw new TopologyError(
      `${settledWords(record, route)}, so there is no rollout to abort; to go back to ` +
        `${record.live.service}, run the action with command: rollback`
    )
  }
  if (record.phase === 'reverted' || record.phase === 'aborted') {
    throw new TopologyError(`${settledWords(record, route)}: there is nothing to abort`)
  }
  const found = await recordedPair(record, settings, deps)
  const { pair } = found
  const live = record.live.service
  const idle = record.idle.service
  observer.phase('Abort')
  observer.info(
    `aborting the rollout to ${idle} (${ownerWords(record.owner)}): ${found.idlePercent}% of the ` +
      `traffic is on ${idle}`
  )
  if (found.idlePercent > 0) {
    const back = await returnTraffic(
      pair.route,
      pair.live.targetGroupArn,
      pair.idle.targetGroupArn,
      deps
    )
    if (!back.landed) {
      throw new Error(
        `could not return all traffic to ${live}: ${back.error}; nothing else was changed, run ` +
          'command: abort again'
      )
    }
    observer.info(`all traffic is back on ${live}`)
  }
  const keeper = new Keeper(settings, deps, {
    kind: record.kind,
    found: stored,
    steps: record.steps
  })
  const reason = `aborted by ${ownerWords(deps.owner)}`
  const mark = async (phase: 'aborting' | 'aborted', note?: string): Promise<void> => {
    try {
      await keeper.overwrite({
        ...record,
        phase,
        owner: deps.owner,
        heartbeatAt: clock.now(),
        reason: note ? `${reason}; ${note}` : reason
      })
    } catch (error) {
      observer.warn(`could not write the rollout state: ${errorText(error)}`)
    }
  }
  // right away, so that a run still working on the rollout stops before it shifts again
  await mark('aborting')
  // a rollout stopped before it touched the idle side leaves it as it was
  let scaled: string | undefined
  if (record.phase !== 'register') {
    const error = await scaleToZero(deps.ecs, clock, pair.cluster, idle)
    scaled = error ? `could not scale ${idle} to 0: ${error}` : `${idle} scaled to 0`
    if (error) observer.warn(scaled)
    else observer.info(scaled)
  }
  await mark('aborted', scaled)
  observer.timeline({
    at: clock.now(),
    event: 'aborted',
    liveWeight: 100,
    idleWeight: 0,
    live: { healthy: found.live.runningCount, total: found.live.desiredCount },
    idle: { healthy: 0, total: 0 }
  })
  return {
    outcome: {
      result: 'aborted',
      liveService: live,
      idleService: idle,
      liveTargetGroupArn: record.live.targetGroupArn,
      idleTargetGroupArn: record.idle.targetGroupArn,
      ...(record.revision ? { taskDefinitionArn: record.revision } : {}),
      previousTaskDefinitionArn: record.previousRevision,
      stoppedTasks: [],
      serviceEvents: [],
      plan: [],
      ...(scaled ? { scaleDown: scaled } : {})
    },
    settings: { ...settings, steps: record.steps }
  }
}
