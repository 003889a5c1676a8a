import type { PairScaling } from '../scaling/found.js'
import type { TrafficStep } from '../settings.js'
import type { Changed } from '../state.js'

/**
 * A rollout as it is kept between runs, in the tags of its route: what a later run needs to
 * promote, resume, abort or roll it back, and who is working on it. Not the route or the
 * rendered task definition: those are read again from AWS.
 */
export interface RolloutRecord {
  rolloutId: string
  /** a deploy, or a rollback (which is a rollout back to the previous revision) */
  kind: 'deploy' | 'rollback'
  phase: RecordPhase
  cluster: string
  /** carrying all traffic when the rollout started: where a revert or abort puts it back */
  live: RecordSide
  /** the side the release goes to */
  idle: RecordSide
  /** the release; absent until it is registered */
  revision?: string
  /** what the live side ran when the rollout started */
  previousRevision: string
  /** the steps as the deploy was given them */
  steps: TrafficStep[]
  /** where the rollout is in trafficSteps(steps): the step being shifted to, or the pause */
  step?: number
  /** how far it changed AWS: what a revert has to undo */
  changed: Changed
  startedAt: number
  promotedAt?: number
  /** null: the old side is kept warm */
  scaleDownDelayMs: number | null
  owner: Owner
  /** the owner's last sign of life */
  heartbeatAt: number
  /** why it ended as it did, in words (shortened to fit a tag) */
  reason?: string
  /** Application Auto Scaling as found before the rollout: what is restored (absent: not read) */
  scaling?: PairScaling
  /**
   * phase `migrate`: the one-off task's ARN, once RunTask answered (see migrate.ts). Absent in
   * that phase: the run stopped before it knew whether the task started.
   */
  migrationTask?: string
  /**
   * when the old side (`live`) is due to be scaled to 0, after a promotion whose run did not
   * wait for it (or stopped before it): the next run on the route, or `command: tidy`, does it
   */
  scaleDownAt?: number
  /** when the old side was scaled to 0 (by the promoting run, or a later one) */
  scaledDownAt?: number
}

export interface RecordSide {
  service: string
  targetGroupArn: string
}

/** The run working on a rollout, or the last one that did. */
export interface Owner {
  /** unique to one process: tells two runs of the same workflow run apart */
  token: string
  runId?: string
  runUrl?: string
}

/**
 * `register` to `scale-down` and `aborting`: a run is working on it (it holds the route while
 * its heartbeat is fresh). `paused`: waiting for promote or abort. The rest: settled.
 */
export type RecordPhase = (typeof RECORD_PHASES)[number]

export const RECORD_PHASES = [
  'register',
  'bring-up',
  'migrate',
  'shift',
  'scale-down',
  'aborting',
  'paused',
  'promoted',
  'reverted',
  'aborted',
  'rolled-back'
] as const

const ACTIVE: readonly RecordPhase[] = [
  'register',
  'bring-up',
  'migrate',
  'shift',
  'scale-down',
  'aborting'
]

export function isActive(record: RolloutRecord): boolean {
  return ACTIVE.includes(record.phase)
}

/** The rollout has reached its new side for good: undoing it is a rollback, not an abort. */
export function isPromoted(record: RolloutRecord): boolean {
  return record.phase === 'scale-down' || record.phase === 'promoted'
}

/**
 * A promotion whose old side is still to be scaled to 0 at `scaleDownAt`: the record has settled,
 * the old side is warm, and nobody has scaled it down yet.
 */
export function pendingScaleDown(record: RolloutRecord): number | undefined {
  if (record.phase !== 'promoted' && record.phase !== 'rolled-back') return undefined
  if (record.scaledDownAt !== undefined) return undefined
  return record.scaleDownAt
}

/** "run 123 (https://github.com/o/r/actions/runs/123)", or what is known of it */
export function ownerWords(owner: Owner): string {
  const run = owner.runId ? `run ${owner.runId}` : `a run outside GitHub Actions (${owner.token})`
  return owner.runUrl ? `${run} (${owner.runUrl})` : run
}
