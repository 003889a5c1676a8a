import type { TaskDefinition } from '../rollout/ports.js'
import { stripReadOnlyFields } from './strip.js'

/**
 * Arrays whose order ECS does not give a meaning to: entries are set by name, so a reordering
 * is not a change worth a new revision.
 */
const SETS_BY_NAME = new Set(['environment', 'secrets'])

/**
 * The definition as it matters to ECS, for comparing and printing: no read-only fields, object
 * keys sorted, and null, empty arrays and empty objects left out. ECS echoes `environment: []`,
 * `mountPoints: []` and the like for fields that were never given, so a definition read back from
 * ECS must equal the one that was registered.
 */
export function normalizeTaskDefinition(definition: TaskDefinition): unknown {
  return normalize(stripReadOnlyFields(definition), '') ?? {}
}

function normalize(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item, '')).filter((item) => item !== undefined)
    if (items.length === 0) return undefined
    return SETS_BY_NAME.has(key) ? items.sort(byName) : items
  }
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {}
    for (const field of Object.keys(value).sort()) {
      const normalized = normalize((value as Record<string, unknown>)[field], field)
      if (normalized !== undefined) result[field] = normalized
    }
    return Object.keys(result).length === 0 ? undefined : result
  }
  return value
}

function byName(a: unknown, b: unknown): number {
  const nameA = nameOf(a)
  const nameB = nameOf(b)
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0
}

function nameOf(value: unknown): string {
  const name = typeof value === 'object' && value !== null && 'name' in value ? value.name : ''
  return typeof name === 'string' ? name : ''
}
