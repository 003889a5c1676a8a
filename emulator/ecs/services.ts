import { checkAwsvpcConfiguration } from './awsvpc.js'
import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { ecsArn, isArn } from './ids.js'
import type { EcsModel } from './model.js'
import {
  clientError,
  invalid,
  objectList,
  optionalBool,
  optionalInt,
  optionalObject,
  optionalString,
  page,
  type Params,
  requiredString,
  stringList
} from './params.js'
import { readPlacement } from './capacity/strategy.js'
import { newDeployment, startDeployment } from './scheduler.js'
import { watchScaleToZero } from './safety.js'
import { checkLaunch, requestedLaunchType } from './placement/launch-rules.js'
import { renderService } from './service-view.js'
import type {
  DeploymentConfiguration,
  LoadBalancerRef,
  Service,
  TaskDefinitionRecord
} from './state.js'
import { applyTags, readTags } from './tags.js'
import { readAdvancedConfiguration } from './managed/advanced.js'
import { checkStrategy } from './managed/config.js'
import { startServiceDeployment } from './managed/start.js'

const NAME = /^[a-zA-Z0-9_-]{1,255}$/
const MAX_DESCRIBE = 10
/** fields ECS keeps as given and returns in DescribeServices */
const EXTRAS = [
  'serviceRegistries',
  'placementConstraints',
  'placementStrategy',
  'platformVersion',
  'enableECSManagedTags',
  'propagateTags',
  'enableExecuteCommand',
  'availabilityZoneRebalancing'
]

export function createServiceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const name = requiredString(params, 'serviceName')
  if (!NAME.test(name)) {
    throw invalid(
      'Service name can have up to 255 letters (uppercase and lowercase), numbers, underscores and hyphens.'
    )
  }
  const existing = cluster.services.get(name)
  if (existing && existing.status !== 'INACTIVE')
    throw invalid('Creation of service was not idempotent.')
  checkSupported(params)
  const definition = resolveTaskDefinition(model, requiredString(params, 'taskDefinition'), ctx)
  const desiredCount = optionalInt(params, 'desiredCount', 0, 100000)
  if (desiredCount === undefined)
    throw invalid('desiredCount must be specified for a REPLICA service.')
  // a capacity provider strategy (given, or the cluster's default) stands for its launch type
  const placement = readPlacement(cluster, params)
  checkLaunch(params, definition, placement.launchType ?? requestedLaunchType(params))
  const loadBalancers = readLoadBalancers(model, params, definition) ?? []
  const networkConfiguration = optionalObject(params, 'networkConfiguration')
  checkNetwork(definition, networkConfiguration)
  const grace = readGrace(params, loadBalancers)
  const deploymentConfiguration = readDeploymentConfiguration(
    params,
    defaultDeploymentConfiguration(),
    loadBalancers
  )
  const tags = readTags(params)

  const now = model.clock.wallNow()
  const service: Service = {
    arn: ecsArn(ctx, `service/${cluster.name}/${name}`),
    name,
    cluster,
    status: 'ACTIVE',
    desiredCount,
    launchType: placement.launchType ?? 'FARGATE',
    deploymentConfiguration,
    loadBalancers,
    extras: {
      ...pickExtras(params, {}),
      ...(placement.strategy ? { capacityProviderStrategy: placement.strategy } : {})
    },
    tags: new Map(),
    createdAt: now,
    createdBy: `arn:aws:iam::${ctx.accountId}:role/emulator`,
    deployments: [],
    events: [],
    tasks: new Map(),
    stopped: [],
    steady: false
  }
  if (networkConfiguration) service.networkConfiguration = structuredClone(networkConfiguration)
  if (grace !== undefined) service.healthCheckGracePeriodSeconds = grace
  applyTags(service.tags, tags)
  service.deployments.push(newDeployment(model, service, definition.arn))
  cluster.services.set(name, service)
  startServiceDeployment(model, service, { first: true })
  return { service: renderService(model, service, true) }
}

export function updateServiceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const service = model.service(cluster, requiredString(params, 'service'))
  if (service.status !== 'ACTIVE')
    throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
  checkSupported(params)

  const primary = service.deployments[0]
  const ref = optionalString(params, 'taskDefinition')
  const definition =
    ref === undefined
      ? model.taskDefinitionByArn(primary?.taskDefinitionArn ?? '')
      : resolveTaskDefinition(model, ref, ctx)
  const desiredCount = optionalInt(params, 'desiredCount', 0, 100000)
  checkLaunch(params, definition, service.launchType)
  const loadBalancers = readLoadBalancers(model, params, definition)
  if (loadBalancers === undefined && ref !== undefined) {
    // the service's own load balancers must fit the new revision too
    checkContainers(definition, service.loadBalancers)
  }
  const networkConfiguration = optionalObject(params, 'networkConfiguration')
  checkNetwork(
    definition,
    networkConfiguration ?? (service.networkConfiguration as Params | undefined)
  )
  const grace = readGrace(params, loadBalancers ?? service.loadBalancers)
  const deploymentConfiguration = readDeploymentConfiguration(
    params,
    service.deploymentConfiguration,
    loadBalancers ?? service.loadBalancers
  )
  const force = optionalBool(params, 'forceNewDeployment') ?? false

  // every check passed: now change, so that a refusal changes nothing
  const redeploy =
    force ||
    definition.arn !== primary?.taskDefinitionArn ||
    loadBalancers !== undefined ||
    networkConfiguration !== undefined
  const desiredCountBefore = service.desiredCount
  if (desiredCount !== undefined && desiredCount !== service.desiredCount) {
    service.desiredCount = desiredCount
    service.steady = false
  }
  if (loadBalancers !== undefined) service.loadBalancers = loadBalancers
  if (networkConfiguration !== undefined)
    service.networkConfiguration = structuredClone(networkConfiguration)
  if (grace !== undefined) service.healthCheckGracePeriodSeconds = grace
  service.deploymentConfiguration = deploymentConfiguration
  service.extras = pickExtras(params, service.extras)
  if (redeploy) {
    startDeployment(model, service, definition.arn)
    startServiceDeployment(model, service, { first: false })
  }
  if (desiredCount === 0) watchScaleToZero(model, service, cluster.arn, desiredCountBefore, ctx)
  return { service: renderService(model, service, false) }
}

export function deleteServiceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const service = model.service(cluster, requiredString(params, 'service'))
  if (service.status !== 'ACTIVE')
    throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.')
  const force = optionalBool(params, 'force') ?? false
  if (service.desiredCount > 0 && !force) {
    throw invalid('The service cannot be stopped while it is scaled above 0.')
  }
  service.desiredCount = 0
  service.status = 'DRAINING'
  return { service: renderService(model, service, false) }
}

export function describeServicesOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const refs = stringList(params, 'services')
  if (refs.length === 0) throw invalid('Services cannot be empty.')
  if (refs.length > MAX_DESCRIBE) throw invalid(`services can have at most ${MAX_DESCRIBE} items.`)
  const withTags = stringList(params, 'include').includes('TAGS')
  const services: object[] = []
  const failures: object[] = []
  for (const ref of refs) {
    const service = model.findService(cluster, ref)
    if (service) services.push(renderService(model, service, withTags))
    else
      failures.push({
        arn: isArn(ref) ? ref : ecsArn(ctx, `service/${cluster.name}/${ref}`),
        reason: 'MISSING'
      })
  }
  return { services, failures }
}

export function listServicesOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const launchType = optionalString(params, 'launchType')
  const arns = [...cluster.services.values()]
    .filter((service) => service.status !== 'INACTIVE')
    .filter((service) => launchType === undefined || service.launchType === launchType)
    .map((service) => service.arn)
  const { items, nextToken } = page(arns, params)
  return { serviceArns: items, ...(nextToken ? { nextToken } : {}) }
}

function checkSupported(params: Params): void {
  const propagate = optionalString(params, 'propagateTags')
  if (propagate !== undefined && !['TASK_DEFINITION', 'SERVICE', 'NONE'].includes(propagate)) {
    throw invalid(
      `Invalid propagateTags value '${propagate}'; valid values are TASK_DEFINITION, SERVICE, NONE.`
    )
  }
  optionalBool(params, 'enableECSManagedTags')
  const controller = optionalObject(params, 'deploymentController')
  if (controller && controller.type !== 'ECS') {
    throw invalid(
      `The emulator simulates the ECS deployment controller only, not ${String(controller.type)}.`
    )
  }
  const strategy = optionalString(params, 'schedulingStrategy')
  if (strategy !== undefined && strategy !== 'REPLICA') {
    throw invalid(`The emulator simulates REPLICA services only, not ${strategy}.`)
  }
}

function resolveTaskDefinition(
  model: EcsModel,
  ref: string,
  ctx: CallContext
): TaskDefinitionRecord {
  const definition = model.findTaskDefinition(ref, ctx)
  if (!definition) throw clientError('TaskDefinition not found.')
  if (definition.status !== 'ACTIVE') throw clientError('TaskDefinition is inactive')
  return definition
}

/** the `loadBalancers` of the request, checked against ELBv2 and the task definition */
function readLoadBalancers(
  model: EcsModel,
  params: Params,
  definition: TaskDefinitionRecord
): LoadBalancerRef[] | undefined {
  if (params.loadBalancers === undefined || params.loadBalancers === null) return undefined
  const refs = objectList(params, 'loadBalancers').map((raw) => {
    if (raw.loadBalancerName !== undefined) {
      throw invalid(
        'The emulator supports target groups (targetGroupArn) only, not Classic Load Balancers.'
      )
    }
    const targetGroupArn = requiredString(raw, 'targetGroupArn')
    const containerName = optionalString(raw, 'containerName')
    const containerPort = optionalInt(raw, 'containerPort', 1, 65535)
    if (containerName === undefined || containerPort === undefined) {
      throw invalid('containerName and containerPort must be specified for each load balancer.')
    }
    const group = model.lb.targetGroup(targetGroupArn)
    if (!group)
      throw invalid(`The target group with targetGroupArn ${targetGroupArn} does not exist.`)
    if (group.loadBalancerArns.length === 0) {
      throw invalid(
        `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`
      )
    }
    if (group.targetType === 'ip' && definition.body.networkMode !== 'awsvpc') {
      throw invalid(
        `The provided target group ${targetGroupArn} has target type ip, which is incompatible with the ${String(definition.body.networkMode ?? 'bridge')} network mode specified in the task definition.`
      )
    }
    const advancedConfiguration = readAdvancedConfiguration(model, raw, targetGroupArn)
    return {
      targetGroupArn,
      containerName,
      containerPort,
      ...(advancedConfiguration ? { advancedConfiguration } : {})
    }
  })
  checkContainers(definition, refs)
  return refs
}

function checkContainers(definition: TaskDefinitionRecord, refs: LoadBalancerRef[]): void {
  for (const { containerName, containerPort } of refs) {
    const container = definition.body.containerDefinitions.find((c) => c.name === containerName)
    if (!container)
      throw invalid(`The container ${containerName} does not exist in the task definition.`)
    if (
      !(container.portMappings ?? []).some((mapping) => mapping.containerPort === containerPort)
    ) {
      throw invalid(
        `The container ${containerName} did not have a container port ${containerPort} defined.`
      )
    }
  }
}

function checkNetwork(definition: TaskDefinitionRecord, network: Params | undefined): void {
  if (definition.body.networkMode === 'awsvpc' && !network?.awsvpcConfiguration) {
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
  }
  checkAwsvpcConfiguration(network)
}

function readGrace(params: Params, loadBalancers: LoadBalancerRef[]): number | undefined {
  const grace = optionalInt(params, 'healthCheckGracePeriodSeconds', 0, 2147483647)
  if (grace !== undefined && loadBalancers.length === 0) {
    throw invalid(
      'Health check grace period is only valid for services configured to use load balancers'
    )
  }
  return grace
}

function defaultDeploymentConfiguration(): DeploymentConfiguration {
  return {
    deploymentCircuitBreaker: { enable: false, rollback: false },
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    strategy: 'ROLLING'
  }
}

function readDeploymentConfiguration(
  params: Params,
  current: DeploymentConfiguration,
  loadBalancers: LoadBalancerRef[]
): DeploymentConfiguration {
  const given = optionalObject(params, 'deploymentConfiguration')
  if (!given) return current
  const next: DeploymentConfiguration = {
    ...structuredClone(current),
    ...structuredClone(given)
  } as DeploymentConfiguration
  next.maximumPercent = optionalInt(given, 'maximumPercent', 100, 2000) ?? current.maximumPercent
  next.minimumHealthyPercent =
    optionalInt(given, 'minimumHealthyPercent', 0, 100) ?? current.minimumHealthyPercent
  const breaker = optionalObject(given, 'deploymentCircuitBreaker')
  if (breaker) {
    const enable = optionalBool(breaker, 'enable')
    const rollback = optionalBool(breaker, 'rollback')
    if (enable === undefined || rollback === undefined) {
      throw invalid('deploymentCircuitBreaker needs both enable and rollback.')
    }
    next.deploymentCircuitBreaker = { enable, rollback }
  } else {
    next.deploymentCircuitBreaker = current.deploymentCircuitBreaker
  }
  checkStrategy(next, given, loadBalancers)
  return next
}

function pickExtras(params: Params, current: Record<string, unknown>): Record<string, unknown> {
  const extras = { ...current }
  for (const key of EXTRAS)
    if (params[key] !== undefined) extras[key] = structuredClone(params[key])
  return extras
}
