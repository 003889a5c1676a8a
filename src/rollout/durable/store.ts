import type { TagPort } from '../ports.js'
import type { Settings } from '../settings.js'
import type { RolloutRecord } from './record.js'
import {
  decodeRecord,
  encodeHeartbeat,
  encodeRecord,
  MAX_TAGS,
  otherTagCount,
  STATE_KEYS,
  TAG_PREFIX
} from './tags.js'

/** The route's state as a run finds it. `tags` are all of them, to put back what was there. */
export type StoredState = (
  | { kind: 'none' }
  | { kind: 'record'; record: RolloutRecord }
  /** corrupt, from a newer version, or about another pair: reported, never acted on */
  | { kind: 'unreadable'; problem: string }
) & { tags: Record<string, string> }

/** Reads and checks the state on the route: it must be readable and about this pair. */
export async function readState(tags: TagPort, settings: Settings): Promise<StoredState> {
  const all = await tags.readTags(settings.routeArn)
  const decoded = decodeRecord(all)
  if (decoded.kind !== 'record') return { ...decoded, tags: all }
  const foreign = foreignTo(decoded.record, settings)
  if (foreign) return { kind: 'unreadable', problem: foreign, tags: all }
  return { ...decoded, tags: all }
}

/** Why a record is not about the pair this run was given, if it is not. */
export function foreignTo(record: RolloutRecord, settings: Settings): string | undefined {
  const cluster = clusterName(settings.cluster)
  const named = [record.live.service, record.idle.service].sort().join(', ')
  const given = [...settings.services].sort().join(', ')
  if (record.cluster !== cluster || named !== given) {
    return (
      `it is about services ${named} of cluster ${record.cluster}, not ${given} of ${cluster}; ` +
      'another pair (or another workflow) uses this listener'
    )
  }
  return undefined
}

/** `arn:aws:ecs:...:cluster/prod` -> `prod` */
export function clusterName(cluster: string): string {
  return cluster.slice(cluster.lastIndexOf('/') + 1)
}

/** Writes the whole record; refuses to (before the call) when the route has too many tags. */
export async function writeRecord(
  tags: TagPort,
  routeArn: string,
  record: RolloutRecord,
  others: number
): Promise<void> {
  await tags.writeTags(routeArn, checkRoom(routeArn, record, others))
}

/** The record as tags, when it can be stored on the route; throws when it cannot. */
export function checkRoom(
  routeArn: string,
  record: RolloutRecord,
  others: number
): Record<string, string> {
  const encoded = encodeRecord(record)
  if (others + STATE_KEYS.length > MAX_TAGS) {
    throw new Error(
      `${routeArn} has ${others} tags of its own; the rollout state needs ${STATE_KEYS.length} ` +
        `more and a listener or rule can have at most ${MAX_TAGS}: remove some of its tags`
    )
  }
  return encoded
}

export async function writeHeartbeat(tags: TagPort, routeArn: string, at: number): Promise<void> {
  await tags.writeTags(routeArn, encodeHeartbeat(at))
}

/**
 * Puts back the state tags a run found, when the run ended up changing nothing: a claim must not
 * wipe out the record of the rollout before it (a rollback needs it).
 */
export async function restoreTags(
  tags: TagPort,
  routeArn: string,
  found: Record<string, string>
): Promise<void> {
  const own = Object.fromEntries(
    Object.entries(found).filter(([name]) => name.startsWith(TAG_PREFIX))
  )
  const gone = STATE_KEYS.filter((name) => !(name in own))
  if (Object.keys(own).length > 0) await tags.writeTags(routeArn, own)
  if (gone.length > 0) await tags.removeTags(routeArn, gone)
}

export { otherTagCount }
