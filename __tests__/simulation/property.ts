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

/** The property: every schedule of actors, faults and deaths keeps every invariant. */
export function interleavings(onChecked?: (result: SimResult) => void) {
  return fc.asyncProperty(schedules, async (schedule: Schedule) => {
    const result = await simulate(schedule)
    onChecked?.(result)
    if (result.violations.length > 0) throw new InvariantBroken(result)
  })
}
