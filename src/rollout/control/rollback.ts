import { deregistrationDelayMs } from '../discover.js'
import { TopologyError } from '../errors.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { recordedPair } from '../durable/pair.js'
import { isPromoted, pendingScaleDown, type RolloutRecord } from '../durable/record.js'
import { utcTime } from '../promote.js'
import { readState } from '../durable/store.js'
import { revisionOf } from '../gates.js'
import { readScaling } from '../scaling/read.js'
import type { RolloutOutcome, Settings, TrafficStep } from '../settings.js'
import type { RolloutState } from '../state.js'
import { recordFor, settledWords } from './stored.js'

/** A rollback moves all traffic in one step: it is the way out, not a release to try gently. */
const ROLLBACK_STEPS: TrafficStep[] = [{ kind: 'weight', percent: 100 }]

/**
 * `command: rollback`, after a promotion: brings the previous side back up on its previous
 * revision (if it was scaled down, or its tasks are not all healthy) and waits until every task
 * is healthy, then moves all traffic back to it. It is a rollout in reverse, with the deploy's
 * gates: if the previous side cannot become healthy, the traffic is never touched and the
 * rollback is refused (result `unchanged`, with the reason).
 */
export async function rollbackRollout(
  settings: Settings,
  given: DurableDeps
): Promise<{ outcome: RolloutOutcome; settings: Settings }> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  const route = settings.routeArn
  const stored = await readState(deps.tags, settings)
  const record = recordFor(stored, 'rollback', route)
  if (!isPromoted(record)) {
    const next =
      record.phase === 'paused' || record.phase === 'shift' || record.phase === 'bring-up'
        ? '; to stop a rollout that is not promoted, run the action with command: abort'
        : ''
    throw new TopologyError(
      `${settledWords(record, route)}: there is no promotion to roll back${next}`
    )
  }
  const found = await recordedPair(record, settings, deps)
  // the side a pending scale-down was to stop is the one this rollback goes back to: it is not
  // scaled down first, and the rollback's record replaces the due time, so nothing scales it later
  const due = pendingScaleDown(record)
  if (due !== undefined) {
    deps.observer.info(
      `${record.live.service} was to be scaled to 0 at ${utcTime(due)}; the rollback goes back ` +
        'to it instead, so that scale-down is called off'
    )
  }
  // the side of the release is live now, and the side that was live is the one to go back to
  const releaseSide = found.pair.idle
  const previousSide = found.pair.live
  if (found.idlePercent !== 100) {
    throw new TopologyError(
      `${route} sends ${100 - found.idlePercent}% of the traffic to ${previousSide.service} and ` +
        `${found.idlePercent}% to ${releaseSide.service}; a rollback starts from all traffic on ` +
        `${releaseSide.service}, as the promotion left it. Nothing was changed`
    )
  }
  const scaleDownDelayMs =
    settings.scaleDownDelayMs === undefined
      ? await deregistrationDelayMs(deps.elb, releaseSide.targetGroupArn)
      : settings.scaleDownDelayMs
  // what is restored is auto scaling as this rollback finds it, the promotion's sides swapped
  const sides = { ...found.pair, live: releaseSide, idle: previousSide, scaleDownDelayMs }
  const scaling = await readScaling(sides, deps)
  const state: RolloutState = {
    phase: 'bring-up',
    startedAt: deps.clock.now(),
    pair: { ...sides, scaling },
    release: {
      taskDefinitionArn: record.previousRevision,
      label: revisionOf(record.previousRevision),
      previousTaskDefinitionArn: release(record)
    },
    changed: 'nothing'
  }
  // a rollback goes back to a revision that ran already: no one-off task runs before it
  const run: Settings = { ...settings, steps: ROLLBACK_STEPS, stepWaitMs: 0, migration: undefined }
  const keeper = new Keeper(run, deps, { kind: 'rollback', found: stored, steps: ROLLBACK_STEPS })
  await keeper.claim(keeper.recordOf(state, 'bring-up', { changed: 'idle' }))
  const outcome = await keeper.run(state, run)
  return { outcome: asRollback(outcome, releaseSide.service), settings: run }
}

function release(record: RolloutRecord): string {
  return record.revision ?? record.previousRevision
}

/** A rollback that promoted is `rolled-back`; one that did not changed nothing for good. */
export function asRollback(outcome: RolloutOutcome, releaseService: string): RolloutOutcome {
  if (outcome.result === 'promoted') return { ...outcome, result: 'rolled-back' }
  if (outcome.result !== 'reverted') return outcome
  return {
    ...outcome,
    result: 'unchanged',
    reason: `rollback refused: ${outcome.reason ?? 'unknown reason'}; all traffic stays on ${releaseService}`
  }
}
