import { randomUUID } from 'node:crypto'
import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { instanceSize, KNOWN_INSTANCE_TYPES } from './instance-types.js'
import type { AutoScalingModel } from './model.js'
import {
  object,
  objectList,
  optionalBool,
  optionalInt,
  optionalString,
  type Params,
  requiredString,
  stringList,
  validationError
} from './params.js'
import type { AutoScalingGroup, GroupTag, LaunchSource } from './state.js'

/**
 * CreateAutoScalingGroup, DescribeAutoScalingGroups, UpdateAutoScalingGroup, SetDesiredCapacity
 * and DeleteAutoScalingGroup, checked as EC2 Auto Scaling checks them: a name of 1-255
 * characters without a colon, unique per region; MinSize <= DesiredCapacity <= MaxSize (desired
 * defaults to MinSize); one launch configuration or launch template; Availability Zones or
 * subnets. What is simplified: a subnet of VPCZoneIdentifier stands for an Availability Zone of
 * its own (`<region>a`, `b`, `c` in the order given) since the emulator has no EC2; mixed
 * instances policies, warm pools, lifecycle hooks and load balancer attachments are not simulated.
 */

const MAX_NAME = 255
const MAX_SIZE = 1_000_000
const MAX_DESCRIBE_RECORDS = 100
const DEFAULT_DESCRIBE_RECORDS = 50

export function createAutoScalingGroupOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const name = checkName(requiredString(params, 'AutoScalingGroupName'))
  const minSize = requiredInt(params, 'MinSize')
  const maxSize = requiredInt(params, 'MaxSize')
  const desired = optionalInt(params, 'DesiredCapacity', { min: 0, max: MAX_SIZE }) ?? minSize
  checkSizes(minSize, maxSize, desired)
  const { launch, instanceType } = readLaunch(model, params, ctx)
  const vpcZoneIdentifier = optionalString(params, 'VPCZoneIdentifier') ?? ''
  const subnets = vpcZoneIdentifier
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const zones = stringList(params, 'AvailabilityZones')
  if (subnets.length === 0 && zones.length === 0) {
    throw validationError('At least one Availability Zone or VPC Subnet is required.')
  }
  const key = `${ctx.region}/${name}`
  if (model.groups.has(key)) {
    throw new AwsError(
      'AlreadyExists',
      `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`
    )
  }
  const group: AutoScalingGroup = {
    name,
    arn: `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${name}`,
    region: ctx.region,
    accountId: ctx.accountId,
    minSize,
    maxSize,
    desiredCapacity: 0,
    launch,
    instanceType,
    availabilityZones:
      zones.length > 0 ? zones : subnets.map((_, i) => `${ctx.region}${'abcdef'[i % 6]}`),
    vpcZoneIdentifier,
    defaultCooldown: optionalInt(params, 'DefaultCooldown', { min: 0 }) ?? 300,
    healthCheckGracePeriod: optionalInt(params, 'HealthCheckGracePeriod', { min: 0 }) ?? 0,
    newInstancesProtectedFromScaleIn:
      optionalBool(params, 'NewInstancesProtectedFromScaleIn') ?? false,
    tags: readTags(params),
    createdAt: model.clock.wallNow(),
    instances: new Map(),
    activities: []
  }
  model.changeDesired(group, desired, 'a user request created an AutoScalingGroup')
  model.groups.set(key, group)
  return {}
}

export function describeAutoScalingGroupsOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const names = stringList(params, 'AutoScalingGroupNames')
  const max =
    optionalInt(params, 'MaxRecords', { min: 1, max: MAX_DESCRIBE_RECORDS }) ??
    DEFAULT_DESCRIBE_RECORDS
  const all = [...model.groups.values()]
    .filter((group) => group.region === ctx.region)
    .filter((group) => names.length === 0 || names.includes(group.name))
    .sort((a, b) => a.name.localeCompare(b.name))
  const token = optionalString(params, 'NextToken')
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0)
    throw new AwsError('InvalidNextToken', 'The token is invalid.')
  const items = all.slice(start, start + max)
  return {
    AutoScalingGroups: items.map(renderGroup),
    ...(start + max < all.length ? { NextToken: String(start + max) } : {})
  }
}

export function updateAutoScalingGroupOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const group = findGroup(model, requiredString(params, 'AutoScalingGroupName'), ctx)
  const minSize = optionalInt(params, 'MinSize', { min: 0, max: MAX_SIZE }) ?? group.minSize
  const maxSize = optionalInt(params, 'MaxSize', { min: 0, max: MAX_SIZE }) ?? group.maxSize
  const given = optionalInt(params, 'DesiredCapacity', { min: 0, max: MAX_SIZE })
  if (minSize > maxSize) throw maxBelowMin(minSize, maxSize)
  // a new minimum or maximum alone moves the desired capacity inside it, as AWS does
  const desired = given ?? Math.max(minSize, Math.min(maxSize, group.desiredCapacity))
  checkSizes(minSize, maxSize, desired)
  const hasLaunch =
    params.LaunchConfigurationName !== undefined || params.LaunchTemplate !== undefined
  const launch = hasLaunch ? readLaunch(model, params, ctx) : undefined
  const protect = optionalBool(params, 'NewInstancesProtectedFromScaleIn')
  group.minSize = minSize
  group.maxSize = maxSize
  if (launch) {
    // instances already running keep their type; new ones get the new one
    group.launch = launch.launch
    group.instanceType = launch.instanceType
  }
  if (protect !== undefined) group.newInstancesProtectedFromScaleIn = protect
  model.changeDesired(
    group,
    desired,
    'a user request update of AutoScalingGroup constraints to min: ' +
      `${minSize}, max: ${maxSize}, desired: ${desired}`
  )
  return {}
}

export function setDesiredCapacityOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const group = findGroup(model, requiredString(params, 'AutoScalingGroupName'), ctx)
  const desired = requiredInt(params, 'DesiredCapacity')
  if (desired > group.maxSize) {
    throw validationError(
      `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`
    )
  }
  if (desired < group.minSize) {
    throw validationError(
      `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`
    )
  }
  optionalBool(params, 'HonorCooldown')
  model.changeDesired(group, desired, 'a user request explicitly set group desired capacity')
  return {}
}

export function deleteAutoScalingGroupOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const group = findGroup(model, requiredString(params, 'AutoScalingGroupName'), ctx)
  const force = optionalBool(params, 'ForceDelete') ?? false
  if (group.instances.size > 0 && !force) {
    throw new AwsError(
      'ResourceInUse',
      'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.'
    )
  }
  // AWS shows the group "Delete in progress" while its instances terminate; here they go at once
  model.terminateAll(group, model.clock.simNow())
  model.groups.delete(`${group.region}/${group.name}`)
  return {}
}

export function findGroup(
  model: AutoScalingModel,
  name: string,
  ctx: CallContext
): AutoScalingGroup {
  const group = model.groups.get(`${ctx.region}/${name}`)
  if (!group) {
    throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`)
  }
  return group
}

export function renderGroup(group: AutoScalingGroup): object {
  const launch = renderLaunch(group.launch)
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    ...launch,
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldown,
    AvailabilityZones: group.availabilityZones,
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: group.healthCheckGracePeriod,
    Instances: [...group.instances.values()].map((instance) => ({
      InstanceId: instance.instanceId,
      InstanceType: instance.instanceType,
      AvailabilityZone: instance.availabilityZone,
      LifecycleState: instance.lifecycleState,
      HealthStatus: 'Healthy',
      ...launch,
      ProtectedFromScaleIn: instance.protectedFromScaleIn
    })),
    CreatedTime: new Date(group.createdAt),
    SuspendedProcesses: [],
    VPCZoneIdentifier: group.vpcZoneIdentifier || undefined,
    EnabledMetrics: [],
    Tags: group.tags.map((tag) => ({
      ResourceId: group.name,
      ResourceType: 'auto-scaling-group',
      Key: tag.key,
      Value: tag.value,
      PropagateAtLaunch: tag.propagateAtLaunch
    })),
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${group.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false
  }
}

function renderLaunch(launch: LaunchSource): object {
  if (launch.kind === 'configuration') return { LaunchConfigurationName: launch.name }
  return {
    LaunchTemplate: {
      LaunchTemplateId: launch.id,
      LaunchTemplateName: launch.name,
      Version: launch.version ?? '$Default'
    }
  }
}

function checkName(name: string): string {
  if (name.length > MAX_NAME) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'autoScalingGroupName' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME}`
    )
  }
  // the API reference: "You cannot use a colon (:) in the name" (the wording is the emulator's)
  if (name.includes(':'))
    throw validationError(`AutoScalingGroupName '${name}' must not contain a colon (:).`)
  return name
}

function requiredInt(params: Params, key: string): number {
  const value = optionalInt(params, key, { min: 0, max: MAX_SIZE })
  if (value === undefined) {
    const member = key.charAt(0).toLowerCase() + key.slice(1)
    throw validationError(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`
    )
  }
  return value
}

function maxBelowMin(minSize: number, maxSize: number): AwsError {
  return validationError(
    `Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`
  )
}

function checkSizes(minSize: number, maxSize: number, desired: number): void {
  if (minSize > maxSize) throw maxBelowMin(minSize, maxSize)
  if (desired < minSize || desired > maxSize) {
    throw validationError(
      `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`
    )
  }
}

function readLaunch(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): { launch: LaunchSource; instanceType: string } {
  const configuration = optionalString(params, 'LaunchConfigurationName')
  const template = object(params, 'LaunchTemplate')
  if (configuration !== undefined && template !== undefined) {
    throw validationError(
      'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.'
    )
  }
  if (configuration !== undefined) {
    const found = model.launchConfigurations.get(`${ctx.region}/${configuration}`)
    if (!found) {
      throw validationError(
        `Launch configuration name not found - Launch configuration ${configuration} not found`
      )
    }
    return {
      launch: { kind: 'configuration', name: configuration },
      instanceType: found.instanceType
    }
  }
  if (template !== undefined) {
    const id = optionalString(template, 'LaunchTemplateId')
    const name = optionalString(template, 'LaunchTemplateName')
    const version = optionalString(template, 'Version')
    if ((id === undefined) === (name === undefined)) {
      throw validationError(
        'Valid requests must contain either launchTemplateId or LaunchTemplateName'
      )
    }
    const ref = (id ?? name) as string
    const instanceType = model.launchTemplates.get(ref)
    if (instanceType === undefined) {
      const which = id !== undefined ? `template ID ${id}` : `template name ${name}`
      throw validationError(
        `You must use a valid fully-formed launch template. The specified launch template, with ${which}, does not exist.`
      )
    }
    return {
      launch: {
        kind: 'template',
        ...(id ? { id } : {}),
        ...(name ? { name } : {}),
        ...(version ? { version } : {})
      },
      instanceType
    }
  }
  if (params.MixedInstancesPolicy !== undefined || params.InstanceId !== undefined) {
    throw validationError(
      'The emulator launches groups from a LaunchConfigurationName or a LaunchTemplate only.'
    )
  }
  throw validationError(
    'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.'
  )
}

function readTags(params: Params): GroupTag[] {
  return objectList(params, 'Tags').map((tag) => ({
    key: requiredString(tag, 'Key'),
    value: optionalString(tag, 'Value') ?? '',
    propagateAtLaunch: optionalBool(tag, 'PropagateAtLaunch') ?? false
  }))
}

export function checkInstanceType(type: string): string {
  if (!instanceSize(type)) {
    throw validationError(
      `The emulator does not simulate instance type ${type}; it knows ${KNOWN_INSTANCE_TYPES.join(', ')}.`
    )
  }
  return type
}
