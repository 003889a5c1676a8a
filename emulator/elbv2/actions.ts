import { AwsError } from '../core/errors.js'
import type { Elbv2Model } from './model.js'
import {
  notNull,
  object,
  objectList,
  optionalBool,
  optionalInt,
  optionalString,
  type Params,
  validationError
} from './params.js'
import type { Action } from './state.js'
import { checkActionList, readOtherAction } from './action-configs.js'

const ACTION_TYPES = [
  'forward',
  'authenticate-oidc',
  'authenticate-cognito',
  'redirect',
  'fixed-response',
  'jwt-validation'
]
const MAX_GROUPS_PER_FORWARD = 5
const MAX_WEIGHT = 999
const MAX_STICKINESS_SECONDS = 604800

/**
 * Reads and validates a listener's DefaultActions or a rule's Actions for a listener of
 * `loadBalancerArn`. Forward actions come back normalised the way AWS returns them: a
 * ForwardConfig always (weights and group order as written, stickiness `{Enabled: false}` when
 * not given), and a TargetGroupArn only when exactly one group is forwarded to. Other actions
 * are kept as written.
 */
export function readActions(
  model: Elbv2Model,
  params: Params,
  key: 'DefaultActions' | 'Actions',
  loadBalancerArn: string,
  /** the actions these replace (Modify*): an OIDC action may keep their client secret */
  previous?: Action[]
): Action[] {
  const raw = objectList(params, key)
  if (raw.length === 0) throw notNull(key)
  const actions = raw.map((action, index) => {
    const at = `${key.charAt(0).toLowerCase()}${key.slice(1)}.${index + 1}.member`
    const type = optionalString(action, 'Type')
    if (type === undefined) throw notNull(`${at}.type`)
    if (!ACTION_TYPES.includes(type)) {
      throw validationError(
        `1 validation error detected: Value '${type}' at '${at}.type' failed to satisfy constraint: Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`
      )
    }
    const order = optionalInt(action, 'Order', { min: 1, max: 50000 })
    if (type !== 'forward') {
      const other = readOtherAction(type, action, at, previous)
      return { ...other, ...(order === undefined ? {} : { Order: order }) }
    }
    return readForward(model, action, order, loadBalancerArn)
  })
  checkActionList(actions)
  return actions
}

function readForward(
  model: Elbv2Model,
  action: Params,
  order: number | undefined,
  loadBalancerArn: string
): Action {
  const single = optionalString(action, 'TargetGroupArn')
  const config = object(action, 'ForwardConfig')
  const tuples = config ? objectList(config, 'TargetGroups') : []

  if (single === undefined && tuples.length === 0) {
    throw validationError('A target group ARN must be specified for a forward action')
  }
  if (tuples.length > MAX_GROUPS_PER_FORWARD) {
    throw validationError(
      `A forward action can have at most ${MAX_GROUPS_PER_FORWARD} target groups, got ${tuples.length}`
    )
  }
  const groups = tuples.map((tuple) => {
    const arn = optionalString(tuple, 'TargetGroupArn')
    if (arn === undefined)
      throw validationError(
        'A target group ARN must be specified for each target group of a forward config'
      )
    const weight = optionalInt(tuple, 'Weight', { min: 0, max: MAX_WEIGHT }) ?? 1
    return { TargetGroupArn: arn, Weight: weight }
  })
  const seen = new Set<string>()
  for (const { TargetGroupArn } of groups) {
    if (seen.has(TargetGroupArn)) {
      throw validationError(
        `Target group '${TargetGroupArn}' is specified more than once in the forward config`
      )
    }
    seen.add(TargetGroupArn)
  }
  if (
    single !== undefined &&
    groups.length > 0 &&
    (groups.length !== 1 || groups[0]?.TargetGroupArn !== single)
  ) {
    throw validationError(
      'You cannot specify both a target group ARN and a forward config with different target groups'
    )
  }
  if (groups.length === 0 && single !== undefined)
    groups.push({ TargetGroupArn: single, Weight: 1 })

  for (const { TargetGroupArn } of groups) checkGroup(model, TargetGroupArn, loadBalancerArn)

  const forward: Action = { Type: 'forward' }
  if (groups.length === 1) forward.TargetGroupArn = groups[0]?.TargetGroupArn
  forward.ForwardConfig = {
    TargetGroups: groups,
    TargetGroupStickinessConfig: readStickiness(config)
  }
  if (order !== undefined) forward.Order = order
  return forward
}

function readStickiness(config: Params | undefined): Record<string, unknown> {
  const stickiness = config ? object(config, 'TargetGroupStickinessConfig') : undefined
  if (!stickiness) return { Enabled: false }
  const enabled = optionalBool(stickiness, 'Enabled') ?? false
  const duration = optionalInt(stickiness, 'DurationSeconds', {
    min: 1,
    max: MAX_STICKINESS_SECONDS
  })
  if (enabled && duration === undefined) {
    throw validationError(
      'The stickiness duration must be specified when target group stickiness is enabled'
    )
  }
  return duration === undefined
    ? { Enabled: enabled }
    : { Enabled: enabled, DurationSeconds: duration }
}

function checkGroup(model: Elbv2Model, arn: string, loadBalancerArn: string): void {
  const group = model.targetGroups.get(arn)
  if (!group) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found')
  if (group.protocol !== undefined && group.protocol !== 'HTTP' && group.protocol !== 'HTTPS') {
    throw new AwsError(
      'InvalidConfigurationRequest',
      `The target group '${arn}' has protocol '${group.protocol}', which load balancers of type 'application' do not support`
    )
  }
  const others = [...group.loadBalancerArns].filter((lb) => lb !== loadBalancerArn)
  if (others.length > 0) {
    throw new AwsError(
      'TargetGroupAssociationLimit',
      `The following target groups cannot be associated with more than one load balancer: ${arn}`
    )
  }
}
