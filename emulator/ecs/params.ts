import { AwsError } from '../core/errors.js'

/** Reading ECS JSON parameters, which arrive typed. */
export type Params = Record<string, unknown>

export function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message)
}

export function clientError(message: string): AwsError {
  return new AwsError('ClientException', message)
}

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(`${key} must be a string.`)
  return value
}

export function requiredString(params: Params, key: string): string {
  const value = optionalString(params, key)
  if (value === undefined || value === '') throw invalid(`${key} can not be blank.`)
  return value
}

export function optionalInt(
  params: Params,
  key: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER
): number | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalid(`${key} must be an integer.`)
  if (value < min || value > max)
    throw invalid(`${key} must be between ${min} and ${max}, got ${value}.`)
  return value
}

export function optionalBool(params: Params, key: string): boolean | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(`${key} must be true or false.`)
  return value
}

export function optionalObject(params: Params, key: string): Params | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${key} must be an object.`)
  return value as Params
}

export function optionalList(params: Params, key: string): unknown[] | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw invalid(`${key} must be a list.`)
  return value
}

export function stringList(params: Params, key: string): string[] {
  return (optionalList(params, key) ?? []).map((item) => {
    if (typeof item !== 'string') throw invalid(`${key} must be a list of strings.`)
    return item
  })
}

export function objectList(params: Params, key: string): Params[] {
  return (optionalList(params, key) ?? []).map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalid(`${key} must be a list of objects.`)
    }
    return item as Params
  })
}

/** One page of a List call; `nextToken` is the index to go on from. */
export function page<T>(items: T[], params: Params): { items: T[]; nextToken?: string } {
  const max = optionalInt(params, 'maxResults', 1, 100) ?? 100
  const token = optionalString(params, 'nextToken')
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0) throw invalid('The nextToken is not valid.')
  const slice = items.slice(start, start + max)
  return start + max < items.length
    ? { items: slice, nextToken: String(start + max) }
    : { items: slice }
}

/** ECS returns timestamps as epoch seconds */
export function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000
}
