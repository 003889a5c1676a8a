import { errorText } from '../context.js'
import { TopologyError } from '../errors.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { recordedPair } from '../durable/pair.js'
import { isPromoted, ownerWords } from '../durable/record.js'
import { readState } from '../durable/store.js'
import { LATE_WRITE_GRACE_MS, returnTraffic, scaleToZero, stopMigration } from '../revert.js'
import { restoreScaling } from '../scaling/restore.js'
import { weightOf } from '../forward.js'
import type { RolloutRecord } from '../durable/record.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { recordFor, settledWords } from './stored.js'
import { tidyDue } from './tidy.js'

/** Writes of the run being aborted that land late are put right this many times at most. */
const RETURN_ATTEMPTS = 3

/**
 * `command: abort`: returns all traffic to the side that was live when the rollout started and
 * scales the other side to 0. It does not wait for the run working on the rollout, if there is
 * one: it takes the rollout's lock from that run, which stops before its next change. Returning
 * the traffic is the first change to the pair; a rollout already promoted is refused (that is a
 * rollback).
 */
export async function abortRollout(
  settings: Settings,
  given: DurableDeps
): Promise<{ outcome: RolloutOutcome; settings: Settings }> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  const { clock } = deps
  const route = settings.routeArn
  // a scale-down the last promotion left to the next run, if due, is done first
  const { stored } = await tidyDue(await readState(deps.tags, settings), settings, deps)
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
  const keeper = new Keeper(settings, deps, {
    kind: record.kind,
    found: stored,
    steps: record.steps,
    rolloutId: record.rolloutId,
    startedAt: record.startedAt
  })
  const reason = `aborted by ${ownerWords(deps.owner)}`
  // the lock, from whoever holds it: a run still working on the rollout stops before its next
  // change. Its `aborting` record may not be written (tags throttled for long): the abort goes on
  // all the same, since the run it stopped returns nothing and the record in place announces the
  // revert already
  await keeper.claim(
    { ...record, phase: 'aborting', owner: deps.owner, heartbeatAt: clock.now(), reason },
    'abort'
  )
  // an abort that cannot finish keeps its lock and its `aborting` record: the rollout is still
  // open, and the lock and the record agree on who left it (a later abort takes the lock by
  // force; a deploy takes it over once the record is stale)
  const done = await aborted(record, reason, keeper, settings, deps)
  // nor is the lock given back while the record does not say the rollout ended
  if (done.recorded) await keeper.release()
  return { outcome: done.outcome, settings: done.settings }
}

async function aborted(
  record: RolloutRecord,
  reason: string,
  keeper: Keeper,
  settings: Settings,
  deps: DurableDeps
): Promise<{ outcome: RolloutOutcome; settings: Settings; recorded: boolean }> {
  const { observer, clock } = deps
  // every change from here on is checked against the lock first
  const { ecs, elb, scaling } = keeper.rolloutDeps()
  const found = await recordedPair(record, settings, deps)
  const { pair } = found
  const live = record.live.service
  const idle = record.idle.service
  observer.phase('Abort')
  observer.info(
    `aborting the rollout to ${idle} (${ownerWords(record.owner)}): ${found.idlePercent}% of the ` +
      `traffic is on ${idle}`
  )
  // a write of the run being aborted may land after this one: the new side is scaled down only
  // once a read shows it carries no traffic, after any write that run sent before it lost the
  // lock can have landed (a request in flight lands within the SDK's timeout, or never)
  const settled =
    keeper.lock.displacedAt === undefined ? 0 : keeper.lock.displacedAt + LATE_WRITE_GRACE_MS
  for (let attempt = 1; ;) {
    const now = await elb.readRoute(pair.route.arn)
    if (!weightOf(now, pair.idle.targetGroupArn)) {
      if (clock.now() >= settled) break
      await clock.sleep(settled - clock.now())
      continue
    }
    if (attempt++ > RETURN_ATTEMPTS) {
      throw new Error(
        `${idle} keeps getting traffic back on ${pair.route.arn}: someone else is writing its ` +
          'weights; nothing else was changed, run command: abort again'
      )
    }
    const back = await returnTraffic(now, pair.live.targetGroupArn, pair.idle.targetGroupArn, {
      ...deps,
      elb
    })
    if (!back.landed) {
      throw new Error(
        `could not return all traffic to ${live}: ${back.error}; nothing else was changed, run ` +
          'command: abort again'
      )
    }
    observer.info(`all traffic is back on ${live}`)
  }
  // a migration still running is stopped before the idle side goes
  if (record.migrationTask)
    await stopMigration(record.migrationTask, pair.cluster, { ecs, observer })
  // a rollout stopped before it touched the idle side leaves it as it was
  let scaled: string | undefined
  if (record.phase !== 'register') {
    const error = await scaleToZero(ecs, clock, pair.cluster, idle)
    scaled = error ? `could not scale ${idle} to 0: ${error}` : `${idle} scaled to 0`
    if (error) observer.warn(scaled)
    else observer.info(scaled)
  }
  const restored =
    record.phase === 'register' ? undefined : await restoreScaling(pair, { scaling, observer })
  let recorded = true
  try {
    await keeper.overwrite({
      ...record,
      phase: 'aborted',
      owner: deps.owner,
      heartbeatAt: clock.now(),
      reason: scaled ? `${reason}; ${scaled}` : reason
    })
  } catch (error) {
    recorded = false
    observer.warn(
      `could not write the rollout state: ${errorText(error)}; the lock stays this run's until ` +
        'another abort or deploy takes it over'
    )
  }
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
      ...(scaled ? { scaleDown: scaled } : {}),
      ...(restored ? { autoScaling: restored } : {})
    },
    settings: { ...settings, steps: record.steps },
    recorded
  }
}
