import { RolloutLockedError, TopologyError } from '../errors.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { heldWords, judgeLock, staleAfter } from '../durable/lock.js'
import { recordedPair } from '../durable/pair.js'
import { resumption } from '../durable/resume.js'
import { readState } from '../durable/store.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { asRollback } from './rollback.js'
import { recordFor, settledWords } from './stored.js'
import { tidyDue } from './tidy.js'
import { withKeptRevisions } from '../revisions.js'

/**
 * `command: promote`: carries a paused rollout on from the step after its pause, or an
 * interrupted one (its run went silent) from the step it was at, walking the steps the deploy
 * was given, or straight to 100 when asked. The idle side is checked healthy first; any failure
 * on the way reverts, as in a deploy.
 */
export async function promoteRollout(
  settings: Settings,
  given: DurableDeps
): Promise<{ outcome: RolloutOutcome; settings: Settings }> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  const route = settings.routeArn
  // a scale-down the last promotion left to the next run, if due, is done first
  const { stored } = await tidyDue(await readState(deps.tags, settings), settings, deps)
  const record = recordFor(stored, 'promote', route)
  const verdict = judgeLock(stored, deps.clock.now(), staleAfter(settings))
  if (verdict.kind === 'held') {
    throw new RolloutLockedError(heldWords(verdict.record, verdict.silentMs, route))
  }
  if (record.phase === 'promoted' || record.phase === 'rolled-back') {
    throw new TopologyError(`${settledWords(record, route)}: there is nothing to promote`)
  }
  if (record.phase === 'reverted' || record.phase === 'aborted') {
    throw new TopologyError(
      `${settledWords(record, route)}: there is nothing to promote; deploy again to roll it out`
    )
  }
  if (record.phase === 'aborting') {
    throw new TopologyError(
      `${settledWords(record, route)} by an abort that did not finish: run command: abort again`
    )
  }
  const found = await recordedPair(record, settings, deps)
  const next = resumption(record, found, deps.clock.now(), settings.straightTo100)
  if (!next) {
    throw new TopologyError(
      `the rollout on ${route} had not changed anything when its run stopped: deploy again`
    )
  }
  const run = { ...settings, steps: next.steps }
  const keeper = new Keeper(run, deps, {
    kind: record.kind,
    found: stored,
    steps: next.steps,
    rolloutId: record.rolloutId,
    startedAt: record.startedAt
  })
  await keeper.claim({
    ...record,
    phase: next.phase,
    steps: next.steps,
    ...(next.step === undefined ? {} : { step: next.step }),
    owner: deps.owner,
    heartbeatAt: deps.clock.now()
  })
  const ran = await keeper.run(next.state, run)
  // a deploy's promotion, complete and recorded: old revisions may go (a rollback's keeps them)
  const outcome = record.kind === 'rollback' ? ran : await withKeptRevisions(settings, ran, deps)
  return {
    outcome: record.kind === 'rollback' ? asRollback(outcome, record.live.service) : outcome,
    settings: run
  }
}
