import {
  list,
  notNull,
  object,
  objectList,
  optionalString,
  type Params,
  stringList,
  validationError
} from './params.js'
import type { Condition } from './state.js'

const FIELDS = [
  'host-header',
  'path-pattern',
  'http-header',
  'http-request-method',
  'query-string',
  'source-ip'
]
/** the fields whose values may be given as `Values` or in their own config, returned in both */
const MIRRORED: Record<string, string> = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig'
}
const CONFIGS: Record<string, string> = {
  ...MIRRORED,
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig'
}
const MAX_VALUES_PER_RULE = 5
const MAX_VALUE_LENGTH = 128
/** Service Quotas: wildcards (`*`, `?`) per rule */
const MAX_WILDCARDS_PER_RULE = 5
/** a rule may have at most one condition of each of these (http-header and query-string: several) */
const ONCE_PER_RULE = new Set(['host-header', 'http-request-method', 'path-pattern', 'source-ip'])
/** the characters the ALB documents for each (listener rule conditions) */
const CHARACTERS: Record<string, RegExp> = {
  'host-header': /^[A-Za-z0-9\-.*?]+$/,
  'path-pattern': /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/
}

/**
 * Reads a rule's Conditions. Host-header and path-pattern conditions come back with both
 * `Values` and their config, as AWS returns them; the others as written.
 */
export function readConditions(params: Params): Condition[] {
  const raw = objectList(params, 'Conditions')
  let total = 0
  let wildcards = 0
  const fields = new Set<string>()
  const conditions = raw.map((condition, index) => {
    const field = optionalString(condition, 'Field')
    if (field === undefined) throw notNull(`conditions.${index + 1}.member.field`)
    if (!FIELDS.includes(field)) {
      throw validationError(`Condition field '${field}' must be one of [${FIELDS.join(', ')}]`)
    }
    if (ONCE_PER_RULE.has(field) && fields.has(field)) {
      throw validationError(`A rule can only have one '${field}' condition`)
    }
    fields.add(field)
    const configKey = CONFIGS[field] as string
    const config = object(condition, configKey)
    const values = stringList(condition, 'Values')
    if (values.length > 0 && config) {
      throw validationError(`A condition cannot have both 'Values' and '${configKey}'`)
    }
    if (
      field === 'http-header' &&
      config &&
      optionalString(config, 'HttpHeaderName') === undefined
    ) {
      throw notNull(`conditions.${index + 1}.member.httpHeaderConfig.httpHeaderName`)
    }
    const configValues = config ? configuredValues(config) : []
    const all = values.length > 0 ? values : configValues
    if (all.length === 0) {
      throw validationError(`A '${field}' condition must have at least one value`)
    }
    for (const value of all) {
      if (value.length > MAX_VALUE_LENGTH) {
        throw validationError(
          `Condition value '${value}' cannot be longer than ${MAX_VALUE_LENGTH} characters`
        )
      }
      const allowed = CHARACTERS[field]
      if (allowed && !allowed.test(value)) {
        throw validationError(
          `Condition value '${value}' contains characters that are not allowed in a '${field}' condition`
        )
      }
      if (field !== 'source-ip') wildcards += value.replace(/[^*?]/g, '').length
    }
    total += all.length
    if (field in MIRRORED) {
      const list = values.length > 0 ? values : stringList(config ?? {}, 'Values')
      return {
        Field: field,
        Values: list,
        [configKey]: { ...structuredClone(config ?? {}), Values: list }
      }
    }
    return structuredClone(condition)
  })
  if (total > MAX_VALUES_PER_RULE) {
    throw validationError(`A rule can only have '${MAX_VALUES_PER_RULE}' condition values`)
  }
  if (wildcards > MAX_WILDCARDS_PER_RULE) {
    throw validationError(`A rule can only have '${MAX_WILDCARDS_PER_RULE}' wildcards`)
  }
  return conditions
}

function configuredValues(config: Params): string[] {
  return list(config, 'Values').map((value) => {
    if (typeof value === 'string') return value
    // query-string values are {Key, Value} pairs
    if (typeof value === 'object' && value !== null) {
      const pair = value as Params
      return `${optionalString(pair, 'Key') ?? ''}=${optionalString(pair, 'Value') ?? ''}`
    }
    throw validationError('Condition values must be strings')
  })
}
