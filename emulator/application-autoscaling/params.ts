import { AwsError } from '../core/errors.js'

/**
 * Application Auto Scaling parameters arrive as JSON 1.1, typed. Its front end validates every
 * member against the API model before anything else and answers in the Coral style, naming the
 * member in lowerCamelCase: `1 validation error detected: Value null at 'resourceId' failed to
 * satisfy constraint: Member must not be null`. The readers here raise those messages.
 */
export type Params = Record<string, unknown>

/** `[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*`, the API's XmlString pattern */
const XML_STRING = /^[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\r\n\t]*$/
export const XML_STRING_PATTERN =
  '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*'

export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message)
}

/** one Coral constraint failure, as the message names it */
export function constraint(value: unknown, member: string, rule: string): AwsError {
  const shown = value === null || value === undefined ? 'null' : `'${String(value)}'`
  return validation(
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: Member must ${rule}`
  )
}

export function objectNotFound(message: string): AwsError {
  return new AwsError('ObjectNotFoundException', message)
}

/** `ResourceId` -> `resourceId`, `StepScalingPolicyConfiguration.Cooldown` -> `stepScalingPolicyConfiguration.cooldown` */
export function memberName(path: string): string {
  return path
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.')
}

function wrongType(path: string, type: string): AwsError {
  return new AwsError('SerializationException', `${path} must be ${type}.`)
}

export function optionalString(
  params: Params,
  key: string,
  rule: { min?: number; max?: number; xml?: boolean; pattern?: [RegExp, string] } = {},
  path = key
): string | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw wrongType(path, 'a string')
  const member = memberName(path)
  if (rule.min !== undefined && value.length < rule.min) {
    throw constraint(value, member, `have length greater than or equal to ${rule.min}`)
  }
  if (rule.max !== undefined && value.length > rule.max) {
    throw constraint(value, member, `have length less than or equal to ${rule.max}`)
  }
  if (rule.xml && !XML_STRING.test(value)) {
    throw constraint(value, member, `satisfy regular expression pattern: ${XML_STRING_PATTERN}`)
  }
  if (rule.pattern && !rule.pattern[0].test(value)) {
    throw constraint(value, member, `satisfy regular expression pattern: ${rule.pattern[1]}`)
  }
  return value
}

export function requiredString(
  params: Params,
  key: string,
  rule: { min?: number; max?: number; xml?: boolean; pattern?: [RegExp, string] } = {},
  path = key
): string {
  const value = optionalString(params, key, rule, path)
  if (value === undefined) throw constraint(undefined, memberName(path), 'not be null')
  return value
}

export function optionalEnum<T extends string>(
  params: Params,
  key: string,
  allowed: readonly T[],
  path = key
): T | undefined {
  const value = optionalString(params, key, {}, path)
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) {
    throw constraint(value, memberName(path), `satisfy enum value set: [${allowed.join(', ')}]`)
  }
  return value as T
}

export function requiredEnum<T extends string>(
  params: Params,
  key: string,
  allowed: readonly T[],
  path = key
): T {
  const value = optionalEnum(params, key, allowed, path)
  if (value === undefined) throw constraint(undefined, memberName(path), 'not be null')
  return value
}

export function optionalInt(params: Params, key: string, path = key): number | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(path, 'an integer')
  return value
}

export function optionalNumber(params: Params, key: string, path = key): number | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(path, 'a number')
  return value
}

export function optionalBool(params: Params, key: string, path = key): boolean | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw wrongType(path, 'true or false')
  return value
}

export function optionalObject(params: Params, key: string, path = key): Params | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(path, 'a structure')
  return value as Params
}

export function optionalList(params: Params, key: string, path = key): unknown[] | undefined {
  const value = params[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw wrongType(path, 'a list')
  return value
}

export function objectList(params: Params, key: string, path = key): Params[] {
  return (optionalList(params, key, path) ?? []).map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw wrongType(`${path}.${index + 1}`, 'a structure')
    }
    return item as Params
  })
}

/**
 * MaxResults and NextToken of a Describe call: the token is the offset of the next page, so a
 * token this model did not hand out is refused as AWS refuses one it cannot read.
 */
export function readPage(params: Params, max: number): { offset: number; size: number } {
  const size = optionalInt(params, 'MaxResults') ?? max
  if (size < 1) throw constraint(size, 'maxResults', 'have value greater than or equal to 1')
  if (size > max) throw constraint(size, 'maxResults', `have value less than or equal to ${max}`)
  const token = optionalString(params, 'NextToken', { xml: true })
  if (token === undefined) return { offset: 0, size }
  if (!/^[0-9]{1,9}$/.test(token)) {
    throw new AwsError('InvalidNextTokenException', 'Invalid token')
  }
  return { offset: Number(token), size }
}

export function pageOf<T>(
  items: T[],
  page: { offset: number; size: number }
): { items: T[]; nextToken?: string } {
  const slice = items.slice(page.offset, page.offset + page.size)
  const next = page.offset + page.size
  return next < items.length ? { items: slice, nextToken: String(next) } : { items: slice }
}
