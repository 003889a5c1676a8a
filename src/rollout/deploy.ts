import { bake } from './bake.js'
import { bringUp } from './bring-up.js'
import { errorText, interruption, type RolloutDeps, type RunContext } from './context.js'
import { decide, type Observed } from './decide.js'
import { migrate } from './migrate.js'
import { pause } from './pause.js'
import { percentAt, trafficSteps } from './plan.js'
import { discover, register, render } from './prepare.js'
import { promote, scaleDown } from './promote.js'
import { recheck } from './recheck.js'
import { AbortedByOtherError, RecordError, TakenOverError } from './errors.js'
import { revert } from './revert.js'
import { shift } from './shift.js'
import type { RolloutOutcome, Settings } from './settings.js'
import type { Changed, RolloutState } from './state.js'

export type { RolloutDeps } from './context.js'
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
  if (initial.phase === 'revert' && initial.writesInFlightAt !== undefined) {
    run.uncertainWriteAt = initial.writesInFlightAt
  }
  let state = initial
  while (state.phase !== 'done') {
    state = await entered(decide(state, await work(state, run), settings), run)
  }
  const evidence = run.watching?.evidence
  const autoScaling = run.scalingNotes?.join('; ')
  const interruptedTasks = run.interruptedTasks
  const migration = run.migration
  return {
    ...state.outcome,
    ...(migration ? { migration } : {}),
    ...(evidence ? { evidence } : {}),
    ...(autoScaling ? { autoScaling } : {}),
    ...(interruptedTasks ? { interruptedTasks } : {})
  }
}

/**
 * Tells the store the state the rollout enters, before its work starts. A store that cannot
 * record it stops the work of that state from starting (its change is never made unannounced):
 * the state fails as if its work had failed before changing anything, which for a run that has
 * changed something already is a revert. A run aborted by another one stops where it is.
 */
async function entered(next: RolloutState, run: RunContext): Promise<RolloutState> {
  let state = next
  for (;;) {
    try {
      await run.deps.onState?.(state)
      return state
    } catch (error) {
      if (state.phase === 'done') throw error
      if (error instanceof AbortedByOtherError) {
        state = decide(
          state,
          { kind: 'stopped', reason: `cancelled (${error.stop})` },
          run.settings
        )
      } else if (error instanceof RecordError) {
        state = decide(state, unrecorded(state, error.message, run), run.settings)
      } else throw error
    }
  }
}

/** A state whose record could not be written: what its work would have reported, unstarted. */
function unrecorded(
  state: Exclude<RolloutState, { phase: 'done' }>,
  reason: string,
  run: RunContext
): Observed {
  if (state.phase === 'scale-down') {
    const old = state.pair.live
    const delay = state.pair.scaleDownDelayMs
    // the record the run ends with, if it can be written, leaves the scale-down to the next run
    const due =
      run.deps.deferScaleDown && delay !== null
        ? (state.dueAt ?? state.promotedAt + delay)
        : undefined
    return {
      kind: 'scaled-down',
      note: `not scaled down: ${reason}; ${old.service} still runs ${old.desiredCount} tasks`,
      ...(due === undefined ? {} : { dueAt: due })
    }
  }
  return { kind: 'failed', changed: 'nothing', reason, stoppedTasks: [], serviceEvents: [] }
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
    // the run that aborted this one returns the traffic itself
    if (error instanceof AbortedByOtherError) {
      const where = guard ? ` ${guard.where}` : ''
      return { kind: 'stopped', reason: `cancelled (${error.stop})${where}` }
    }
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
    case 'migrate':
      return migrate(state, run)
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
    case 'migrate':
      // once started, a stop before or while it is waited for reverts, and the revert stops it
      return state.taskArn === undefined
        ? { where: 'before the migration task started', changes: 'idle' }
        : { where: 'while the migration task ran', changes: 'idle' }
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
