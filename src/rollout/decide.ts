import { planLines, trafficSteps } from './plan.js'
import type { PairCapacity } from './capacity/room.js'
import type { RegisteredRevision, Route, TaskDefinition } from './ports.js'
import type { RolloutOutcome, RolloutResultKind, Settings } from './settings.js'
import {
  moreChanged,
  type Changed,
  type Failure,
  type Pair,
  type Release,
  type RolloutState
} from './state.js'

/** What the work of a state reported: the input of `decide`. */
export type Observed =
  | { kind: 'discovered'; pair: Pair }
  | {
      kind: 'rendered'
      rendered: TaskDefinition
      same: boolean
      diff?: string
      /** an existing revision deployed as it is (nothing is registered) */
      existing?: RegisteredRevision
      /** EC2: what the idle side needs of the cluster's room */
      capacity?: PairCapacity
    }
  | { kind: 'registered'; revision: RegisteredRevision }
  | { kind: 'idle-healthy' }
  /** the one-off task was started (RunTask answered): it is recorded before it is waited for */
  | { kind: 'migration-started'; taskArn: string }
  /** the one-off task exited 0 */
  | { kind: 'migrated' }
  | { kind: 'shifted'; route: Route; at: number }
  | { kind: 'baked' }
  | { kind: 'paused' }
  | { kind: 'promoted'; at: number }
  /**
   * `dueAt`: when the old side is (or was) due to be scaled to 0; `doneAt`: when this run scaled
   * it down. A `dueAt` without `doneAt` is left to the next run on the route (or `command: tidy`)
   */
  | { kind: 'scaled-down'; note: string; dueAt?: number; doneAt?: number }
  | { kind: 'reverted'; landed: true }
  | { kind: 'reverted'; landed: false; error: string }
  /** another run aborted the rollout and undoes it: this run ends without changing anything more */
  | { kind: 'stopped'; reason: string }
  /** `changed`: how far the failing work itself got (an update or write that may have landed) */
  | ({ kind: 'failed'; changed: Changed } & Failure)

/**
 * The one place that decides what a rollout does next, from the state it is in and what the work
 * of that state observed. Pure: no I/O, no clock, so every path through a rollout can be read
 * here and tested without AWS.
 */
export function decide(state: RolloutState, observed: Observed, settings: Settings): RolloutState {
  if (observed.kind === 'failed') return onFailure(state, observed, settings)
  if (observed.kind === 'stopped') return onStopped(state, observed.reason, settings)
  const steps = trafficSteps(settings.steps)
  switch (state.phase) {
    case 'discover':
      if (observed.kind !== 'discovered') break
      return { phase: 'render', startedAt: state.startedAt, pair: observed.pair }
    case 'render': {
      if (observed.kind !== 'rendered') break
      const pair = observed.capacity ? { ...state.pair, capacity: observed.capacity } : state.pair
      const family = observed.rendered.family
      const existing = observed.existing
      if (observed.same) {
        return done(settings, pair, 'unchanged', {
          taskDefinitionArn: pair.live.taskDefinitionArn,
          previousTaskDefinitionArn: pair.live.taskDefinitionArn,
          plan: []
        })
      }
      if (settings.dryRun) {
        return done(settings, pair, 'planned', {
          previousTaskDefinitionArn: pair.live.taskDefinitionArn,
          plan: planLines(
            settings,
            pair,
            existing ? `${existing.family}:${existing.revision}` : `a new revision of ${family}`
          ),
          taskDefinitionDiff: observed.diff
        })
      }
      return {
        phase: 'register',
        startedAt: state.startedAt,
        pair,
        rendered: observed.rendered,
        family,
        ...(existing ? { existing } : {})
      }
    }
    case 'register': {
      if (observed.kind !== 'registered') break
      const { revision } = observed
      const release: Release = {
        taskDefinitionArn: revision.arn,
        label: `${revision.family}:${revision.revision}`,
        previousTaskDefinitionArn: state.pair.live.taskDefinitionArn
      }
      return {
        phase: 'bring-up',
        startedAt: state.startedAt,
        pair: state.pair,
        release,
        changed: 'nothing'
      }
    }
    case 'bring-up':
      if (observed.kind !== 'idle-healthy') break
      if (settings.migration) return { ...running(state), phase: 'migrate', changed: 'idle' }
      return enterStep(state, 0, 'idle', steps)
    case 'migrate':
      if (observed.kind === 'migration-started' && state.taskArn === undefined) {
        return { ...state, taskArn: observed.taskArn }
      }
      // the one-off task runs before any traffic moves: the first step comes next, whatever
      // a record it was resumed from said (a migration is only ever recorded before step 0)
      if (observed.kind === 'migrated') return enterStep(state, 0, state.changed, steps)
      break
    case 'resume': {
      if (observed.kind !== 'idle-healthy') break
      const changed = moreChanged(state.changed, 'idle')
      // a one-off task the interrupted run started: followed to its end, never started again
      if (state.migrationTask !== undefined) {
        return { ...running(state), phase: 'migrate', changed, taskArn: state.migrationTask }
      }
      return enterStep(state, state.step, changed, steps)
    }
    case 'shift':
      if (observed.kind !== 'shifted') break
      return {
        ...running(state),
        pair: { ...state.pair, route: observed.route },
        phase: 'bake',
        step: state.step,
        bakeStartedAt: observed.at,
        changed: 'traffic'
      }
    case 'bake': {
      if (observed.kind !== 'baked') break
      const step = steps[state.step]
      if (step?.kind === 'weight' && step.percent >= 100)
        return { ...running(state), phase: 'promote' }
      return enterStep(state, state.step + 1, state.changed, steps)
    }
    case 'pause':
      if (observed.kind !== 'paused') break
      return done(settings, state.pair, 'paused', releaseFields(state.release))
    case 'promote':
      if (observed.kind !== 'promoted') break
      return { ...running(state), phase: 'scale-down', promotedAt: observed.at }
    case 'scale-down':
      if (observed.kind !== 'scaled-down') break
      return done(settings, state.pair, 'promoted', {
        ...releaseFields(state.release),
        scaleDown: observed.note,
        ...(observed.dueAt === undefined ? {} : { scaleDownAt: observed.dueAt }),
        ...(observed.doneAt === undefined ? {} : { scaledDownAt: observed.doneAt })
      })
    case 'revert': {
      if (observed.kind !== 'reverted') break
      const { failure } = state
      const reason = observed.landed
        ? failure.reason
        : `${failure.reason}; then returning all traffic to ${state.pair.live.service} failed ` +
          `(${observed.error}): run the action with command: abort`
      return done(settings, state.pair, 'reverted', {
        ...releaseFields(state.release),
        reason,
        stoppedTasks: failure.stoppedTasks,
        serviceEvents: failure.serviceEvents
      })
    }
    case 'done':
      break
  }
  throw new Error(`rollout bug: '${observed.kind}' observed in state '${state.phase}'`)
}

function onFailure(
  state: RolloutState,
  failed: Extract<Observed, { kind: 'failed' }>,
  settings: Settings
): RolloutState {
  const failure: Failure = {
    reason: failed.reason,
    stoppedTasks: failed.stoppedTasks,
    serviceEvents: failed.serviceEvents
  }
  switch (state.phase) {
    case 'discover':
      throw new Error(`${failure.reason}; nothing was changed`)
    case 'render':
    case 'register':
      return done(settings, state.pair, 'reverted', {
        reason: `${failure.reason}; nothing was changed`,
        previousTaskDefinitionArn: state.pair.live.taskDefinitionArn
      })
    case 'bring-up':
    case 'migrate':
    case 'resume':
    case 'shift':
    case 'bake': {
      const changed = moreChanged(state.changed, failed.changed)
      if (changed === 'nothing') {
        return done(settings, state.pair, 'reverted', {
          ...releaseFields(state.release),
          ...failure,
          reason: `${failure.reason}; nothing was changed`
        })
      }
      // a one-off task that may still run is stopped by the revert, before the idle side goes
      const task =
        state.phase === 'migrate'
          ? state.taskArn
          : state.phase === 'resume'
            ? state.migrationTask
            : undefined
      return {
        ...running(state),
        phase: 'revert',
        changed,
        failure,
        ...(task ? { migrationTask: task } : {})
      }
    }
    default:
      throw new Error(
        `rollout bug: a failure reported in state '${state.phase}': ${failure.reason}`
      )
  }
}

/** Aborted by another run, which returns the traffic: the outcome says so, nothing is undone here. */
function onStopped(state: RolloutState, reason: string, settings: Settings): RolloutState {
  if (state.phase === 'discover' || state.phase === 'done') {
    throw new Error(`rollout bug: stopped in state '${state.phase}'`)
  }
  if (!('release' in state)) {
    return done(settings, state.pair, 'reverted', {
      reason,
      previousTaskDefinitionArn: state.pair.live.taskDefinitionArn
    })
  }
  return done(settings, state.pair, 'reverted', { ...releaseFields(state.release), reason })
}

/** The next traffic step, or the end of the run at a pause. */
function enterStep(
  state: Extract<RolloutState, { phase: 'bring-up' | 'migrate' | 'resume' | 'bake' }>,
  step: number,
  changed: Changed,
  steps: ReturnType<typeof trafficSteps>
): RolloutState {
  const next = steps[step]
  if (!next) return { ...running(state), phase: 'promote' }
  if (next.kind === 'pause') return { ...running(state), phase: 'pause', step, changed }
  return { ...running(state), phase: 'shift', step, changed }
}

function running(state: { startedAt: number; pair: Pair; release: Release }) {
  return { startedAt: state.startedAt, pair: state.pair, release: state.release }
}

/** After promotion the deployed side is the live one. */
function swap(pair: Pair): Pair {
  return { ...pair, live: pair.idle, idle: pair.live }
}

function releaseFields(release: Release): Partial<RolloutOutcome> {
  return {
    taskDefinitionArn: release.taskDefinitionArn,
    previousTaskDefinitionArn: release.previousTaskDefinitionArn
  }
}

/** `pair` as the run found it; a promoted outcome names the sides as they are after it. */
function done(
  settings: Settings,
  pair: Pair,
  result: RolloutResultKind,
  fields: Partial<RolloutOutcome>
): RolloutState {
  const revision = fields.taskDefinitionArn?.split('/').at(-1)
  const after = result === 'promoted' ? swap(pair) : pair
  const outcome: RolloutOutcome = {
    result,
    liveService: after.live.service,
    idleService: after.idle.service,
    liveTargetGroupArn: after.live.targetGroupArn,
    idleTargetGroupArn: after.idle.targetGroupArn,
    image: settings.release.image,
    stoppedTasks: [],
    serviceEvents: [],
    plan: revision ? planLines(settings, pair, revision) : [],
    ...fields
  }
  return { phase: 'done', outcome }
}
