import type { AasModel } from './model.js'
import { serviceOf } from './resources.js'
import type { NotScaledReason, ScalableTarget } from './state.js'

/**
 * Sets a target's capacity (an ECS service's desiredCount, through the ECS model as an
 * UpdateService would) and records the scaling activity in AWS's words: "Setting desired count
 * to 4.", "Successfully set desired count to 4. Change successfully fulfilled by ecs.". ECS
 * posts the outcome among the service's events, as it does for Service Auto Scaling. The change
 * is fulfilled at once, so the activity starts and ends at the same moment. False when the
 * service is gone.
 */
export function setCapacity(
  model: AasModel,
  target: ScalableTarget,
  capacity: number,
  cause: string
): boolean {
  const service = serviceOf(model, target)
  if (!service) return false
  const message = `Successfully set desired count to ${capacity}. Change successfully fulfilled by ecs.`
  if (!model.ecs.setDesiredCount(service.arn, capacity, `Message: ${message} Cause: ${cause}`)) {
    return false
  }
  const now = model.clock.wallNow()
  model.record({
    ...keyOf(target),
    description: `Setting desired count to ${capacity}.`,
    cause,
    startedAt: now,
    endedAt: now,
    statusCode: 'Successful',
    statusMessage: message
  })
  return true
}

/**
 * Records that a policy asked for a capacity the target could not move to: already there, or
 * held at its minimum or maximum. A policy that keeps asking the same (an alarm stays in ALARM
 * and invokes it every minute) adds one such activity, not one a minute.
 */
export function recordNotScaled(
  model: AasModel,
  target: ScalableTarget,
  current: number,
  asked: number,
  cause: string
): void {
  const code =
    asked > target.maxCapacity && current >= target.maxCapacity
      ? 'AlreadyAtMaxCapacity'
      : asked < target.minCapacity && current <= target.minCapacity
        ? 'AlreadyAtMinCapacity'
        : 'AlreadyAtDesiredCapacity'
  const reason: NotScaledReason = {
    Code: code,
    MaxCapacity: target.maxCapacity,
    MinCapacity: target.minCapacity,
    CurrentCapacity: current
  }
  const last = model.activities.find(
    (a) =>
      a.region === target.region &&
      a.resourceId === target.resourceId &&
      a.scalableDimension === target.scalableDimension
  )
  if (last?.notScaled?.[0]?.Code === code && last.cause === cause) return
  const now = model.clock.wallNow()
  model.record({
    ...keyOf(target),
    description: 'Attempting to scale due to alarm triggered',
    cause,
    startedAt: now,
    endedAt: now,
    statusCode: 'Failed',
    statusMessage: `Failed to set desired count to ${Math.min(target.maxCapacity, Math.max(target.minCapacity, asked))}`,
    notScaled: [reason]
  })
}

function keyOf(target: ScalableTarget) {
  return {
    region: target.region,
    serviceNamespace: target.serviceNamespace,
    resourceId: target.resourceId,
    scalableDimension: target.scalableDimension
  }
}
