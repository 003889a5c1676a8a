import type { TaskDefinition } from '../rollout/ports.js'

/**
 * Fields that describe-task-definition returns but RegisterTaskDefinition refuses. `tags` is not
 * refused, but describe-task-definition returns it beside the definition rather than inside, so
 * a top-level `tags` here is that wrapper's copy and would re-tag the new revision by accident.
 */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'tags'
] as const

/** A deep copy of the definition that RegisterTaskDefinition accepts as it is. */
export function stripReadOnlyFields(definition: TaskDefinition): TaskDefinition {
  const copy = structuredClone(definition)
  for (const field of READ_ONLY_FIELDS) delete copy[field]
  return copy
}

/**
 * `aws ecs describe-task-definition` prints `{ "taskDefinition": {...}, "tags": [...] }`; people
 * save that output as their task definition file. Returns the inner definition for that shape and
 * the value unchanged for anything else (a bare definition, or something invalid that the caller
 * will refuse with its own message).
 */
export function unwrapTaskDefinitionFile(json: unknown): unknown {
  if (!isRecord(json) || 'containerDefinitions' in json) return json
  const inner = json['taskDefinition']
  return isRecord(inner) ? inner : json
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
