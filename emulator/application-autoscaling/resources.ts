import type { CallContext } from '../core/contracts.js'
import type { AwsError } from '../core/errors.js'
import { SCALABLE_DIMENSIONS, SERVICE_NAMESPACES } from './enums.js'
import type { ScalableService } from './links.js'
import type { AasModel, TargetKey } from './model.js'
import { objectNotFound, type Params, requiredEnum, requiredString, validation } from './params.js'
import type { ScalableTarget } from './state.js'

export const ECS_DIMENSION = 'ecs:service:DesiredCount'

/** the three members that name a scalable target, checked against the API model */
export function readTargetKey(params: Params, ctx: CallContext): TargetKey {
  return {
    region: ctx.region,
    serviceNamespace: requiredEnum(params, 'ServiceNamespace', SERVICE_NAMESPACES),
    resourceId: requiredString(params, 'ResourceId', { min: 1, max: 1600, xml: true }),
    scalableDimension: requiredEnum(params, 'ScalableDimension', SCALABLE_DIMENSIONS)
  }
}

/**
 * The resource a scalable target scales, as RegisterScalableTarget checks it. A dimension of
 * another namespace, or an ECS resource ID not of the form `service/<cluster>/<service>`, is
 * refused with the message AWS gives for an unsupported combination; an ECS service that does
 * not exist (or is not ACTIVE) with AWS's "ECS service doesn't exist". The emulator simulates
 * no other service, so any other namespace's resource does not exist.
 */
export function resolveResource(
  model: AasModel,
  key: TargetKey,
  accountId: string
): ScalableService {
  const [namespace, resourceType] = key.scalableDimension.split(':') as [string, string]
  if (namespace !== key.serviceNamespace) throw unsupported()
  if (key.serviceNamespace !== 'ecs') {
    throw validation(
      `${RESOURCE_NAMES[resourceType] ?? resourceType} doesn't exist: ${key.resourceId}`
    )
  }
  const match = /^service\/([^/]+)\/([^/]+)$/.exec(key.resourceId)
  if (!match) throw unsupported()
  const [, cluster, service] = match as unknown as [string, string, string]
  const found = model.ecs.service(key.region, accountId, cluster, service)
  if (!found) throw validation(`ECS service doesn't exist: ${key.resourceId}`)
  return found
}

/** the ECS service of a registered target, or undefined once it is gone */
export function serviceOf(model: AasModel, target: ScalableTarget): ScalableService | undefined {
  const match = /^service\/([^/]+)\/([^/]+)$/.exec(target.resourceId)
  if (target.serviceNamespace !== 'ecs' || !match) return undefined
  return model.ecs.service(target.region, target.accountId, match[1] as string, match[2] as string)
}

export function targetNotRegistered(key: TargetKey): AwsError {
  return objectNotFound(
    `No scalable target registered for service namespace: ${key.serviceNamespace}, resource ID: ${key.resourceId}, scalable dimension: ${key.scalableDimension}`
  )
}

export function targetNotFound(key: TargetKey): AwsError {
  return objectNotFound(
    `No scalable target found for service namespace: ${key.serviceNamespace}, resource ID: ${key.resourceId}, scalable dimension: ${key.scalableDimension}`
  )
}

function unsupported(): AwsError {
  return validation('Unsupported service namespace, resource type or scalable dimension')
}

/** how a "doesn't exist" message names a resource type of another service */
const RESOURCE_NAMES: Record<string, string> = {
  'spot-fleet-request': 'Spot Fleet request',
  instancegroup: 'EMR instance group',
  fleet: 'AppStream fleet',
  table: 'DynamoDB table',
  index: 'DynamoDB index',
  cluster: 'DB cluster',
  variant: 'SageMaker variant',
  function: 'Lambda function',
  'replication-group': 'ElastiCache replication group'
}
