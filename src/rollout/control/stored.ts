import { TopologyError } from '../errors.js'
import type { RolloutRecord } from '../durable/record.js'
import type { StoredState } from '../durable/store.js'

/**
 * The record a manual command acts on. promote, abort and rollback act only on what the action
 * itself wrote about this pair: anything else is refused before a change, saying what was found.
 */
export function recordFor(
  stored: StoredState,
  command: 'promote' | 'abort' | 'rollback',
  routeArn: string
): RolloutRecord {
  if (stored.kind === 'record') return stored.record
  if (stored.kind === 'unreadable') {
    throw new TopologyError(
      `the rollout state on ${routeArn} cannot be used for ${command}: ${stored.problem}. ` +
        'Nothing was changed; run the action with command: status to see the pair, and fix or ' +
        `remove the ecs-blue-green: tags of ${routeArn} if they are not this action's`
    )
  }
  throw new TopologyError(
    `there is no rollout state on ${routeArn} (tags ecs-blue-green:*), so there is nothing to ` +
      `${command}; nothing was changed`
  )
}

/** "the last rollout on <route> (to web-green) was promoted" */
export function settledWords(record: RolloutRecord, routeArn: string): string {
  const what = record.kind === 'rollback' ? 'rollback' : 'rollout'
  return `the last ${what} on ${routeArn} (to ${record.idle.service}) ${
    record.phase === 'paused' ? 'is paused' : `was ${record.phase}`
  }`
}
