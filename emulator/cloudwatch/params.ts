import { AwsError } from '../core/errors.js'

/**
 * CloudWatch parameters as they arrive: JSON from the current SDK (numbers, epoch-second
 * timestamps, arrays) or Query from an older one (every scalar a string, lists as arrays, an empty
 * list as ''). The readers accept both, so one model serves either protocol.
 */
export type Params = Record<string, unknown>

/**
 * The exceptions use the JSON shape names; the protocol layer writes the Query code the SDK
 * matches them by (`x-amzn-query-error`), e.g. InvalidParameterValue.
 */
export function invalidValue(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message)
}

export function invalidCombination(message: string): AwsError {
  return new AwsError('InvalidParameterCombinationException', message)
}

export function missing(name: string): AwsError {
  return new AwsError('MissingRequiredParameterException', `The parameter ${name} is required.`)
}

export function notFound(message: string): AwsError {
  return new AwsError('ResourceNotFound', message, 404)
}

export function invalidFormat(message: string): AwsError {
  return new AwsError('InvalidFormatFault', message)
}

export function invalidNextToken(): AwsError {
  return new AwsError('InvalidNextToken', 'The NextToken is not valid.')
}

export function limitExceeded(message: string): AwsError {
  return new AwsError('LimitExceededFault', message)
}

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalidValue(`The parameter ${key} must be a string.`)
  return value
}

export function requiredString(params: Params, key: string): string {
  const value = optionalString(params, key)
  if (value === undefined || value === '') throw missing(key)
  return value
}

export function optionalNumber(params: Params, key: string): number | undefined {
  const value = params[key]
  if (value === undefined || value === null || value === '') return undefined
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw invalidValue(`The value ${JSON.stringify(value)} for parameter ${key} is not a number.`)
  }
  return n
}

export function optionalInt(
  params: Params,
  key: string,
  range: { min: number; max?: number }
): number | undefined {
  const n = optionalNumber(params, key)
  if (n === undefined) return undefined
  if (!Number.isInteger(n) || n < range.min || (range.max !== undefined && n > range.max)) {
    const upper = range.max === undefined ? '' : ` and at most ${range.max}`
    throw invalidValue(
      `The value ${n} for parameter ${key} is invalid: it must be an integer of at least ${range.min}${upper}.`
    )
  }
  return n
}

export function optionalBool(params: Params, key: string): boolean | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  throw invalidValue(`The parameter ${key} must be true or false.`)
}

/** A timestamp as epoch seconds (JSON) or ISO 8601 (Query), in wall-clock milliseconds. */
export function optionalTimestamp(params: Params, key: string): number | undefined {
  const value = params[key]
  if (value === undefined || value === null || value === '') return undefined
  let ms = Number.NaN
  if (typeof value === 'number') ms = value * 1000
  else if (typeof value === 'string')
    ms = /^[0-9.]+$/.test(value) ? Number(value) * 1000 : Date.parse(value)
  if (!Number.isFinite(ms)) throw invalidValue(`The parameter ${key} is not a valid timestamp.`)
  return ms
}

export function list(params: Params, key: string): unknown[] {
  const value = params[key]
  if (value === undefined || value === null || value === '') return []
  if (!Array.isArray(value)) throw invalidValue(`The parameter ${key} must be a list.`)
  return value
}

export function objectList(params: Params, key: string): Params[] {
  return list(params, key).map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw invalidValue(`Every member of ${key} must be a structure.`)
    }
    return item as Params
  })
}

export function stringList(params: Params, key: string): string[] {
  return list(params, key).map((item) => {
    if (typeof item !== 'string') throw invalidValue(`Every member of ${key} must be a string.`)
    return item
  })
}

export function numberList(params: Params, key: string): number[] {
  return list(params, key).map((item) => {
    const n = typeof item === 'string' ? Number(item) : item
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw invalidValue(`Every member of ${key} must be a number.`)
    }
    return n
  })
}

export function object(params: Params, key: string): Params | undefined {
  const value = params[key]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidValue(`The parameter ${key} must be a structure.`)
  }
  return value as Params
}
