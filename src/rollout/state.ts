import type { RegisteredRevision, Route, TaskDefinition } from './ports.js'
import type { PairScaling } from './scaling/found.js'
import type { ClusterRoom, PairCapacity } from './capacity/room.js'
import type { RolloutOutcome, StoppedTaskReport } from './settings.js'

/**
 * The rollout as plain data: everything a run needs to carry on from a state, so that a state
 * written to AWS tags can be resumed by another runner. No class instances, no functions.
 */

/** One service of the pair, as discovery found it. */
export interface Side {
  service: string
  targetGroupArn: string
  /** from the ARN (`targetgroup/<name>/<id>`), for messages */
  targetGroupName: string
  /** the container and port the service registers in its target group */
  containerName?: string
  containerPort?: number
  taskDefinitionArn: string
  desiredCount: number
  runningCount: number
}

export interface Pair {
  cluster: string
  /** the route as last read; writes go through it so the adapter keeps every other action */
  route: Route
  /** carrying all traffic when the run started */
  live: Side
  /** the side the release goes to */
  idle: Side
  /** resolved: null keeps the old side warm */
  scaleDownDelayMs: number | null
  /** both sides' scalable targets as found before the rollout; absent when not read */
  scaling?: PairScaling
  /** EC2: the cluster's free capacity as found (discovery), and what the release needs of it (render) */
  room?: ClusterRoom
  capacity?: PairCapacity
}

export interface Release {
  taskDefinitionArn: string
  /** `family:revision`, as people say it */
  label: string
  previousTaskDefinitionArn: string
}

/**
 * How far this run has changed AWS, which decides what a revert has to undo: `idle` means the
 * idle service was updated, `traffic` that a weight may have been written.
 */
export type Changed = 'nothing' | 'idle' | 'traffic'

export interface Failure {
  reason: string
  stoppedTasks: StoppedTaskReport[]
  serviceEvents: string[]
}

interface Running {
  startedAt: number
  pair: Pair
  release: Release
}

export type RolloutState =
  | { phase: 'discover'; startedAt: number }
  | { phase: 'render'; startedAt: number; pair: Pair }
  | {
      phase: 'register'
      startedAt: number
      pair: Pair
      rendered: TaskDefinition
      family: string
      /** `task-definition` named this revision and nothing was rendered: it is deployed as is */
      existing?: RegisteredRevision
    }
  | (Running & { phase: 'bring-up'; changed: Changed })
  /**
   * The one-off task (settings.migration) runs on the new revision once the idle side is healthy,
   * before any weight moves. Entered twice: without `taskArn` it starts the task; then, recorded
   * with the task's ARN (durable: a later run follows that task rather than start another one),
   * it waits for the task to stop. Exit 0 goes on to the first step; anything else reverts.
   */
  | (Running & { phase: 'migrate'; changed: Changed; taskArn?: string })
  /**
   * A stored rollout picked up again (promote after a pause, or an interrupted run): the idle side
   * is checked healthy before `step` is entered, since it may have changed while nobody watched.
   * `migrationTask`: the run stopped while this one-off task ran; it is followed to its end (never
   * started again) before `step` is entered.
   */
  | (Running & { phase: 'resume'; step: number; changed: Changed; migrationTask?: string })
  /** `step` indexes the run's traffic steps (see trafficSteps) */
  | (Running & { phase: 'shift'; step: number; changed: Changed })
  | (Running & { phase: 'bake'; step: number; bakeStartedAt: number; changed: 'traffic' })
  | (Running & { phase: 'pause'; step: number; changed: Changed })
  | (Running & { phase: 'promote' })
  /** `dueAt`: when the old side is to be scaled to 0 (default: promotedAt + the delay) */
  | (Running & { phase: 'scale-down'; promotedAt: number; dueAt?: number })
  | (Running & {
      phase: 'revert'
      changed: Changed
      failure: Failure
      /**
       * A run that died may have had a weight write in flight when it did (its post step does
       * not know): the revert treats its writes as unanswered as of this time (see revert.ts)
       */
      writesInFlightAt?: number
      /** a one-off task of the rollout that may still run: stopped before the idle side is scaled down */
      migrationTask?: string
    })
  | { phase: 'done'; outcome: RolloutOutcome }

export type Phase = RolloutState['phase']

const ORDER: Changed[] = ['nothing', 'idle', 'traffic']

export function moreChanged(a: Changed, b: Changed): Changed {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b
}
