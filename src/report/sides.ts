import type { RolloutOutcome } from '../rollout/settings.js'

/**
 * The timeline calls the sides `live` (live when the run started) and `idle` (being deployed);
 * the outcome names the services as they are after the run. These are the service names of the
 * timeline's sides, where the result says which is which.
 */
export interface TimelineSides {
  /** live when the run started */
  old?: string
  /** the side the run moved traffic to (or tried to) */
  new?: string
}

export function timelineSides(outcome: RolloutOutcome): TimelineSides {
  const { liveService, idleService } = outcome
  switch (outcome.result) {
    case 'promoted':
    case 'rolled-back':
      // traffic moved all the way: the side live now is the one it moved to
      return { old: idleService, new: liveService }
    case 'reverted':
    case 'aborted':
    case 'planned':
    case 'unchanged':
      return { old: liveService, new: idleService }
    case 'paused':
      // traffic is split, so "live" does not say which side is the new one
      return {}
  }
}
