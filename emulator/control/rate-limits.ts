import {
  ControlInputError,
  asObject,
  nonEmptyString,
  optionalNumber,
  rejectUnknownFields
} from './input.js'
import { AWS_RATE_LIMITS } from './aws-rate-limits.js'

/**
 * One token bucket rule of `PUT /_emulator/config {"rateLimits": [...]}`. A call takes a token
 * from the bucket of the first rule that matches it, and from every `everyCall` rule that matches
 * it too; an empty bucket answers the service's throttling error, as AWS does when an account
 * exceeds a documented request rate.
 */
export interface RateLimit {
  /** 'ecs' | 'elbv2' | 'cloudwatch' | 'application-autoscaling' | '*' */
  service: string
  /**
   * an operation name, a list of names that share one bucket (an AWS action category), or a
   * class: 'read' (changes nothing), 'mutating' or '*'
   */
  operations: string | string[]
  /** tokens added per second: the sustained rate */
  perSecond: number
  /** the bucket's size: the most calls that pass in one burst */
  burst: number
  /** a bucket per operation instead of one for every operation the rule matches */
  perOperation?: boolean
  /**
   * a bucket every matching call draws from besides its first matching rule's, e.g. ELBv2's
   * account-level bucket shared by all its actions; such a rule is never a call's first match
   */
  everyCall?: boolean
}

export { AWS_RATE_LIMITS }

const FIELDS = ['service', 'operations', 'perSecond', 'burst', 'perOperation', 'everyCall']

/** Validates `rateLimits` of the config: true (AWS-like), false (off) or a list of rules. */
export function parseRateLimits(value: unknown): RateLimit[] {
  if (value === true) return AWS_RATE_LIMITS.map(copy)
  if (value === false) return []
  if (!Array.isArray(value)) {
    throw new ControlInputError(
      `rateLimits must be true (AWS-like limits), false (none) or a list of rules, got ${JSON.stringify(value)}`
    )
  }
  return value.map((item, index) => {
    const what = `rateLimits[${index}]`
    const input = asObject(item, what)
    rejectUnknownFields(input, FIELDS, what)
    if (input.perSecond === undefined || input.burst === undefined) {
      throw new ControlInputError(`${what} needs perSecond (the sustained rate) and burst`)
    }
    const limit: RateLimit = {
      service: input.service === undefined ? '*' : nonEmptyString(input.service, 'service'),
      operations: parseOperations(input.operations, `${what}.operations`),
      perSecond: optionalNumber(input.perSecond, 'perSecond', { min: 0, above: true }) as number,
      burst: optionalNumber(input.burst, 'burst', { min: 1, integer: true }) as number
    }
    for (const flag of ['perOperation', 'everyCall'] as const) {
      if (input[flag] === undefined) continue
      if (typeof input[flag] !== 'boolean') {
        throw new ControlInputError(`${what}.${flag} must be true or false`)
      }
      limit[flag] = input[flag]
    }
    return limit
  })
}

function copy(rule: RateLimit): RateLimit {
  const { operations } = rule
  return { ...rule, operations: Array.isArray(operations) ? [...operations] : operations }
}

function parseOperations(value: unknown, what: string): string | string[] {
  if (value === undefined) return '*'
  if (!Array.isArray(value)) return nonEmptyString(value, what)
  if (value.length === 0) {
    throw new ControlInputError(`${what} must name at least one operation when it is a list`)
  }
  return value.map((name, index) => nonEmptyString(name, `${what}[${index}]`))
}

interface Bucket {
  tokens: number
  at: number
}

/** The token buckets of one server. Off until rules are set. */
export class RateLimiter {
  private rules: RateLimit[] = []
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly now: () => number = Date.now) {}

  set(rules: RateLimit[]): void {
    this.rules = rules.map(copy)
    this.buckets.clear()
  }

  list(): RateLimit[] {
    return this.rules.map(copy)
  }

  /**
   * Takes a token for the call from each bucket it draws from; false, taking none, when one of
   * them is empty (the call is throttled).
   */
  take(call: {
    account: string
    region: string
    service: string
    operation: string
    mutating: boolean
  }): boolean {
    const matches = (rule: RateLimit): boolean =>
      (rule.service === '*' || rule.service === call.service) &&
      matchesOperations(rule.operations, call.operation, call.mutating)
    const first = this.rules.findIndex((rule) => !rule.everyCall && matches(rule))
    const drawn = this.rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule, index }) => index === first || (rule.everyCall && matches(rule)))
    const now = this.now()
    const buckets = drawn.map(({ rule, index }) => {
      const scope = rule.perOperation ? `/${call.operation}` : ''
      const key = `${call.account}/${call.region}/${call.service}/${index}${scope}`
      const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now }
      bucket.tokens = Math.min(
        rule.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond
      )
      bucket.at = now
      this.buckets.set(key, bucket)
      return bucket
    })
    if (buckets.some((bucket) => bucket.tokens < 1)) return false
    for (const bucket of buckets) bucket.tokens -= 1
    return true
  }
}

function matchesOperations(
  operations: string | string[],
  operation: string,
  mutating: boolean
): boolean {
  if (Array.isArray(operations)) return operations.includes(operation)
  if (operations === '*') return true
  if (operations === 'read') return !mutating
  if (operations === 'mutating') return mutating
  return operations === operation
}
