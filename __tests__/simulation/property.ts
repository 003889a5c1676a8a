import fc from 'fast-check'
import { schedules, type Schedule } from './schedule.js'
import { simulate, type SimResult } from './world.js'

/** A schedule whose simulation broke an invariant: the report fast-check prints. */
export class InvariantBroken extends Error {
  constructor(readonly result: SimResult) {
    super(
      result.violations.map((v) => `[${v.rule}] +${v.at}ms ${v.what}`).join('\n') +
        '\nactors:\n  ' +
        result.actors.join('\n  ')
    )
    this.name = 'InvariantBroken'
  }
}

export interface PropertyOptions {
  /** also late-landing weight writes (the known finding; see LATE_WEIGHT_WRITES_KNOWN_BROKEN) */
  allFaults?: boolean
  /** told of every schedule checked */
  onChecked?: (result: SimResult) => void
}

/** Late weight writes out of a schedule (the default, while that finding is open). */
function withoutLateWeights(schedule: Schedule): Schedule {
  return {
    actors: schedule.actors.map((actor) => ({
      ...actor,
      faults: actor.faults.map((fault) =>
        fault.kind === 'late' ? { ...fault, weights: false } : fault
      )
    }))
  }
}

/** The property: every schedule of actors, faults and deaths keeps every invariant. */
export function interleavings(options: PropertyOptions = {}) {
  const generated = options.allFaults ? schedules : schedules.map(withoutLateWeights)
  return fc.asyncProperty(generated, async (schedule: Schedule) => {
    const result = await simulate(schedule)
    options.onChecked?.(result)
    if (result.violations.length > 0) throw new InvariantBroken(result)
  })
}
