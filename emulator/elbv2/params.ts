import { AwsError } from '../core/errors.js'

/**
 * Reading Query-protocol parameters: every scalar arrives as a string, an empty list as `''` or
 * not at all. Model tests may pass real numbers and booleans; both are accepted.
 */
export type Params = Record<string, unknown>

export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message)
}

/** AWS names members in lower camel case in its validation messages. */
function memberName(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1)
}

export function notNull(key: string): AwsError {
  return validationError(
    `1 validation error detected: Value null at '${memberName(key)}' failed to satisfy constraint: Member must not be null`
  )
}

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw validationError(`${memberName(key)} must be a string`)
}

export function requiredString(params: Params, key: string): string {
  const value = optionalString(params, key)
  if (value === undefined || value === '') throw notNull(key)
  return value
}

export function optionalInt(
  params: Params,
  key: string,
  range: { min?: number; max?: number } = {}
): number | undefined {
  const raw = params[key]
  if (raw === undefined || raw === null || raw === '') return undefined
  const value = typeof raw === 'number' ? raw : Number(raw)
  if (!Number.isInteger(value)) {
    throw validationError(`${memberName(key)} must be an integer, got '${String(raw)}'`)
  }
  const { min, max } = range
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const bounds =
      max === undefined
        ? `greater than or equal to ${min}`
        : min === undefined
          ? `less than or equal to ${max}`
          : `between ${min} and ${max}`
    throw validationError(
      `1 validation error detected: Value '${value}' at '${memberName(key)}' failed to satisfy constraint: Member must have value ${bounds}`
    )
  }
  return value
}

export function optionalBool(params: Params, key: string): boolean | undefined {
  const raw = params[key]
  if (raw === undefined || raw === null || raw === '') return undefined
  if (raw === true || raw === 'true') return true
  if (raw === false || raw === 'false') return false
  throw validationError(`${memberName(key)} must be true or false, got '${String(raw)}'`)
}

export function list(params: Params, key: string): unknown[] {
  const raw = params[key]
  if (raw === undefined || raw === null || raw === '') return []
  if (Array.isArray(raw)) return raw
  throw validationError(`${memberName(key)} must be a list`)
}

export function stringList(params: Params, key: string): string[] {
  return list(params, key).map((item) => {
    if (typeof item !== 'string')
      throw validationError(`${memberName(key)} must be a list of strings`)
    return item
  })
}

export function object(params: Params, key: string): Params | undefined {
  const raw = params[key]
  if (raw === undefined || raw === null || raw === '') return undefined
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Params
  throw validationError(`${memberName(key)} must be a structure`)
}

/** A list whose members are structures. */
export function objectList(params: Params, key: string): Params[] {
  return list(params, key).map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw validationError(`${memberName(key)} must be a list of structures`)
    }
    return item as Params
  })
}

/** One page of a Describe call (`Marker` is the index to start from, as a string). */
export function page<T>(items: T[], params: Params): { items: T[]; NextMarker?: string } {
  const size = optionalInt(params, 'PageSize', { min: 1, max: 400 }) ?? 400
  const marker = optionalString(params, 'Marker')
  const start = marker === undefined ? 0 : Number(marker)
  if (!Number.isInteger(start) || start < 0)
    throw validationError(`The marker '${marker}' is not valid`)
  const slice = items.slice(start, start + size)
  return start + size < items.length
    ? { items: slice, NextMarker: String(start + size) }
    : { items: slice }
}

/**
 * Describe*'s `Names` filter: the named resources of the caller's region, or ELBv2's not-found
 * error naming every name that has none.
 */
export function selectByName<T extends { name: string; region: string }>(
  all: Iterable<T>,
  region: string,
  names: string[],
  notFound: { code: string; noun: string }
): T[] {
  const inRegion = [...all].filter((item) => item.region === region)
  if (names.length === 0) return inRegion
  const missing = names.filter((name) => !inRegion.some((item) => item.name === name))
  if (missing.length > 0) {
    throw new AwsError(notFound.code, `${notFound.noun} '[${missing.join(', ')}]' not found`)
  }
  return inRegion.filter((item) => names.includes(item.name))
}
