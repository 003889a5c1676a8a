import { recordTimeline, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { percentAt, trafficSteps } from './plan.js'
import type { RolloutState } from './state.js'

/** Ends the run with traffic where it is; a later run with command: promote carries on. */
export function pause(state: Extract<RolloutState, { phase: 'pause' }>, run: RunContext): Observed {
  const { deps } = run
  const { pair } = state
  const percent = percentAt(trafficSteps(run.settings.steps), state.step)
  deps.observer.phase(`Pause at ${percent}%`)
  deps.observer.info(
    `paused with ${percent}% on ${pair.idle.service}: run the action with command: promote to ` +
      `continue, or command: abort to return all traffic to ${pair.live.service}`
  )
  recordTimeline(run, pair, `paused at ${percent}%`, percent)
  return { kind: 'paused' }
}
