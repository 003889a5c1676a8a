import { errorText } from '../context.js'
import { formatDuration } from '../duration.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { recordedPair, recordedRelease } from '../durable/pair.js'
import { ownerWords, pendingScaleDown, type RolloutRecord } from '../durable/record.js'
import { readState, type StoredState } from '../durable/store.js'
import { laterWords, utcTime } from '../promote.js'
import type { RolloutOutcome, Settings } from '../settings.js'

/** What a run found and did about a scale-down a promotion left to a later run. */
export interface Tidied {
  /** the state on the route as it is now (re-read when something was done) */
  stored: StoredState
  /** what was done, in words; undefined when nothing was due */
  note?: string
  /** a due scale-down that could not be done, in words */
  problem?: string
  /** the scale-down's run, when there was one */
  outcome?: RolloutOutcome
}

/**
 * Carries out the scale-down a promotion left to a later run, once it is due: under the route's
 * lock (so no rollout or rollback can be using the old side meanwhile), only while the stored
 * record is still that promotion's, unchanged since it was read, and only while the route still
 * reads 0/100 for the new side (the scale-down step checks, as the promoting run's would have),
 * with the old side's auto scaling minimum lowered first. It is the scale-down of that rollout,
 * resumed: the record says `scale-down` while it works, and `promoted` (or `rolled-back`) with
 * the time it was done after. Never throws: what stands in its way is returned as `problem`.
 */
export async function tidyDue(
  stored: StoredState,
  settings: Settings,
  deps: DurableDeps
): Promise<Tidied> {
  if (stored.kind !== 'record') return { stored }
  const { record } = stored
  const due = pendingScaleDown(record)
  const now = deps.clock.now()
  if (due === undefined || due > now || record.promotedAt === undefined) return { stored }
  const old = record.live.service
  deps.observer.info(
    `the scale-down of ${old} that ${ownerWords(record.owner)} left was due at ${utcTime(due)}: ` +
      'carrying it out first'
  )
  try {
    const found = await recordedPair(record, settings, deps)
    const keeper = new Keeper(settings, deps, {
      kind: record.kind,
      found: stored,
      steps: record.steps,
      rolloutId: record.rolloutId,
      startedAt: record.startedAt
    })
    // only if the record is still the one read (RolloutLockedError otherwise), under the lock
    await keeper.claim({ ...record, phase: 'scale-down', owner: deps.owner, heartbeatAt: now })
    const outcome = await keeper.run(
      {
        phase: 'scale-down',
        startedAt: now,
        pair: found.pair,
        release: recordedRelease(record),
        promotedAt: record.promotedAt,
        dueAt: due
      },
      settings
    )
    const after = await readState(deps.tags, settings)
    const note = outcome.scaleDown ?? `${old} was not scaled down`
    return {
      stored: after,
      note,
      outcome,
      ...(outcome.scaledDownAt === undefined ? { problem: note } : {})
    }
  } catch (error) {
    if (isBug(error)) throw error
    const problem = `the scale-down of ${old} due at ${utcTime(due)} was not done: ${errorText(error)}`
    deps.observer.warn(problem)
    return { stored: await readState(deps.tags, settings).catch(() => stored), problem }
  }
}

/** A mistake in the code, not something AWS or another run did: never swallowed. */
function isBug(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof ReferenceError ||
    error instanceof RangeError ||
    (error instanceof Error && /rollout bug/.test(error.message))
  )
}

/** When the old side of the stored rollout is (or was) scaled down, in words; undefined: not known. */
export function scaleDownWords(record: RolloutRecord, now: number): string | undefined {
  if (record.phase !== 'promoted' && record.phase !== 'rolled-back') return undefined
  const old = record.live.service
  if (record.scaledDownAt !== undefined) {
    return `old side ${old} was scaled to 0 at ${utcTime(record.scaledDownAt)}`
  }
  const due = pendingScaleDown(record)
  if (due !== undefined) {
    if (due > now) return laterWords(old, due, now)
    return (
      `old side ${old} was due to be scaled to 0 at ${utcTime(due)} ` +
      `(${formatDuration(Math.floor((now - due) / 1000) * 1000)} ago) and still runs: the next ` +
      'run on this listener or command: tidy scales it down'
    )
  }
  if (record.scaleDownDelayMs === null)
    return `old side ${old} is kept warm (scale-down-delay: never)`
  return undefined
}

/**
 * `command: tidy`, for a scheduled workflow: carries out a scale-down a promotion left to a
 * later run once it is due, and nothing else. `result` is `unchanged` (no traffic and no
 * revision changed); a due scale-down it could not do fails the step with the reason.
 */
export async function tidyRollout(
  settings: Settings,
  given: DurableDeps
): Promise<{ outcome: RolloutOutcome; settings: Settings; failed?: string }> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  const stored = await readState(deps.tags, settings)
  const tidied = await tidyDue(stored, settings, deps)
  const record = tidied.stored.kind === 'record' ? tidied.stored.record : undefined
  const words =
    tidied.note ??
    (record ? scaleDownWords(record, deps.clock.now()) : undefined) ??
    'nothing to tidy: no scale-down is waiting on this listener'
  if (!tidied.note) deps.observer.info(words)
  const settled = record && (record.phase === 'promoted' || record.phase === 'rolled-back')
  const outcome: RolloutOutcome = {
    result: 'unchanged',
    ...(settled
      ? {
          liveService: record.idle.service,
          idleService: record.live.service,
          liveTargetGroupArn: record.idle.targetGroupArn,
          idleTargetGroupArn: record.live.targetGroupArn,
          ...(record.revision ? { taskDefinitionArn: record.revision } : {}),
          previousTaskDefinitionArn: record.previousRevision
        }
      : {}),
    ...(record?.scaleDownAt === undefined ? {} : { scaleDownAt: record.scaleDownAt }),
    ...(record?.scaledDownAt === undefined ? {} : { scaledDownAt: record.scaledDownAt }),
    ...(tidied.outcome?.autoScaling ? { autoScaling: tidied.outcome.autoScaling } : {}),
    scaleDown: words,
    ...(tidied.problem ? { reason: tidied.problem } : {}),
    stoppedTasks: [],
    serviceEvents: [],
    plan: []
  }
  return {
    outcome,
    settings: { ...settings, steps: record?.steps ?? settings.steps },
    ...(tidied.problem ? { failed: tidied.problem } : {})
  }
}
