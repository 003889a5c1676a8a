import { AwsError } from '../core/errors.js'
import type { CallContext } from '../core/contracts.js'
import { POLICY_TYPES, SCALABLE_DIMENSIONS, SERVICE_NAMESPACES } from './enums.js'
import { type AasModel, scalingPolicyArn } from './model.js'
import {
  constraint,
  objectNotFound,
  optionalEnum,
  optionalList,
  optionalObject,
  optionalString,
  pageOf,
  type Params,
  readPage,
  requiredEnum,
  requiredString,
  validation
} from './params.js'
import { readTargetKey, resolveResource, targetNotRegistered } from './resources.js'
import type { ScalingPolicy } from './state.js'
import { readStepConfig } from './step-config.js'
import { deleteTrackingAlarms, putTrackingAlarms } from './tracking-alarms.js'
import { readTrackingConfig } from './tracking-config.js'

/** PolicyName: 1-256 characters of `\p{Print}+`, which in the service's (Java) regex is printable ASCII */
const POLICY_NAME = {
  min: 1,
  max: 256,
  pattern: [/^[\x20-\x7E]+$/, '\\p{Print}+'] as [RegExp, string]
}
/** "Scaling policies per scalable target: 50" (Application Auto Scaling service quotas) */
const MAX_POLICIES_PER_TARGET = 50
const MAX_RESULTS = 10
const MAX_POLICY_NAMES = 50

/**
 * PutScalingPolicy: creates a policy on a registered target, or updates the one of that name in
 * place (keeping its ARN, and for target tracking its alarms' names). A policy cannot change
 * between target tracking and step scaling. Target tracking creates or updates its alarms.
 */
export function putScalingPolicyOp(model: AasModel, params: Params, ctx: CallContext): object {
  const name = requiredString(params, 'PolicyName', POLICY_NAME)
  const key = readTargetKey(params, ctx)
  const type = optionalEnum(params, 'PolicyType', POLICY_TYPES)
  const stepGiven = optionalObject(params, 'StepScalingPolicyConfiguration')
  const trackingGiven = optionalObject(params, 'TargetTrackingScalingPolicyConfiguration')
  const target = model.target(key)
  if (!target) throw targetNotRegistered(key)
  const service = resolveResource(model, key, ctx.accountId)
  const existing = model.policiesOf(target).find((policy) => policy.name === name)

  const kind = type ?? existing?.type
  if (kind === undefined) throw constraint(undefined, 'policyType', 'not be null')
  if (kind === 'PredictiveScaling') {
    throw validation('Predictive scaling policies are not supported by the emulator')
  }
  if (existing && existing.type !== kind) {
    throw validation(
      'You cannot change a TargetTrackingScaling policy to a non TargetTrackingScaling policy, or vice versa'
    )
  }
  if (kind === 'StepScaling' && trackingGiven) {
    throw validation(
      'TargetTrackingScalingPolicyConfiguration is not allowed for a StepScaling policy'
    )
  }
  if (kind === 'TargetTrackingScaling' && stepGiven) {
    throw validation(
      'StepScalingPolicyConfiguration is not allowed for a TargetTrackingScaling policy'
    )
  }
  if (!existing && model.policiesOf(target).length >= MAX_POLICIES_PER_TARGET) {
    throw new AwsError(
      'LimitExceededException',
      `Maximum number of scaling policies (${MAX_POLICIES_PER_TARGET}) reached for scalable target ${target.resourceId}`
    )
  }

  // every check of the configuration comes before any change
  let step = existing?.step
  let tracking = existing?.tracking
  if (kind === 'StepScaling') {
    if (!stepGiven && !existing) {
      throw validation('StepScalingPolicyConfiguration is required for a new StepScaling policy')
    }
    if (stepGiven) step = readStepConfig(stepGiven, existing?.step?.given)
  } else {
    if (!trackingGiven && !existing) {
      throw validation(
        'TargetTrackingScalingPolicyConfiguration is required for a new TargetTrackingScaling policy'
      )
    }
    if (trackingGiven) tracking = readTrackingConfig(model, trackingGiven, target, service)
  }

  const policy: ScalingPolicy = existing ?? {
    arn: scalingPolicyArn(target, name),
    name,
    target,
    type: kind,
    alarms: [],
    createdAt: model.clock.wallNow()
  }
  if (step) policy.step = step
  if (tracking) policy.tracking = tracking
  model.policies.set(policy.arn, policy)
  if (kind === 'TargetTrackingScaling') putTrackingAlarms(model, policy)
  const result: Record<string, unknown> = { PolicyARN: policy.arn }
  if (kind === 'TargetTrackingScaling') result.Alarms = renderAlarms(policy.alarms)
  return result
}

/** DescribeScalingPolicies: a namespace's policies of the caller's region, in creation order. */
export function describeScalingPoliciesOp(
  model: AasModel,
  params: Params,
  ctx: CallContext
): object {
  const names = (optionalList(params, 'PolicyNames') ?? []).map((item, index) =>
    requiredString({ item }, 'item', { min: 1, max: 1600, xml: true }, `PolicyNames.${index + 1}`)
  )
  if (names.length > MAX_POLICY_NAMES) {
    throw constraint(
      `[${names.join(', ')}]`,
      'policyNames',
      `have length less than or equal to ${MAX_POLICY_NAMES}`
    )
  }
  const namespace = requiredEnum(params, 'ServiceNamespace', SERVICE_NAMESPACES)
  const resourceId = optionalString(params, 'ResourceId', { min: 1, max: 1600, xml: true })
  const dimension = optionalEnum(params, 'ScalableDimension', SCALABLE_DIMENSIONS)
  const page = readPage(params, MAX_RESULTS)
  const found = [...model.policies.values()].filter(
    ({ target, name }) =>
      target.region === ctx.region &&
      target.serviceNamespace === namespace &&
      (resourceId === undefined || target.resourceId === resourceId) &&
      (dimension === undefined || target.scalableDimension === dimension) &&
      (names.length === 0 || names.includes(name))
  )
  const { items, nextToken } = pageOf(found, page)
  return {
    ScalingPolicies: items.map((policy) => renderPolicy(model, policy)),
    ...(nextToken === undefined ? {} : { NextToken: nextToken })
  }
}

/**
 * DeleteScalingPolicy: a target tracking policy takes its alarms with it; a step scaling
 * policy's alarms are the caller's and stay, their action naming a policy that is gone.
 */
export function deleteScalingPolicyOp(model: AasModel, params: Params, ctx: CallContext): object {
  const name = requiredString(params, 'PolicyName', POLICY_NAME)
  const key = readTargetKey(params, ctx)
  const target = model.target(key)
  const policy = target && model.policiesOf(target).find((candidate) => candidate.name === name)
  if (!policy) {
    throw objectNotFound(
      `No scaling policy found for service namespace: ${key.serviceNamespace}, resource ID: ${key.resourceId}, scalable dimension: ${key.scalableDimension}, policy name: ${name}`
    )
  }
  deletePolicy(model, policy)
  return {}
}

export function deletePolicy(model: AasModel, policy: ScalingPolicy): void {
  if (policy.type === 'TargetTrackingScaling') deleteTrackingAlarms(model, policy)
  model.policies.delete(policy.arn)
  for (const key of [...model.invocations.keys()]) {
    if (key.startsWith(`${policy.arn} `)) model.invocations.delete(key)
  }
}

function renderPolicy(model: AasModel, policy: ScalingPolicy): object {
  const { target } = policy
  return {
    PolicyARN: policy.arn,
    PolicyName: policy.name,
    ServiceNamespace: target.serviceNamespace,
    ResourceId: target.resourceId,
    ScalableDimension: target.scalableDimension,
    PolicyType: policy.type,
    StepScalingPolicyConfiguration: policy.step && structuredClone(policy.step.given),
    TargetTrackingScalingPolicyConfiguration:
      policy.tracking && structuredClone(policy.tracking.given),
    Alarms: renderAlarms(
      policy.type === 'StepScaling' ? alarmsNaming(model, policy) : policy.alarms
    ),
    CreationTime: new Date(policy.createdAt)
  }
}

/** the caller's alarms whose actions invoke a step scaling policy */
function alarmsNaming(model: AasModel, policy: ScalingPolicy): { name: string; arn: string }[] {
  return [...model.cloudwatch.alarms.values()]
    .filter(
      (alarm) => alarm.region === policy.target.region && alarm.alarmActions.includes(policy.arn)
    )
    .map((alarm) => ({ name: alarm.name, arn: alarm.arn }))
}

function renderAlarms(alarms: { name: string; arn: string }[]): object[] {
  return alarms.map((alarm) => ({ AlarmName: alarm.name, AlarmARN: alarm.arn }))
}
