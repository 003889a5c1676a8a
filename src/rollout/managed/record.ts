import { MAX_VALUE, TAG_PREFIX } from '../durable/tags.js'
import type { ManagedState } from './state.js'

/**
 * The record of a deploy of a service that ECS deploys itself, in tags of its production
 * listener rule: which service deployment a run follows, whose run it is and when it was last
 * alive. Kept apart from a pair's record (its own keys), so neither mode misreads the other.
 */
export interface ManagedRecord {
  /** the state's phase, or the result once done */
  phase: string
  /** the new revision; for `start`, what UpdateService is about to deploy */
  revision?: string
  previous?: string
  deploymentArn?: string
  /** when the run started (a takeover keeps it, so that `start` finds its deployment) */
  startedAt: number
  ownerToken: string
  heartbeatAt: number
}

const KEYS = {
  phase: `${TAG_PREFIX}managed-phase`,
  revision: `${TAG_PREFIX}managed-revision`,
  previous: `${TAG_PREFIX}managed-previous`,
  deploymentArn: `${TAG_PREFIX}managed-deployment`,
  startedAt: `${TAG_PREFIX}managed-started-at`,
  ownerToken: `${TAG_PREFIX}managed-owner`,
  heartbeatAt: `${TAG_PREFIX}managed-heartbeat`
} as const

export const MANAGED_KEYS: readonly string[] = Object.values(KEYS)

/** Phases in which a run is working on the deployment (it holds the service while alive). */
const ACTIVE = ['start', 'follow', 'continue', 'roll-back', 'rolling-back']

export function isWorking(record: ManagedRecord): boolean {
  return ACTIVE.includes(record.phase)
}

export function recordOf(
  state: ManagedState,
  ownerToken: string,
  now: number,
  startedAt: number
): ManagedRecord | undefined {
  if (state.phase === 'inspect' || state.phase === 'render' || state.phase === 'register') {
    return undefined
  }
  if (state.phase === 'done') {
    const { outcome } = state
    return {
      phase: outcome.result,
      ...(outcome.taskDefinitionArn ? { revision: outcome.taskDefinitionArn } : {}),
      ...(outcome.previousTaskDefinitionArn ? { previous: outcome.previousTaskDefinitionArn } : {}),
      ...(outcome.serviceDeployment ? { deploymentArn: outcome.serviceDeployment.arn } : {}),
      startedAt,
      ownerToken,
      heartbeatAt: now
    }
  }
  return {
    phase: state.phase,
    revision: state.release.taskDefinitionArn,
    previous: state.release.previousTaskDefinitionArn,
    ...('deploymentArn' in state ? { deploymentArn: state.deploymentArn } : {}),
    startedAt: state.startedAt,
    ownerToken,
    heartbeatAt: now
  }
}

export function encodeManaged(record: ManagedRecord): Record<string, string> {
  const tags: Record<string, string> = {
    [KEYS.phase]: record.phase,
    [KEYS.startedAt]: String(record.startedAt),
    [KEYS.ownerToken]: record.ownerToken,
    [KEYS.heartbeatAt]: String(record.heartbeatAt)
  }
  for (const field of ['revision', 'previous', 'deploymentArn'] as const) {
    const value = shortened(field, record[field])
    if (value !== undefined) tags[KEYS[field]] = value
  }
  return tags
}

/**
 * A value as a tag can hold it (256 characters): a task definition ARN too long for that is kept
 * as `family:revision`, which ECS resolves in the same account and region; what is still too
 * long is left out, read back as unknown, rather than failing the write and with it the run.
 */
function shortened(
  field: 'revision' | 'previous' | 'deploymentArn',
  value: string | undefined
): string | undefined {
  if (value === undefined || value === '') return undefined
  if (value.length <= MAX_VALUE) return value
  const label = field === 'deploymentArn' ? '' : (value.split('/').at(-1) ?? '')
  return label !== '' && label.length <= MAX_VALUE ? label : undefined
}

/** undefined: no record (or not one this mode wrote) */
export function decodeManaged(tags: Record<string, string>): ManagedRecord | undefined {
  const phase = tags[KEYS.phase]
  const owner = tags[KEYS.ownerToken]
  const heartbeat = Number(tags[KEYS.heartbeatAt])
  const started = Number(tags[KEYS.startedAt])
  if (!phase || !owner || !Number.isFinite(heartbeat) || !Number.isFinite(started)) return undefined
  const text = (key: string): string | undefined => tags[key] || undefined
  const revision = text(KEYS.revision)
  const previous = text(KEYS.previous)
  const deploymentArn = text(KEYS.deploymentArn)
  return {
    phase,
    ...(revision ? { revision } : {}),
    ...(previous ? { previous } : {}),
    ...(deploymentArn ? { deploymentArn } : {}),
    startedAt: started,
    ownerToken: owner,
    heartbeatAt: heartbeat
  }
}
