import { bake } from './bake.js'
import { bringUp } from './bring-up.js'
import { errorText, interruption, type RolloutDeps, type RunContext } from './context.js'
import { decide, type Observed } from './decide.js'
import { pause } from './pause.js'
import { percentAt, trafficSteps } from './plan.js'
import { discover, register, render } from './prepare.js'
import { promote, scaleDown } from './promote.js'
import { recheck } from './recheck.js'
import { TakenOverError } from './errors.js'
import { restoreTraffic as returnToLive, revert } from './revert.js'
import { shift } from './shift.js'
import type { RolloutOutcome, Settings } from './settings.js'
import type { Changed, RolloutState } from './state.js'
import { restoreTestRoute } from './watch/test-traffic.js'

import type { TrafficCheckpoint } from './context.js'
export type { RolloutDeps, TrafficCheckpoint } from './context.js'
export type { RolloutState } from './state.js'
export { systemClock } from './clock.js'

/**
 * Deploys `settings.release` blue/green. Throws InputError or TopologyError before anything is
 * changed; once something is, every failure, timeout or cancel ends in a `reverted` outcome.
 */
export async function deploy(settings: Settings, deps: RolloutDeps): Promise<RolloutOutcome> {
  return runRollout({ phase: 'discover', startedAt: deps.clock.now() }, settings, deps)
}

/**
 * Runs a rollout from any state to its end. The deadline counts from the state's start, so a
 * run resumed from a stored state keeps the original timeout.
 */
export async function runRollout(
  initial: RolloutState,
  settings: Settings,
  deps: RolloutDeps
): Promise<RolloutOutcome> {
  const startedAt = 'startedAt' in initial ? initial.startedAt : deps.clock.now()
  const run: RunContext = { settings, deps, deadline: startedAt + settings.timeoutMs }
  let state = initial
  while (state.phase !== 'done') {
    state = decide(state, await work(state, run), settings)
    await deps.onState?.(state)
  }
  const evidence = run.watching?.evidence
  return evidence ? { ...state.outcome, evidence } : state.outcome
}

/** What the state's work reported; an error thrown after something changed is a failure too. */
async function work(
  state: Exclude<RolloutState, { phase: 'done' }>,
  run: RunContext
): Promise<Observed> {
  const guard = guarded(state, run)
  if (guard) {
    const stop = interruption(run, guard.where)
    if (stop)
      return {
        kind: 'failed',
        changed: 'nothing',
        reason: stop,
        stoppedTasks: [],
        serviceEvents: []
      }
  }
  let observed: Observed
  try {
    observed = await perform(state, run)
  } catch (error) {
    // the run that took over decides what happens now: undoing anything here would fight it
    if (error instanceof TakenOverError) throw error
    if (!guard || guard.changes === 'nothing') throw error
    return {
      kind: 'failed',
      changed: guard.changes,
      reason: `${errorText(error)} ${guard.where}`,
      stoppedTasks: [],
      serviceEvents: []
    }
  }
  return observed.kind === 'failed' ? explained(observed, guard, run) : observed
}

/**
 * A failure seen while another run aborts the rollout (its tasks stopping, the weights changing
 * under this run) is that abort: asked before the revert, reading only, so the reason says so.
 */
async function explained(
  observed: Extract<Observed, { kind: 'failed' }>,
  guard: { where: string } | undefined,
  run: RunContext
): Promise<Observed> {
  if (!run.deps.confirmOwner || !guard) return observed
  await run.deps.confirmOwner()
  const stop = run.deps.signal?.aborted ? interruption(run, guard.where) : undefined
  return stop ? { ...observed, reason: stop } : observed
}

function perform(
  state: Exclude<RolloutState, { phase: 'done' }>,
  run: RunContext
): Promise<Observed> | Observed {
  switch (state.phase) {
    case 'discover':
      return discover(run)
    case 'render':
      return render(state, run)
    case 'register':
      return register(state, run)
    case 'bring-up':
      return bringUp(state, run)
    case 'resume':
      return recheck(state, run)
    case 'shift':
      return shift(state, run)
    case 'bake':
      return bake(state, run)
    case 'pause':
      return pause(state, run)
    case 'promote':
      return promote(state, run)
    case 'scale-down':
      return scaleDown(state, run)
    case 'revert':
      return revert(state, run)
  }
}

/**
 * States that stop for a timeout or cancel before their work starts, with where the run is and
 * how far their own work may change AWS (what a throw from it leaves to undo). Reverting,
 * promoting and scaling down carry on regardless: each finishes something already begun.
 */
function guarded(
  state: RolloutState,
  run: RunContext
): { where: string; changes: Changed } | undefined {
  const percent = (step: number): number => percentAt(trafficSteps(run.settings.steps), step)
  switch (state.phase) {
    case 'discover':
      return { where: 'during discovery', changes: 'nothing' }
    case 'render':
      return { where: 'while rendering the task definition', changes: 'nothing' }
    case 'register':
      return { where: 'before registering the new revision', changes: 'nothing' }
    case 'bring-up':
      return { where: `before bringing up ${state.pair.idle.service}`, changes: 'idle' }
    case 'resume':
      return {
        where: `before resuming the rollout to ${state.pair.idle.service}`,
        changes: 'nothing'
      }
    case 'shift':
      return { where: `before the shift to ${percent(state.step)}%`, changes: 'traffic' }
    case 'bake':
      return { where: `during bake at ${percent(state.step)}%`, changes: 'traffic' }
    default:
      return undefined
  }
}

/**
 * For the action's post: step, when the main step died mid-rollout: all traffic back on the side
 * that was live (see revert.ts), then the test listener pointed back after it, whatever the
 * first did (it follows what the production route reads).
 */
export async function restoreTraffic(
  checkpoint: TrafficCheckpoint,
  deps: Parameters<typeof returnToLive>[1]
): Promise<'restored' | 'already-restored'> {
  try {
    return await returnToLive(checkpoint, deps)
  } finally {
    await restoreTestRoute(checkpoint, deps)
  }
}
