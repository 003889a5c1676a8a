import type { CallContext } from '../../core/contracts.js'
import { AwsError } from '../../core/errors.js'
import { renderCluster } from '../clusters.js'
import { ecsArn, isArn } from '../ids.js'
import type { EcsModel } from '../model.js'
import {
  clientError,
  invalid,
  objectList,
  optionalInt,
  optionalObject,
  optionalString,
  type Params,
  requiredString,
  stringList
} from '../params.js'
import { applyTags, readTags, renderTags } from '../tags.js'
import { FARGATE_PROVIDERS } from './book.js'
import type { CapacityProvider, ManagedScaling } from './state.js'
import { checkStrategy } from './strategy.js'

/**
 * CreateCapacityProvider, DescribeCapacityProviders, DeleteCapacityProvider and
 * PutClusterCapacityProviders for Auto Scaling group providers, checked as ECS checks them.
 * Messages marked "emulator's wording" are the emulator's where the API reference names the rule
 * but not the text.
 */

const NAME = /^[a-zA-Z0-9_-]{1,255}$/
const RESERVED_PREFIX = /^(aws|ecs|fargate)/i
const GROUP_ARN =
  /^arn:aws[a-z-]*:autoscaling:[a-z0-9-]+:\d{12}:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/.+$/

export function createCapacityProviderOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const book = model.capacity
  const name = requiredString(params, 'name')
  if (!NAME.test(name)) {
    throw invalid(
      'The capacity provider name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.'
    )
  }
  // emulator's wording: the reference says the name "can't be prefixed with aws, ecs, or fargate"
  if (RESERVED_PREFIX.test(name)) {
    throw invalid(
      `The capacity provider name '${name}' can't begin with "aws", "ecs", or "fargate".`
    )
  }
  const asg = optionalObject(params, 'autoScalingGroupProvider')
  if (!asg) throw invalid('autoScalingGroupProvider can not be blank.')
  const groupArn = requiredString(asg, 'autoScalingGroupArn')
  if (!GROUP_ARN.test(groupArn)) {
    throw invalid(`The specified Auto Scaling group ARN is not valid: ${groupArn}.`)
  }
  const group = book.groups.describe(groupArn)
  // emulator's wording
  if (!group) throw invalid(`The specified Auto Scaling group ${groupArn} does not exist.`)
  const managedScaling = readManagedScaling(optionalObject(asg, 'managedScaling'))
  const protection = readEnabled(asg, 'managedTerminationProtection', 'DISABLED')
  const draining = readEnabled(asg, 'managedDraining', 'ENABLED')
  if (protection === 'ENABLED' && managedScaling.status !== 'ENABLED') {
    throw invalid(
      'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled.'
    )
  }
  if (protection === 'ENABLED' && !group.newInstancesProtectedFromScaleIn) {
    throw invalid(
      'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.'
    )
  }
  const tags = readTags(params)
  const existing = book.providers.get(`${ctx.region}/${name}`)
  if (existing && existing.status === 'ACTIVE') {
    throw clientError(
      'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.'
    )
  }
  if (book.providerOfGroup(groupArn)) {
    // emulator's wording: a group serves one capacity provider
    throw clientError(
      `The specified Auto Scaling group ${groupArn} is already in use by another capacity provider.`
    )
  }
  const provider: CapacityProvider = {
    name,
    arn: ecsArn(ctx, `capacity-provider/${name}`),
    region: ctx.region,
    accountId: ctx.accountId,
    status: 'ACTIVE',
    autoScalingGroupArn: groupArn,
    managedScaling,
    managedTerminationProtection: protection,
    managedDraining: draining,
    tags: new Map()
  }
  applyTags(provider.tags, tags)
  book.providers.set(`${ctx.region}/${name}`, provider)
  return { capacityProvider: renderProvider(provider, true) }
}

export function describeCapacityProvidersOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const book = model.capacity
  const refs = stringList(params, 'capacityProviders')
  if (refs.length > 100) throw invalid('capacityProviders can have at most 100 items.')
  const withTags = stringList(params, 'include').includes('TAGS')
  const max = optionalInt(params, 'maxResults', 1, 10)
  const fargate = FARGATE_PROVIDERS.map((name) => ({
    capacityProviderArn: `arn:aws:ecs:${ctx.region}:aws:capacity-provider/${name}`,
    name,
    status: 'ACTIVE',
    tags: []
  }))
  const own = [...book.providers.values()].filter((p) => p.region === ctx.region)
  if (refs.length === 0) {
    const all = [...fargate, ...own.map((p) => renderProvider(p, withTags))]
    const token = optionalString(params, 'nextToken')
    const start = token === undefined ? 0 : Number(token)
    const size = max ?? all.length
    return {
      capacityProviders: all.slice(start, start + size),
      failures: [],
      ...(start + size < all.length ? { nextToken: String(start + size) } : {})
    }
  }
  const capacityProviders: object[] = []
  const failures: object[] = []
  for (const ref of refs) {
    const found = fargate.find((p) => p.name === ref || p.capacityProviderArn === ref)
    const mine = found ? undefined : book.provider(ctx.region, ref)
    if (found) capacityProviders.push(found)
    else if (mine) capacityProviders.push(renderProvider(mine, withTags))
    else
      failures.push({
        arn: isArn(ref) ? ref : ecsArn(ctx, `capacity-provider/${ref}`),
        reason: 'MISSING'
      })
  }
  return { capacityProviders, failures }
}

export function deleteCapacityProviderOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const book = model.capacity
  const ref = requiredString(params, 'capacityProvider')
  const provider = book.provider(ctx.region, ref)
  if (!provider || provider.status !== 'ACTIVE') {
    throw clientError(
      'The specified capacity provider does not exist. Specify a valid name or ARN and try again.'
    )
  }
  if (provider.clusterArn !== undefined) {
    throw clientError(
      'The specified capacity provider is in use and cannot be removed. Remove it from the cluster with PutClusterCapacityProviders first.'
    )
  }
  provider.status = 'INACTIVE'
  provider.updateStatus = 'DELETE_COMPLETE'
  return { capacityProvider: renderProvider(provider, false) }
}

export function putClusterCapacityProvidersOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const book = model.capacity
  const cluster = model.cluster(requiredString(params, 'cluster'), ctx)
  if (params.capacityProviders === undefined) throw invalid('capacityProviders can not be null.')
  if (params.defaultCapacityProviderStrategy === undefined) {
    throw invalid('defaultCapacityProviderStrategy can not be null.')
  }
  const names = stringList(params, 'capacityProviders').map((ref) => {
    if (FARGATE_PROVIDERS.includes(ref)) return ref
    const provider = book.provider(ctx.region, ref)
    if (!provider || provider.status !== 'ACTIVE') {
      throw invalid(
        `The specified capacity provider '${ref}' does not exist. Specify a valid name or ARN and try again.`
      )
    }
    if (provider.clusterArn !== undefined && provider.clusterArn !== cluster.arn) {
      // emulator's wording: a provider can be associated with one cluster only
      throw invalid(
        `The specified capacity provider '${provider.name}' is already associated with another cluster.`
      )
    }
    return provider.name
  })
  if (names.length > 20) throw invalid('A cluster can have at most 20 capacity providers.')
  const strategy = checkStrategy(objectList(params, 'defaultCapacityProviderStrategy'), [], false)
  if (strategy.some((item) => !names.includes(item.capacityProvider))) {
    throw invalid(
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.'
    )
  }
  const removed = (cluster.capacityProviders ?? []).filter((name) => !names.includes(name))
  const inUse = removed.filter(
    (name) =>
      [...cluster.tasks.values()].some(
        (task) => task.capacityProviderName === name && task.lastStatus !== 'STOPPED'
      ) ||
      [...cluster.services.values()].some(
        (service) =>
          service.status === 'ACTIVE' &&
          (
            (service.extras.capacityProviderStrategy as
              { capacityProvider: string }[] | undefined) ?? []
          ).some((item) => item.capacityProvider === name)
      )
  )
  if (inUse.length > 0) {
    throw new AwsError(
      'ResourceInUseException',
      'The specified capacity provider is in use and cannot be removed.'
    )
  }
  for (const name of removed) {
    const provider = book.providers.get(`${cluster.region}/${name}`)
    if (provider) delete provider.clusterArn
  }
  for (const name of names) {
    const provider = book.providers.get(`${cluster.region}/${name}`)
    if (provider) provider.clusterArn = cluster.arn
  }
  cluster.capacityProviders = names
  cluster.defaultCapacityProviderStrategy = strategy
  return { cluster: renderCluster(model, cluster, false) }
}

export function renderProvider(provider: CapacityProvider, withTags: boolean): object {
  return {
    capacityProviderArn: provider.arn,
    name: provider.name,
    status: provider.status,
    autoScalingGroupProvider: {
      autoScalingGroupArn: provider.autoScalingGroupArn,
      managedScaling: { ...provider.managedScaling },
      managedTerminationProtection: provider.managedTerminationProtection,
      managedDraining: provider.managedDraining
    },
    ...(provider.updateStatus ? { updateStatus: provider.updateStatus } : {}),
    tags: withTags ? renderTags(provider.tags) : []
  }
}

function readManagedScaling(given: Params | undefined): ManagedScaling {
  const status = given ? optionalString(given, 'status') : undefined
  if (status !== undefined && status !== 'ENABLED' && status !== 'DISABLED') {
    throw invalid(`Invalid managedScaling status '${status}'; valid values are ENABLED, DISABLED.`)
  }
  const int = (key: string, min: number, max: number, fallback: number): number =>
    (given ? optionalInt(given, key, min, max) : undefined) ?? fallback
  const scaling: ManagedScaling = {
    status: status ?? 'DISABLED',
    targetCapacity: int('targetCapacity', 1, 100, 100),
    minimumScalingStepSize: int('minimumScalingStepSize', 1, 10000, 1),
    maximumScalingStepSize: int('maximumScalingStepSize', 1, 10000, 10000),
    instanceWarmupPeriod: int('instanceWarmupPeriod', 0, 10000, 300)
  }
  if (scaling.minimumScalingStepSize > scaling.maximumScalingStepSize) {
    // emulator's wording
    throw invalid(
      'managedScaling minimumScalingStepSize must be less than or equal to maximumScalingStepSize.'
    )
  }
  return scaling
}

function readEnabled(
  params: Params,
  key: string,
  fallback: 'ENABLED' | 'DISABLED'
): 'ENABLED' | 'DISABLED' {
  const value = optionalString(params, key)
  if (value === undefined) return fallback
  if (value !== 'ENABLED' && value !== 'DISABLED') {
    throw invalid(`Invalid ${key} value '${value}'; valid values are ENABLED, DISABLED.`)
  }
  return value
}
