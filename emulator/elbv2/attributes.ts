import { AwsError } from '../core/errors.js'
import type { Elbv2Model } from './model.js'
import {
  notNull,
  objectList,
  optionalString,
  type Params,
  requiredString,
  validationError
} from './params.js'

/** An application load balancer's target group attributes, as AWS creates them. */
const DEFAULTS: [string, string][] = [
  ['deregistration_delay.timeout_seconds', '300'],
  ['stickiness.enabled', 'false'],
  ['stickiness.type', 'lb_cookie'],
  ['stickiness.lb_cookie.duration_seconds', '86400'],
  ['stickiness.app_cookie.cookie_name', ''],
  ['stickiness.app_cookie.duration_seconds', '86400'],
  ['slow_start.duration_seconds', '0'],
  ['load_balancing.algorithm.type', 'round_robin'],
  ['load_balancing.algorithm.anomaly_mitigation', 'off'],
  ['load_balancing.cross_zone.enabled', 'use_load_balancer_configuration'],
  ['target_group_health.dns_failover.minimum_healthy_targets.count', '1'],
  ['target_group_health.dns_failover.minimum_healthy_targets.percentage', 'off'],
  ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.count', '1'],
  ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage', 'off']
]

export function defaultAttributes(): Map<string, string> {
  return new Map(DEFAULTS)
}

export const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds'

/** Checks a value before it is stored; returns a refusal or nothing. */
function check(key: string, value: string): AwsError | undefined {
  const integer = (min: number, max: number): AwsError | undefined => {
    const n = Number(value)
    return /^[0-9]+$/.test(value) && n >= min && n <= max
      ? undefined
      : validationError(
          `The value of '${key}' must be an integer between ${min} and ${max}, got '${value}'`
        )
  }
  switch (key) {
    case DEREGISTRATION_DELAY:
      return integer(0, 3600)
    case 'stickiness.lb_cookie.duration_seconds':
    case 'stickiness.app_cookie.duration_seconds':
      return integer(1, 604800)
    case 'slow_start.duration_seconds':
      return value === '0' ? undefined : integer(30, 900)
    case 'stickiness.enabled':
      return value === 'true' || value === 'false'
        ? undefined
        : validationError(`The value of '${key}' must be 'true' or 'false', got '${value}'`)
    case 'stickiness.type':
      return value === 'lb_cookie' || value === 'app_cookie'
        ? undefined
        : new AwsError(
            'InvalidConfigurationRequest',
            `Stickiness type '${value}' is not supported for target groups with the HTTP protocol`
          )
    case 'load_balancing.algorithm.type':
      return ['round_robin', 'least_outstanding_requests', 'weighted_random'].includes(value)
        ? undefined
        : validationError(`The value of '${key}' is not valid: '${value}'`)
    default:
      return undefined
  }
}

function render(attributes: Map<string, string>): { Key: string; Value: string }[] {
  return [...attributes].map(([Key, Value]) => ({ Key, Value }))
}

export function describeTargetGroupAttributesOp(model: Elbv2Model, params: Params): object {
  const group = model.targetGroup(requiredString(params, 'TargetGroupArn'))
  return { Attributes: render(group.attributes) }
}

export function modifyTargetGroupAttributesOp(model: Elbv2Model, params: Params): object {
  const group = model.targetGroup(requiredString(params, 'TargetGroupArn'))
  const changes = objectList(params, 'Attributes')
  if (changes.length === 0) throw notNull('Attributes')
  const parsed = changes.map((change) => {
    const key = requiredString(change, 'Key')
    const value = optionalString(change, 'Value') ?? ''
    if (!group.attributes.has(key)) {
      throw validationError(`Target group attribute key '${key}' is not recognized`)
    }
    const refusal = check(key, value)
    if (refusal) throw refusal
    return [key, value] as const
  })
  for (const [key, value] of parsed) group.attributes.set(key, value)
  return { Attributes: render(group.attributes) }
}
