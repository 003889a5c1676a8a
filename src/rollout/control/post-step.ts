import { errorText } from '../context.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps, type PostStepHold } from '../durable/keeper.js'
import { doing } from '../durable/lock.js'
import { changedNow, recordedPair, recordedRelease, trafficOnLive } from '../durable/pair.js'
import { isActive, type RolloutRecord } from '../durable/record.js'
import { readState, restoreTags } from '../durable/store.js'
import { RouteLock } from '../durable/route-lock.js'
import { decodeRecord } from '../durable/tags.js'
import { RolloutLockedError } from '../errors.js'
import { laterWords } from '../promote.js'
import type { Settings } from '../settings.js'

/** What the post step did, in words for the log; `failed` fails the step. */
export interface PostStepResult {
  line: string
  failed?: boolean
}

/** A rollout a run was changing when it stopped: its traffic is to be returned. */
const IN_FLIGHT: readonly RolloutRecord['phase'][] = ['bring-up', 'migrate', 'shift', 'aborting']

/**
 * The `post:` step of a main step that died (cancelled, killed, timed out) while it held a
 * rollout. It acts only while the lock is still this run's; a rollout in flight under that lock
 * (its own, or one it was taking over or aborting when it died) is settled as a failed run would
 * have settled it: traffic back to the side that was live (only onto healthy tasks), the new side
 * scaled to 0, the record `reverted` with the reason, and the lock given up. A rollout another
 * run took over or aborted since is left to that run.
 */
export async function settleAfterMainStep(
  hold: PostStepHold,
  settings: Settings,
  given: DurableDeps
): Promise<PostStepResult> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  const read = await deps.lock.readWithLock(hold.routeArn, hold.lockArn)
  if (!read.lock) {
    const lockArn = await retake(read.route, settings, deps)
    if (!lockArn) {
      return { line: 'The rollout is in the hands of another run now (or settled): left as it is.' }
    }
    hold = { ...hold, lockArn }
  }
  const decoded = decodeRecord(read.route)
  const record = decoded.kind === 'record' ? decoded.record : undefined
  const keeper = new Keeper(settings, deps, {
    kind: record?.kind ?? 'deploy',
    found: await readState(deps.tags, settings),
    steps: record?.steps ?? settings.steps,
    ...(record ? { rolloutId: record.rolloutId, startedAt: record.startedAt } : {})
  })
  // in flight under this run's lock, whoever wrote the record (an abort or a takeover whose own
  // record never landed found it so): nobody else may act on it, so the post step settles it
  const inFlight = record !== undefined && IN_FLIGHT.includes(record.phase)
  if (
    !record ||
    record.phase === 'register' ||
    (!inFlight && record.owner.token !== hold.ownerToken)
  ) {
    // the main step held the lock but had changed nothing: the record goes back as it found it
    if (hold.found) await restoreTags(deps.tags, hold.routeArn, hold.found)
    keeper.adopt(hold.lockArn, undefined)
    await keeper.release()
    return { line: 'The main step stopped before it changed anything: its lock was removed.' }
  }
  keeper.adopt(hold.lockArn, record)
  if (record.phase === 'scale-down') return keepOldSide(record, keeper, deps)
  if (!inFlight) {
    await keeper.release()
    return { line: `The rollout is ${doing(record)}: left as it is.` }
  }
  const found = await recordedPair(record, settings, deps)
  const outcome = await keeper.run(
    {
      phase: 'revert',
      startedAt: deps.clock.now(),
      pair: found.pair,
      release: recordedRelease(record),
      // the main step may have died with a weight write in flight: it may land yet, so the
      // traffic is returned (again) and the new side scaled down only once it can no longer land
      changed: record.changed === 'traffic' ? 'traffic' : changedNow(found),
      failure: {
        reason: `the run stopped while ${doing(record)} (cancelled, or its runner died)`,
        stoppedTasks: [],
        serviceEvents: []
      },
      ...(record.changed === 'traffic' ? { writesInFlightAt: deps.clock.now() } : {}),
      // a one-off task the main step started is stopped with the rest
      ...(record.migrationTask ? { migrationTask: record.migrationTask } : {})
    },
    settings
  )
  if (!(await trafficOnLive(deps.elb, found.pair))) {
    return {
      line: `Could not return all traffic to ${record.live.service}: ${outcome.reason ?? 'unknown reason'}`,
      failed: true
    }
  }
  return { line: `The deploy did not finish: all traffic was returned to ${record.live.service}.` }
}

/**
 * The lock is gone but the record still shows this run's rollout in flight: a run that took the
 * lock gave it back without settling it (its takeover could not be recorded, and it put the
 * record back). Nobody else acts on it then: the post step takes the lock again, as any run
 * would (never from a holder that is alive), and settles it. Undefined: someone else has it.
 */
async function retake(
  route: Record<string, string>,
  settings: Settings,
  deps: DurableDeps
): Promise<string | undefined> {
  const decoded = decodeRecord(route)
  if (decoded.kind !== 'record') return undefined
  const { record } = decoded
  if (record.owner.token !== deps.owner.token || !isActive(record)) return undefined
  if (record.phase === 'aborting' || record.phase === 'register') return undefined
  const lock = new RouteLock(deps.lock, settings, deps.owner, deps.clock)
  try {
    await lock.acquire({ ...decoded, tags: route })
  } catch (error) {
    if (error instanceof RolloutLockedError) return undefined
    throw error
  }
  return lock.arn
}

/** Died waiting to scale the old side down: the promotion stands, the old side stays warm. */
async function keepOldSide(
  record: RolloutRecord,
  keeper: Keeper,
  deps: DurableDeps
): Promise<PostStepResult> {
  const delay = record.scaleDownDelayMs
  // the due time stays on record: the next run on the route, or command: tidy, scales it down
  const due =
    record.scaleDownAt ??
    (delay === null || record.promotedAt === undefined ? undefined : record.promotedAt + delay)
  const later =
    due === undefined ? '' : `; ${laterWords(record.live.service, due, deps.clock.now())}`
  const note = `${record.live.service} kept running: the run stopped before its scale-down${later}`
  try {
    await keeper.overwrite({
      ...record,
      phase: 'promoted',
      heartbeatAt: deps.clock.now(),
      reason: note,
      ...(due === undefined ? {} : { scaleDownAt: due })
    })
  } catch (error) {
    return { line: `Could not record the promotion: ${errorText(error)}`, failed: true }
  }
  await keeper.release()
  return { line: `The rollout was promoted; ${note}.` }
}
