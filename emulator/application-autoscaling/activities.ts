import type { CallContext } from '../core/contracts.js'
import { SCALABLE_DIMENSIONS, SERVICE_NAMESPACES } from './enums.js'
import type { AasModel } from './model.js'
import {
  optionalBool,
  optionalEnum,
  optionalString,
  pageOf,
  type Params,
  readPage,
  requiredEnum
} from './params.js'
import type { Activity } from './state.js'

const MAX_RESULTS = 50

/**
 * DescribeScalingActivities: the caller's region's activities of a namespace, newest first, by
 * resource and dimension. Not scaled activities (a policy that asked for a capacity the target
 * already had, or was held at its minimum or maximum) are listed only when asked for.
 */
export function describeScalingActivitiesOp(
  model: AasModel,
  params: Params,
  ctx: CallContext
): object {
  const namespace = requiredEnum(params, 'ServiceNamespace', SERVICE_NAMESPACES)
  const resourceId = optionalString(params, 'ResourceId', { min: 1, max: 1600, xml: true })
  const dimension = optionalEnum(params, 'ScalableDimension', SCALABLE_DIMENSIONS)
  const withNotScaled = optionalBool(params, 'IncludeNotScaledActivities') ?? false
  const page = readPage(params, MAX_RESULTS)
  const found = model.activities.filter(
    (activity) =>
      activity.region === ctx.region &&
      activity.serviceNamespace === namespace &&
      (resourceId === undefined || activity.resourceId === resourceId) &&
      (dimension === undefined || activity.scalableDimension === dimension) &&
      (withNotScaled || activity.notScaled === undefined)
  )
  const { items, nextToken } = pageOf(found, page)
  return {
    ScalingActivities: items.map((activity) => renderActivity(activity, withNotScaled)),
    ...(nextToken === undefined ? {} : { NextToken: nextToken })
  }
}

function renderActivity(activity: Activity, withNotScaled: boolean): object {
  return {
    ActivityId: activity.id,
    ServiceNamespace: activity.serviceNamespace,
    ResourceId: activity.resourceId,
    ScalableDimension: activity.scalableDimension,
    Description: activity.description,
    Cause: activity.cause,
    StartTime: new Date(activity.startedAt),
    EndTime: activity.endedAt === undefined ? undefined : new Date(activity.endedAt),
    StatusCode: activity.statusCode,
    StatusMessage: activity.statusMessage,
    NotScaledReasons: withNotScaled ? activity.notScaled : undefined
  }
}
