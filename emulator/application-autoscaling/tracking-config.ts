import { parseStat, STATISTICS } from '../cloudwatch/statistics.js'
import { AwsError } from '../core/errors.js'
import { METRIC_STATISTICS, METRIC_TYPES } from './enums.js'
import type { ScalableService } from './links.js'
import type { AasModel } from './model.js'
import {
  constraint,
  memberName,
  objectList,
  optionalBool,
  optionalEnum,
  optionalInt,
  optionalNumber,
  optionalObject,
  optionalString,
  type Params,
  requiredEnum,
  requiredString,
  validation
} from './params.js'
import type { ScalableTarget, TrackedMetric, TrackingConfig } from './state.js'

const AT = 'TargetTrackingScalingPolicyConfiguration'
/** Application Auto Scaling's default cooldowns for ECS services, in seconds */
export const ECS_DEFAULT_COOLDOWN = 300
/** TargetValue: "Values must be in the range of -2^360 to 2^360" */
const TARGET_LIMIT = 2 ** 360

/** A target tracking configuration, checked as PutScalingPolicy checks it for an ECS service. */
export function readTrackingConfig(
  model: AasModel,
  given: Params,
  target: ScalableTarget,
  service: ScalableService
): TrackingConfig {
  const targetValue = optionalNumber(given, 'TargetValue', `${AT}.TargetValue`)
  if (targetValue === undefined)
    throw constraint(undefined, memberName(`${AT}.TargetValue`), 'not be null')
  if (Math.abs(targetValue) > TARGET_LIMIT) {
    throw validation(`The target value ${targetValue} must be in the range of -2^360 to 2^360`)
  }
  // the proportional capacity the emulator computes needs a positive target
  if (!(targetValue > 0)) {
    throw validation(
      `The target value ${targetValue} is not supported by the emulator: it must be greater than 0`
    )
  }
  const predefined = optionalObject(
    given,
    'PredefinedMetricSpecification',
    `${AT}.PredefinedMetricSpecification`
  )
  const customized = optionalObject(
    given,
    'CustomizedMetricSpecification',
    `${AT}.CustomizedMetricSpecification`
  )
  if (predefined && customized) {
    throw validation(
      'You can specify either a PredefinedMetricSpecification or a CustomizedMetricSpecification, not both'
    )
  }
  if (!predefined && !customized) {
    throw validation(
      'Either a PredefinedMetricSpecification or a CustomizedMetricSpecification must be specified'
    )
  }
  const metric = predefined
    ? readPredefined(model, predefined, target, service)
    : readCustomized(customized as Params)
  return {
    targetValue,
    metric,
    scaleOutCooldown: readCooldown(given, 'ScaleOutCooldown'),
    scaleInCooldown: readCooldown(given, 'ScaleInCooldown'),
    disableScaleIn: optionalBool(given, 'DisableScaleIn', `${AT}.DisableScaleIn`) ?? false,
    given: structuredClone(given)
  }
}

function readCooldown(given: Params, key: string): number {
  const value = optionalInt(given, key, `${AT}.${key}`)
  if (value === undefined) return ECS_DEFAULT_COOLDOWN
  if (value < 0)
    throw constraint(value, memberName(`${AT}.${key}`), 'have value greater than or equal to 0')
  return value
}

/**
 * The predefined metrics of an ECS service: its average CPU or memory utilization (AWS/ECS,
 * ClusterName and ServiceName, Average), or the requests per target of one of its target groups
 * (AWS/ApplicationELB RequestCountPerTarget by TargetGroup, Sum), named by a resource label
 * `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>` whose target group must be attached
 * to the service and used by that load balancer.
 */
function readPredefined(
  model: AasModel,
  spec: Params,
  target: ScalableTarget,
  service: ScalableService
): TrackedMetric {
  const at = `${AT}.PredefinedMetricSpecification`
  const type = requiredEnum(
    spec,
    'PredefinedMetricType',
    METRIC_TYPES,
    `${at}.PredefinedMetricType`
  )
  const label = optionalString(spec, 'ResourceLabel', { min: 1, max: 1023 }, `${at}.ResourceLabel`)
  if (
    type === 'ECSServiceAverageCPUUtilizationHighResolution' ||
    type === 'ECSServiceAverageMemoryUtilizationHighResolution'
  ) {
    throw validation(`The predefined metric type ${type} is not supported by the emulator`)
  }
  if (type !== 'ALBRequestCountPerTarget' && !type.startsWith('ECSService')) {
    throw validation(
      `Unsupported metric type ${type} for scalable dimension ${target.scalableDimension}`
    )
  }
  if (type !== 'ALBRequestCountPerTarget') {
    if (label !== undefined) {
      throw validation(
        `ResourceLabel can only be specified for the predefined metric type ALBRequestCountPerTarget`
      )
    }
    return {
      namespace: 'AWS/ECS',
      metricName:
        type === 'ECSServiceAverageCPUUtilization' ? 'CPUUtilization' : 'MemoryUtilization',
      dimensions: [
        { Name: 'ClusterName', Value: service.clusterName },
        { Name: 'ServiceName', Value: service.name }
      ],
      statistic: 'Average'
    }
  }
  if (label === undefined) {
    throw validation(
      'Resource label should be specified for predefined metric type ALBRequestCountPerTarget'
    )
  }
  return {
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCountPerTarget',
    dimensions: [{ Name: 'TargetGroup', Value: checkResourceLabel(model, label, target, service) }],
    statistic: 'Sum'
  }
}

/** the TargetGroup dimension (`targetgroup/<name>/<id>`) of a valid resource label */
function checkResourceLabel(
  model: AasModel,
  label: string,
  target: ScalableTarget,
  service: ScalableService
): string {
  const match = /^(app\/[^/]+\/[^/]+)\/(targetgroup\/[^/]+\/[^/]+)$/.exec(label)
  if (!match) {
    throw validation(
      `Invalid resource label ${label}: expected app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>`
    )
  }
  const [, lbPart, tgPart] = match as unknown as [string, string, string]
  const prefix = `arn:aws:elasticloadbalancing:${target.region}:${target.accountId}:`
  const lbArn = `${prefix}loadbalancer/${lbPart}`
  const tgArn = `${prefix}${tgPart}`
  if (!model.elbv2.loadBalancers.has(lbArn)) {
    throw validation(`Load balancer ${lbPart} in resource label ${label} does not exist`)
  }
  const group = model.elbv2.targetGroups.get(tgArn)
  if (!group) throw validation(`Target group ${tgPart} in resource label ${label} does not exist`)
  if (!group.loadBalancerArns.has(lbArn)) {
    throw validation(`Target group ${tgArn} is not associated with load balancer ${lbArn}`)
  }
  if (!service.targetGroupArns.includes(tgArn)) {
    throw validation(
      `Target group ${tgArn} is not attached to the ECS service ${target.resourceId}`
    )
  }
  return tgPart
}

/**
 * A metric of the caller's choosing: MetricName, Namespace, Dimensions, Statistic and Unit, or
 * `Metrics` holding one MetricStat query that returns data (metric math is not simulated).
 */
function readCustomized(spec: Params): TrackedMetric {
  const at = `${AT}.CustomizedMetricSpecification`
  const queries = objectList(spec, 'Metrics', `${at}.Metrics`)
  if (queries.length === 0) {
    const metricName = optionalString(spec, 'MetricName', {}, `${at}.MetricName`)
    const namespace = optionalString(spec, 'Namespace', {}, `${at}.Namespace`)
    const statistic = optionalEnum(spec, 'Statistic', METRIC_STATISTICS, `${at}.Statistic`)
    if (metricName === undefined || namespace === undefined || statistic === undefined) {
      throw validation(
        'MetricName, Namespace and Statistic are required for a CustomizedMetricSpecification without Metrics'
      )
    }
    const metric: TrackedMetric = {
      namespace,
      metricName,
      dimensions: readDimensions(spec, `${at}.Dimensions`, false),
      statistic
    }
    const unit = optionalString(spec, 'Unit', {}, `${at}.Unit`)
    if (unit !== undefined) metric.unit = unit
    return metric
  }
  for (const key of ['MetricName', 'Namespace', 'Dimensions', 'Statistic', 'Unit']) {
    if (spec[key] !== undefined && spec[key] !== null) {
      throw validation(
        `${key} cannot be specified together with Metrics in a CustomizedMetricSpecification`
      )
    }
  }
  const ids = new Set<string>()
  queries.forEach((query, index) => {
    const id = requiredString(
      query,
      'Id',
      { min: 1, max: 255, xml: true },
      `${at}.Metrics.${index + 1}.Id`
    )
    if (ids.has(id)) throw validation(`The Id ${id} is used by more than one query in Metrics`)
    ids.add(id)
    if (query.Expression !== undefined && query.Expression !== null) {
      throw validation(
        'Metric math expressions in Metrics are not supported by the emulator: give one MetricStat'
      )
    }
  })
  const returned = queries.filter((query) => optionalBool(query, 'ReturnData') ?? true)
  const query = returned[0]
  if (returned.length !== 1 || !query) {
    throw validation('Exactly one query in Metrics must return data (ReturnData)')
  }
  const index = queries.indexOf(query) + 1
  const stat = optionalObject(query, 'MetricStat', `${at}.Metrics.${index}.MetricStat`)
  if (!stat)
    throw validation(
      `Either Expression or MetricStat must be specified for query ${String(query.Id)}`
    )
  const statAt = `${at}.Metrics.${index}.MetricStat`
  const metric = optionalObject(stat, 'Metric', `${statAt}.Metric`)
  if (!metric) throw constraint(undefined, memberName(`${statAt}.Metric`), 'not be null')
  const statName = requiredString(stat, 'Stat', { xml: true }, `${statAt}.Stat`)
  try {
    parseStat(statName, 'Stat')
  } catch (error) {
    if (error instanceof AwsError)
      throw validation(
        `Invalid statistic ${statName}: use ${STATISTICS.join(', ')} or a percentile such as p99`
      )
    throw error
  }
  const tracked: TrackedMetric = {
    namespace: requiredString(
      metric,
      'Namespace',
      { min: 1, max: 255, xml: true },
      `${statAt}.Metric.Namespace`
    ),
    metricName: requiredString(
      metric,
      'MetricName',
      { min: 1, max: 255, xml: true },
      `${statAt}.Metric.MetricName`
    ),
    dimensions: readDimensions(metric, `${statAt}.Metric.Dimensions`, true),
    statistic: statName
  }
  const unit = optionalString(stat, 'Unit', { min: 1, max: 1023, xml: true }, `${statAt}.Unit`)
  if (unit !== undefined) tracked.unit = unit
  return tracked
}

function readDimensions(
  params: Params,
  path: string,
  limited: boolean
): { Name: string; Value: string }[] {
  const key = path.split('.').at(-1) as string
  return objectList(params, key, path).map((dimension, index) => ({
    Name: requiredString(
      dimension,
      'Name',
      limited ? { min: 1, max: 255, xml: true } : {},
      `${path}.${index + 1}.Name`
    ),
    Value: requiredString(
      dimension,
      'Value',
      limited ? { min: 1, max: 1024, xml: true } : {},
      `${path}.${index + 1}.Value`
    )
  }))
}
