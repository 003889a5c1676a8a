import { AwsError } from '../core/errors.js'
import type { CallContext } from '../core/contracts.js'
import { setCapacity } from './capacity.js'
import { SCALABLE_DIMENSIONS, SERVICE_NAMESPACES } from './enums.js'
import { type AasModel, scalableTargetArn, targetKey } from './model.js'
import {
  constraint,
  optionalBool,
  optionalEnum,
  optionalInt,
  optionalList,
  optionalObject,
  optionalString,
  pageOf,
  type Params,
  readPage,
  requiredEnum,
  validation
} from './params.js'
import { deletePolicy } from './policies.js'
import { readTargetKey, resolveResource, targetNotFound } from './resources.js'
import type { ScalableTarget, SuspendedState } from './state.js'
import { readTags } from './tags.js'

const MAX_RESULTS = 50
/** "Scalable targets per resource type: Amazon ECS 3,000" per region (service quotas) */
const MAX_ECS_TARGETS = 3000
const MAX_RESOURCE_IDS = 50

/**
 * RegisterScalableTarget: creates a target (MinCapacity and MaxCapacity required) or updates the
 * members given. The resource must exist. Then, as AWS does, a current capacity outside
 * [min, max] is moved to the nearest bound, by a scaling activity.
 */
export function registerScalableTargetOp(
  model: AasModel,
  params: Params,
  ctx: CallContext
): object {
  const key = readTargetKey(params, ctx)
  const min = optionalInt(params, 'MinCapacity')
  const max = optionalInt(params, 'MaxCapacity')
  const roleArn = optionalString(params, 'RoleARN', { min: 1, max: 1600, xml: true })
  const suspended = readSuspendedState(params)
  const tags = readTags(params)
  const existing = model.target(key)
  if (!existing && (min === undefined || max === undefined)) {
    // AWS's wording is not documented; the requirement is (MinCapacity/MaxCapacity)
    throw validation('MinCapacity and MaxCapacity are required to register a new scalable target')
  }
  const nextMin = min ?? (existing?.minCapacity as number)
  const nextMax = max ?? (existing?.maxCapacity as number)
  if (nextMin < 0) throw validation('Minimum capacity cannot be less than 0')
  if (nextMin > nextMax)
    throw validation('Minimum capacity cannot be greater than maximum capacity')
  const service = resolveResource(model, key, ctx.accountId)

  let target = existing
  if (!target) {
    const registered = [...model.targets.values()].filter(
      (t) => t.region === ctx.region && t.serviceNamespace === key.serviceNamespace
    ).length
    if (registered >= MAX_ECS_TARGETS) {
      throw new AwsError(
        'LimitExceededException',
        `The maximum number of scalable targets (${MAX_ECS_TARGETS}) for ECS services has been reached`
      )
    }
    target = {
      arn: scalableTargetArn(ctx),
      ...key,
      accountId: ctx.accountId,
      minCapacity: nextMin,
      maxCapacity: nextMax,
      roleArn: roleArn ?? serviceLinkedRole(ctx.accountId),
      suspended: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
        ...suspended
      },
      createdAt: model.clock.wallNow(),
      // Tags tag a target when it is created; an existing one is tagged with TagResource
      tags: tags ?? new Map()
    }
    model.targets.set(targetKey(key), target)
  } else {
    target.minCapacity = nextMin
    target.maxCapacity = nextMax
    if (roleArn !== undefined) target.roleArn = roleArn
    target.suspended = { ...target.suspended, ...suspended }
  }

  if (service.desiredCount < target.minCapacity) {
    setCapacity(
      model,
      target,
      target.minCapacity,
      `minimum capacity was set to ${target.minCapacity}`
    )
  } else if (service.desiredCount > target.maxCapacity) {
    setCapacity(
      model,
      target,
      target.maxCapacity,
      `maximum capacity was set to ${target.maxCapacity}`
    )
  }
  return { ScalableTargetARN: target.arn }
}

/** DeregisterScalableTarget: the target goes, and with it its policies and their alarms. */
export function deregisterScalableTargetOp(
  model: AasModel,
  params: Params,
  ctx: CallContext
): object {
  const key = readTargetKey(params, ctx)
  const target = model.target(key)
  if (!target) throw targetNotFound(key)
  removeTarget(model, target)
  return {}
}

export function removeTarget(model: AasModel, target: ScalableTarget): void {
  for (const policy of model.policiesOf(target)) deletePolicy(model, policy)
  model.targets.delete(targetKey(target))
}

/** DescribeScalableTargets: a namespace's targets of the caller's region, in registration order. */
export function describeScalableTargetsOp(
  model: AasModel,
  params: Params,
  ctx: CallContext
): object {
  const namespace = requiredEnum(params, 'ServiceNamespace', SERVICE_NAMESPACES)
  const resourceIds = (optionalList(params, 'ResourceIds') ?? []).map((id, index) =>
    optionalString({ id }, 'id', { min: 1, max: 1600, xml: true }, `ResourceIds.${index + 1}`)
  )
  if (resourceIds.length > MAX_RESOURCE_IDS) {
    throw constraint(
      `[${resourceIds.join(', ')}]`,
      'resourceIds',
      `have length less than or equal to ${MAX_RESOURCE_IDS}`
    )
  }
  const dimension = optionalEnum(params, 'ScalableDimension', SCALABLE_DIMENSIONS)
  const page = readPage(params, MAX_RESULTS)
  const found = [...model.targets.values()].filter(
    (target) =>
      target.region === ctx.region &&
      target.serviceNamespace === namespace &&
      (resourceIds.length === 0 || resourceIds.includes(target.resourceId)) &&
      (dimension === undefined || target.scalableDimension === dimension)
  )
  const { items, nextToken } = pageOf(found, page)
  return {
    ScalableTargets: items.map(renderTarget),
    ...(nextToken === undefined ? {} : { NextToken: nextToken })
  }
}

function renderTarget(target: ScalableTarget): object {
  return {
    ServiceNamespace: target.serviceNamespace,
    ResourceId: target.resourceId,
    ScalableDimension: target.scalableDimension,
    MinCapacity: target.minCapacity,
    MaxCapacity: target.maxCapacity,
    RoleARN: target.roleArn,
    CreationTime: new Date(target.createdAt),
    SuspendedState: { ...target.suspended },
    ScalableTargetARN: target.arn
  }
}

function readSuspendedState(params: Params): Partial<SuspendedState> {
  const given = optionalObject(params, 'SuspendedState')
  if (!given) return {}
  const state: Partial<SuspendedState> = {}
  for (const key of [
    'DynamicScalingInSuspended',
    'DynamicScalingOutSuspended',
    'ScheduledScalingSuspended'
  ] as const) {
    const value = optionalBool(given, key, `SuspendedState.${key}`)
    if (value !== undefined) state[key] = value
  }
  return state
}

/** the role Application Auto Scaling creates for ECS when a caller gives none */
function serviceLinkedRole(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`
}
