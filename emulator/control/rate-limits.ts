import {
  ControlInputError,
  asObject,
  nonEmptyString,
  optionalNumber,
  rejectUnknownFields
} from './input.js'

/**
 * One token bucket rule of `PUT /_emulator/config {"rateLimits": [...]}`. A call takes a token
 * from the bucket of the first rule that matches it; an empty bucket answers the service's
 * throttling error, as AWS does when an account exceeds a documented request rate.
 */
export interface RateLimit {
  /** 'ecs' | 'elbv2' | 'cloudwatch' | '*' */
  service: string
  /** an operation name, or a class: 'read' (changes nothing), 'mutating' or '*' */
  operations: string
  /** tokens added per second: the sustained rate */
  perSecond: number
  /** the bucket's size: the most calls that pass in one burst */
  burst: number
  /** a bucket per operation (ECS counts each action apart) instead of one for the whole class */
  perOperation?: boolean
}

/**
 * AWS-like limits, per account and region. ELBv2 documents a bucket of 40 for its Describe
 * calls refilled at 10/s; the other rates are the ones the project holds itself to (ELBv2
 * mutating 3/s, ECS DescribeServices 20/s), with bursts no larger than AWS's so that the
 * emulator is never kinder than AWS. ECS writes are not documented per action: 5/s is a
 * strict guess. CloudWatch: its service quotas (DescribeAlarms 9/s, GetMetricData 50/s).
 * Application Auto Scaling documents no request rates (its quotas page lists only resource
 * counts: targets per resource type, 50 policies per target, 20 steps per policy), so it has no
 * rule here and a test that wants it throttled sets one.
 */
export const AWS_RATE_LIMITS: readonly RateLimit[] = [
  { service: 'elbv2', operations: 'read', perSecond: 10, burst: 40 },
  { service: 'elbv2', operations: 'mutating', perSecond: 3, burst: 10 },
  { service: 'ecs', operations: 'read', perSecond: 20, burst: 50, perOperation: true },
  { service: 'ecs', operations: 'mutating', perSecond: 5, burst: 10, perOperation: true },
  // CloudWatch's quotas are in transactions per second, with no burst above them
  { service: 'cloudwatch', operations: 'DescribeAlarms', perSecond: 9, burst: 9 },
  { service: 'cloudwatch', operations: 'GetMetricData', perSecond: 50, burst: 50 }
]

const FIELDS = ['service', 'operations', 'perSecond', 'burst', 'perOperation']

/** Validates `rateLimits` of the config: true (AWS-like), false (off) or a list of rules. */
export function parseRateLimits(value: unknown): RateLimit[] {
  if (value === true) return AWS_RATE_LIMITS.map((limit) => ({ ...limit }))
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
      operations:
        input.operations === undefined ? '*' : nonEmptyString(input.operations, 'operations'),
      perSecond: optionalNumber(input.perSecond, 'perSecond', { min: 0, above: true }) as number,
      burst: optionalNumber(input.burst, 'burst', { min: 1, integer: true }) as number
    }
    if (input.perOperation !== undefined) {
      if (typeof input.perOperation !== 'boolean') {
        throw new ControlInputError(`${what}.perOperation must be true or false`)
      }
      limit.perOperation = input.perOperation
    }
    return limit
  })
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
    this.rules = rules.map((rule) => ({ ...rule }))
    this.buckets.clear()
  }

  list(): RateLimit[] {
    return this.rules.map((rule) => ({ ...rule }))
  }

  /** Takes a token for the call; false when its bucket is empty (the call is throttled). */
  take(call: {
    account: string
    region: string
    service: string
    operation: string
    mutating: boolean
  }): boolean {
    const rule = this.rules.find(
      (candidate) =>
        (candidate.service === '*' || candidate.service === call.service) &&
        matchesOperations(candidate.operations, call.operation, call.mutating)
    )
    if (!rule) return true
    const index = this.rules.indexOf(rule)
    const scope = rule.perOperation ? call.operation : rule.operations
    const key = `${call.account}/${call.region}/${call.service}/${index}/${scope}`
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now }
    bucket.tokens = Math.min(
      rule.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond
    )
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}

function matchesOperations(operations: string, operation: string, mutating: boolean): boolean {
  if (operations === '*') return true
  if (operations === 'read') return !mutating
  if (operations === 'mutating') return mutating
  return operations === operation
}
