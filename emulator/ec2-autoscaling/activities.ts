import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { findGroup } from './groups.js'
import type { AutoScalingModel } from './model.js'
import { optionalInt, optionalString, type Params, stringList } from './params.js'

/** DescribeScalingActivities: a group's launches and terminations, newest first (at most 100 kept). */
export function describeScalingActivitiesOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const name = optionalString(params, 'AutoScalingGroupName')
  const ids = stringList(params, 'ActivityIds')
  const max = optionalInt(params, 'MaxRecords', { min: 1, max: 100 }) ?? 100
  const groups =
    name === undefined
      ? [...model.groups.values()].filter((group) => group.region === ctx.region)
      : [findGroup(model, name, ctx)]
  const all = groups
    .flatMap((group) => group.activities)
    .filter((activity) => ids.length === 0 || ids.includes(activity.activityId))
    .sort((a, b) => b.startAt - a.startAt)
  const token = optionalString(params, 'NextToken')
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0)
    throw new AwsError('InvalidNextToken', 'The token is invalid.')
  return {
    Activities: all.slice(start, start + max).map((activity) => ({
      ActivityId: activity.activityId,
      AutoScalingGroupName: activity.groupName,
      Description: activity.description,
      Cause: activity.cause,
      StartTime: new Date(activity.startAt),
      ...(activity.endAt !== undefined ? { EndTime: new Date(activity.endAt) } : {}),
      StatusCode: activity.statusCode,
      Progress: activity.progress,
      Details: '{}'
    })),
    ...(start + max < all.length ? { NextToken: String(start + max) } : {})
  }
}
