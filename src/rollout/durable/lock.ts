import { formatDuration } from '../duration.js'
import { DEFAULT_STALE_AFTER_MS, type Settings } from '../settings.js'
import { isActive, ownerWords, type RolloutRecord } from './record.js'
import type { StoredState } from './store.js'

/** Heartbeats go out at most this often: AddTags is a rate-limited, mutating call. */
export const HEARTBEAT_MAX_MS = 30_000

/**
 * How long a look made during a wait (a lock check, a heartbeat) waits out throttling: it only
 * stops a wait sooner, and must not stall the reads that watch the release.
 */
export const LOOK_PATIENCE_MS = 5000

/**
 * Who may start on the route now. `held`: another run works on a rollout and showed it was
 * alive within stale-after. `stale`: such a run went silent, so its rollout was interrupted.
 * `paused`: a rollout waits for promote or abort. `free`: nothing in progress.
 */
export type LockVerdict =
  | { kind: 'free' }
  | { kind: 'held'; record: RolloutRecord; silentMs: number }
  | { kind: 'stale'; record: RolloutRecord; silentMs: number }
  | { kind: 'paused'; record: RolloutRecord }

export function judgeLock(state: StoredState, now: number, staleAfterMs: number): LockVerdict {
  if (state.kind !== 'record') return { kind: 'free' }
  const { record } = state
  if (record.phase === 'paused') return { kind: 'paused', record }
  if (!isActive(record)) return { kind: 'free' }
  const silentMs = Math.max(0, now - record.heartbeatAt)
  return silentMs < staleAfterMs
    ? { kind: 'held', record, silentMs }
    : { kind: 'stale', record, silentMs }
}

export function staleAfter(settings: Settings): number {
  return settings.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
}

/** Often enough that a live run never looks stale, and never more often than every 30s. */
export function heartbeatEvery(settings: Settings): number {
  return Math.min(HEARTBEAT_MAX_MS, Math.max(staleAfter(settings) / 3, 100))
}

/** "another rollout is in progress on ...: run 12 (url) is bringing up web-green, ..." */
export function heldWords(record: RolloutRecord, silentMs: number, routeArn: string): string {
  return (
    `another rollout is in progress on ${routeArn}: ${ownerWords(record.owner)} is ` +
    `${doing(record)} (last heartbeat ${formatDuration(Math.round(silentMs / 1000) * 1000)} ago); ` +
    'wait for it to finish, or run the action with command: abort to stop it'
  )
}

export function pausedWords(record: RolloutRecord, routeArn: string): string {
  return (
    `a rollout to ${record.idle.service} is paused on ${routeArn} (started by ` +
    `${ownerWords(record.owner)}); run the action with command: promote to continue it, or ` +
    `command: abort to return all traffic to ${record.live.service}, then deploy again`
  )
}

/** What the record says its run is doing, in words. */
export function doing(record: RolloutRecord): string {
  const to = record.idle.service
  switch (record.phase) {
    case 'register':
      return `starting a rollout to ${to}`
    case 'bring-up':
      return `bringing up ${to}`
    case 'migrate':
      return `running the migration task before the first shift to ${to}`
    case 'shift':
      return `shifting traffic to ${to}`
    case 'scale-down':
      return `waiting to scale down ${record.live.service} after promoting ${to}`
    case 'aborting':
      return `aborting the rollout to ${to}`
    case 'paused':
      return `paused in the rollout to ${to}`
    default:
      return `done (${record.phase})`
  }
}
