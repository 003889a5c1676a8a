import { formatDuration } from './duration.js'
import type { CapacityPort } from './capacity/ports.js'
import type {
  Clock,
  EcsPort,
  ElbPort,
  HttpProbePort,
  MetricsPort,
  RolloutObserver,
  RevisionsPort,
  ScalingPort,
  SideHealth
} from './ports.js'
import type { IdleSnapshot, IdleWatcher } from './observe.js'
import type { OwnWrite } from './own-writes.js'
import type { MigrationReport, Settings } from './settings.js'
import type { Pair, RolloutState } from './state.js'
import { idleHealth } from './gates.js'
import { Watching } from './watch/watching.js'

export interface RolloutDeps {
  ecs: EcsPort
  elb: ElbPort
  clock: Clock
  observer: RolloutObserver
  /** CloudWatch, for the alarm gate and metric analysis (settings.watch) */
  metrics?: MetricsPort
  /**
   * Application Auto Scaling: the rollout keeps scaling from fighting it and restores it after
   * (absent: the services are taken as not scaled by it)
   */
  scaling?: ScalingPort
  /** an EC2 cluster's free capacity, stated before bring-up (absent: not stated) */
  capacity?: CapacityPort
  /** the family's revisions, for keep-revisions (absent: revisions are never deregistered) */
  revisions?: RevisionsPort
  /** the HTTP client of the test traffic (settings.watch.testTraffic) */
  probe?: HttpProbePort
  /** aborted on SIGINT/SIGTERM (a GitHub cancel); a string reason ('SIGTERM') is quoted in the outcome */
  signal?: AbortSignal
  /**
   * Whether AWS throttled a call of this run lately: the account's request rate is shared with
   * other rollouts, so the run reads less often until it is not (see pollUntil).
   */
  crowded?: () => boolean
  /**
   * Runs `work` with its AWS calls waiting out throttling for `ms` from now, instead of until the
   * run's timeout: longer for what returns traffic, shorter for what must not hold it back
   * (absent: calls are not throttled, as with in-memory ports).
   */
  patientFor?: <T>(ms: number, work: () => Promise<T>) => Promise<T>
  /**
   * runs `work` with each AWS call tried once: a throttled one fails (NotCarriedOutError) instead
   * of being tried again, so that the caller checks afresh first. Absent: calls run as they are.
   */
  once?: <T>(work: () => Promise<T>) => Promise<T>
  /**
   * told each state the rollout enters: plain data, to be stored and resumed with runRollout.
   * Awaited before the state's work starts, so a store can finish writing it first.
   */
  onState?: (state: RolloutState) => void | Promise<void>
  /**
   * called on every poll of a long wait (bring-up, bake, the scale-down delay), so a store can
   * show the rollout is alive and notice another run stepping in. Throttles itself, and writes
   * nothing once the run is cancelled or out of time.
   */
  heartbeat?: () => Promise<void>
  /**
   * checks now, reading only, that this run still owns the rollout: aborts the signal when
   * another run aborted it, throws TakenOverError when another run took it over
   */
  confirmOwner?: () => Promise<void>
  /**
   * the rollout is kept in a record: a scale-down due more than IN_RUN_SCALE_DOWN_MAX_MS after
   * promotion is left to the next run on the route (the record holds its due time) instead of
   * being waited for in this run
   */
  deferScaleDown?: boolean
}

/** What one run keeps besides its state: the ports, the deadline and the idle side's watcher. */
export interface RunContext {
  settings: Settings
  deps: RolloutDeps
  deadline: number
  watcher?: IdleWatcher
  /** the latest successful poll of the idle side, for the timeline */
  last?: IdleSnapshot
  /** when a weight write of this run got no answer: AWS may still apply it (see revert) */
  uncertainWriteAt?: number
  /** alarms, metric windows and test traffic: what users see (settings.watch) */
  watching?: Watching
  /** the count the run last raised the new side to, following the live side, and when */
  followed?: { count: number; at: number }
  /** the new side's count when every wanted task last served, and the interruptions seen by then */
  capacity?: { serving: number; interrupted: number }
  /** interrupted tasks already reported */
  interruptionsTold?: Set<string>
  /** and in words, for the outcome */
  interruptedTasks?: string[]
  /** what the run did to Application Auto Scaling, in words, for the outcome */
  scalingNotes?: string[]
  /** the one-off task of this run, as last seen */
  migration?: MigrationReport
  /** the run's UpdateService of the idle side's revision, until ECS's reads show it (own-writes.ts) */
  ownWrite?: OwnWrite
}

/** Keeps a line about auto scaling for the outcome. */
export function noteScaling(run: RunContext, note: string | undefined): void {
  if (note) (run.scalingNotes ??= []).push(note)
}

/** The run's watch of alarms and metrics, made on first use; undefined when nothing is watched. */
export function watchingFor(run: RunContext): Watching | undefined {
  const watch = run.settings.watch
  if (!watch) return undefined
  run.watching ??= new Watching(watch, run.deps)
  return run.watching
}

/** Why the run has to stop now, if it has to: a cancel or the overall timeout. */
export function interruption(run: RunContext, where: string): string | undefined {
  const { signal, clock } = run.deps
  if (signal?.aborted) return `${cancelWords(signal)} ${where}`
  if (clock.now() >= run.deadline) {
    return `timed out after ${formatDuration(run.settings.timeoutMs)} ${where}`
  }
  return undefined
}

function cancelWords(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  if (typeof reason === 'string' && reason !== '') return `cancelled (${reason})`
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message !== '') {
    return `cancelled (${reason.message})`
  }
  return 'cancelled'
}

/**
 * A timeline entry with the health of each side from the latest poll. The live side's health is
 * its running count out of desired: reading its target health as well would double the calls
 * of every poll for a number only the report shows.
 */
export function recordTimeline(
  run: RunContext,
  pair: Pair,
  event: string,
  idleWeight: number
): void {
  const last = run.last
  const liveView = last?.live
  const live: SideHealth = liveView
    ? { healthy: liveView.runningCount, total: liveView.desiredCount }
    : { healthy: pair.live.runningCount, total: pair.live.desiredCount }
  const idle: SideHealth = last
    ? idleHealth(last, pair.idle)
    : { healthy: pair.idle.runningCount, total: pair.idle.desiredCount }
  run.deps.observer.timeline({
    at: run.deps.clock.now(),
    event,
    liveWeight: 100 - idleWeight,
    idleWeight,
    live,
    idle
  })
}

/** `work` with each AWS call tried once (`deps.once`), where the deps have it. */
export function withOneTry<T>(deps: Pick<RolloutDeps, 'once'>, work: () => Promise<T>): Promise<T> {
  return deps.once ? deps.once(work) : work()
}

/** `work` with `deps.patientFor(ms)`, where the deps have it. */
export function withCallPatience<T>(
  deps: Pick<RolloutDeps, 'patientFor'>,
  ms: number,
  work: () => Promise<T>
): Promise<T> {
  return deps.patientFor ? deps.patientFor(ms, work) : work()
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
