import { readHealthCheckPath, readMatcher } from './matcher.js'
import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { targetGroupArn } from './arns.js'
import { defaultAttributes } from './attributes.js'
import type { Elbv2Model } from './model.js'
import { checkName } from './names.js'
import {
  optionalBool,
  optionalInt,
  optionalString,
  page,
  selectByName,
  type Params,
  requiredString,
  stringList,
  validationError
} from './params.js'
import type { HealthCheck, TargetGroup } from './state.js'
import { applyTags, readTags } from './tags.js'

const TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb']
const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE']
const MAX_TARGET_GROUPS_PER_REGION = 3000

export function createTargetGroupOp(model: Elbv2Model, params: Params, ctx: CallContext): object {
  const name = requiredString(params, 'Name')
  checkName(name, 'Target group')
  const targetType = optionalString(params, 'TargetType') ?? 'instance'
  if (!TARGET_TYPES.includes(targetType)) throw enumError(targetType, 'targetType', TARGET_TYPES)
  const lambda = targetType === 'lambda'

  const protocol = optionalString(params, 'Protocol')
  const port = optionalInt(params, 'Port', { min: 1, max: 65535 })
  const vpcId = optionalString(params, 'VpcId')
  if (!lambda) {
    if (protocol === undefined) throw validationError('A protocol must be specified')
    if (port === undefined) throw validationError('A port must be specified')
    if (vpcId === undefined) throw validationError('A VPC ID must be specified')
  }
  if (protocol !== undefined && !PROTOCOLS.includes(protocol))
    throw enumError(protocol, 'protocol', PROTOCOLS)

  const healthCheck = readHealthCheck(params, protocol, lambda)
  const tags = readTags(params)

  const inRegion = [...model.targetGroups.values()].filter((group) => group.region === ctx.region)
  const existing = inRegion.find((group) => group.name === name)
  if (existing) {
    const same =
      existing.protocol === protocol &&
      existing.port === port &&
      existing.vpcId === vpcId &&
      existing.targetType === targetType
    if (same) return { TargetGroups: [renderTargetGroup(existing)] }
    throw new AwsError(
      'DuplicateTargetGroupName',
      `A target group with the same name '${name}' exists, but with different settings`
    )
  }
  if (inRegion.length >= MAX_TARGET_GROUPS_PER_REGION) {
    throw new AwsError(
      'TooManyTargetGroups',
      `You have reached the maximum number of target groups (${MAX_TARGET_GROUPS_PER_REGION}) for your account`
    )
  }

  const group: TargetGroup = {
    arn: targetGroupArn(ctx, name),
    name,
    region: ctx.region,
    targetType,
    ipAddressType: optionalString(params, 'IpAddressType') ?? 'ipv4',
    healthCheck,
    attributes: defaultAttributes(),
    tags: new Map(),
    targets: new Map(),
    loadBalancerArns: new Set()
  }
  if (protocol !== undefined) group.protocol = protocol
  if (port !== undefined) group.port = port
  if (vpcId !== undefined) group.vpcId = vpcId
  if (protocol === 'HTTP' || protocol === 'HTTPS') {
    group.protocolVersion = optionalString(params, 'ProtocolVersion') ?? 'HTTP1'
  }
  applyTags(group.tags, tags)
  model.targetGroups.set(group.arn, group)
  return { TargetGroups: [renderTargetGroup(group)] }
}

function readHealthCheck(
  params: Params,
  protocol: string | undefined,
  lambda: boolean
): HealthCheck {
  const intervalSeconds =
    optionalInt(params, 'HealthCheckIntervalSeconds', { min: 5, max: 300 }) ?? (lambda ? 35 : 30)
  const timeoutSeconds =
    optionalInt(params, 'HealthCheckTimeoutSeconds', { min: 2, max: 120 }) ?? (lambda ? 30 : 5)
  if (timeoutSeconds >= intervalSeconds) {
    throw validationError(
      `Health check timeout '${timeoutSeconds}' must be smaller than the interval '${intervalSeconds}'`
    )
  }
  const http = protocol === 'HTTP' || protocol === 'HTTPS' || lambda
  const healthCheck: HealthCheck = {
    port: optionalString(params, 'HealthCheckPort') ?? 'traffic-port',
    enabled: optionalBool(params, 'HealthCheckEnabled') ?? !lambda,
    intervalSeconds,
    timeoutSeconds,
    healthyThreshold: optionalInt(params, 'HealthyThresholdCount', { min: 2, max: 10 }) ?? 5,
    unhealthyThreshold: optionalInt(params, 'UnhealthyThresholdCount', { min: 2, max: 10 }) ?? 2
  }
  const healthProtocol = optionalString(params, 'HealthCheckProtocol') ?? protocol
  if (healthProtocol !== undefined) healthCheck.protocol = healthProtocol
  if (http) {
    healthCheck.path = readHealthCheckPath(params)
    healthCheck.matcher = readMatcher(params)
  }
  return healthCheck
}

function enumError(value: string, member: string, allowed: string[]): AwsError {
  return validationError(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`
  )
}

export function describeTargetGroupsOp(
  model: Elbv2Model,
  params: Params,
  ctx: CallContext
): object {
  const arns = stringList(params, 'TargetGroupArns')
  const names = stringList(params, 'Names')
  const loadBalancerArn = optionalString(params, 'LoadBalancerArn')
  const given = [arns.length > 0, names.length > 0, loadBalancerArn !== undefined].filter(
    Boolean
  ).length
  if (given > 1) {
    throw validationError(
      'Target group ARNs, names and a load balancer ARN cannot be specified together'
    )
  }
  let found: TargetGroup[]
  if (arns.length > 0) {
    found = arns.map((arn) => {
      const group = model.targetGroups.get(arn)
      if (!group) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found')
      return group
    })
  } else if (loadBalancerArn !== undefined) {
    model.loadBalancer(loadBalancerArn)
    found = [...model.targetGroups.values()].filter((group) =>
      group.loadBalancerArns.has(loadBalancerArn)
    )
  } else {
    found = selectByName(model.targetGroups.values(), ctx.region, names, {
      code: 'TargetGroupNotFound',
      noun: 'Target groups'
    })
  }
  const { items, NextMarker } = page(found, params)
  return { TargetGroups: items.map(renderTargetGroup), ...(NextMarker ? { NextMarker } : {}) }
}

export function deleteTargetGroupOp(model: Elbv2Model, params: Params): object {
  const arn = requiredString(params, 'TargetGroupArn')
  const group = model.targetGroups.get(arn)
  // deleting a group that is not there succeeds, as in AWS
  if (!group) return {}
  if (group.loadBalancerArns.size > 0) {
    throw new AwsError(
      'ResourceInUse',
      `Target group '${arn}' is currently in use by a listener or a rule`
    )
  }
  model.targetGroups.delete(arn)
  return {}
}

export function renderTargetGroup(group: TargetGroup): object {
  const { healthCheck } = group
  return {
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: healthCheck.protocol,
    HealthCheckPort: healthCheck.port,
    HealthCheckEnabled: healthCheck.enabled,
    HealthCheckIntervalSeconds: healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: healthCheck.timeoutSeconds,
    HealthyThresholdCount: healthCheck.healthyThreshold,
    UnhealthyThresholdCount: healthCheck.unhealthyThreshold,
    HealthCheckPath: healthCheck.path,
    Matcher: healthCheck.matcher,
    LoadBalancerArns: [...group.loadBalancerArns],
    TargetType: group.targetType,
    ProtocolVersion: group.protocolVersion,
    IpAddressType: group.ipAddressType
  }
}
