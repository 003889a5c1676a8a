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

/**
 * Reads a rule's Conditions. Host-header and path-pattern conditions come back with both
 * `Values` and their config, as AWS returns them; the others as written.
 */
export function readConditions(params: Params): Condition[] {
  const raw = objectList(params, 'Conditions')
  let total = 0
  const conditions = raw.map((condition, index) => {
    const field = optionalString(condition, 'Field')
    if (field === undefined) throw notNull(`conditions.${index + 1}.member.field`)
    if (!FIELDS.includes(field)) {
      throw validationError(`Condition field '${field}' must be one of [${FIELDS.join(', ')}]`)
    }
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
