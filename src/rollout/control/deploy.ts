import { deploy } from '../deploy.js'
import { RolloutLockedError, TopologyError } from '../errors.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { heldWords, judgeLock, pausedWords, staleAfter } from '../durable/lock.js'
import { readState, type StoredState } from '../durable/store.js'
import type { RolloutObserver } from '../ports.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { takeOver } from './takeover.js'
import { tidyDue } from './tidy.js'
import { withKeptRevisions } from '../revisions.js'

/**
 * A deploy that keeps its state in the route's tags, one at a time per route. Refuses while
 * another run's rollout is alive or a rollout is paused; settles an interrupted one first.
 * Everything it refuses, it refuses before changing anything.
 */
export async function deployWithState(
  settings: Settings,
  given: DurableDeps
): Promise<RolloutOutcome> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  let stored = await readState(deps.tags, settings)
  reportUnusable(stored, settings, deps.observer)
  // a dry run changes nothing, the tags included
  if (settings.dryRun) return deploy(settings, deps)
  // a scale-down the last promotion left to this run, if due; one not due yet is overtaken: the
  // old side is this deploy's idle side, and its record no longer holds that due time
  stored = (await tidyDue(stored, settings, deps)).stored
  const verdict = judgeLock(stored, deps.clock.now(), staleAfter(settings))
  let earlier: RolloutOutcome | undefined
  switch (verdict.kind) {
    case 'held':
      throw new RolloutLockedError(heldWords(verdict.record, verdict.silentMs, settings.routeArn))
    case 'paused':
      throw new TopologyError(pausedWords(verdict.record, settings.routeArn))
    case 'stale': {
      const taken = await takeOver(verdict.record, verdict.silentMs, stored, settings, deps)
      if (!taken.goOn && taken.outcome) return taken.outcome
      earlier = taken.outcome
      stored = await readState(deps.tags, settings)
      break
    }
    case 'free':
      break
  }
  const keeper = new Keeper(settings, deps, {
    kind: 'deploy',
    found: stored,
    steps: settings.steps
  })
  const outcome = await keeper.deploy(settings)
  // the same release again after finishing the interrupted one: what happened is that promotion
  if (outcome.result === 'unchanged' && earlier?.result === 'promoted') return earlier
  // the promotion is complete and recorded, and the lock given back: old revisions may go
  return withKeptRevisions(settings, outcome, deps)
}

function reportUnusable(stored: StoredState, settings: Settings, observer: RolloutObserver): void {
  if (stored.kind !== 'unreadable') return
  observer.warn(
    `the rollout state in the tags of ${settings.routeArn} is not usable and is ignored: ` +
      `${stored.problem}. The traffic weights decide; a deploy replaces the state once it starts changing things`
  )
}
