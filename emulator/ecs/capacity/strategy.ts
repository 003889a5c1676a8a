import {
  invalid,
  objectList,
  optionalInt,
  optionalString,
  type Params,
  requiredString
} from '../params.js'
import type { EcsModel } from '../model.js'
import type { Cluster, Service } from '../state.js'
import { FARGATE_PROVIDERS } from './book.js'
import type { StrategyItem } from './state.js'

const MAX_STRATEGY = 20

/**
 * How a service or RunTask places its tasks: a launch type, or a capacity provider strategy (the
 * one given, else the cluster's default when no launch type is given either), checked as ECS
 * checks it. `launchType` is what the tasks report: EC2 for Auto Scaling group providers.
 */
export function readPlacement(
  cluster: Cluster,
  params: Params
): { launchType: string | undefined; strategy: StrategyItem[] | undefined } {
  const launchType = optionalString(params, 'launchType')
  const given =
    params.capacityProviderStrategy === undefined
      ? undefined
      : objectList(params, 'capacityProviderStrategy')
  if (launchType !== undefined && given !== undefined && given.length > 0) {
    throw invalid(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.'
    )
  }
  if (launchType !== undefined) return { launchType, strategy: undefined }
  const fallback = cluster.defaultCapacityProviderStrategy ?? []
  const raw =
    given !== undefined && given.length > 0 ? given : fallback.map((item) => ({ ...item }))
  if (raw.length === 0) return { launchType: undefined, strategy: undefined }
  const strategy = checkStrategy(raw, cluster.capacityProviders ?? [], true)
  const fargate = strategy.every((item) => FARGATE_PROVIDERS.includes(item.capacityProvider))
  return { launchType: fargate ? 'FARGATE' : 'EC2', strategy }
}

/**
 * A strategy's items: at most 20, weights 0-1000, bases 0-100000 (one provider with a base at
 * most), no Auto Scaling group provider mixed with Fargate ones, and, when `mustBeAssociated`,
 * only providers the cluster has.
 */
export function checkStrategy(
  items: Params[],
  associated: string[],
  mustBeAssociated: boolean
): StrategyItem[] {
  if (items.length > MAX_STRATEGY) {
    throw invalid(
      `A capacity provider strategy can contain at most ${MAX_STRATEGY} capacity providers.`
    )
  }
  const strategy = items.map((item) => ({
    capacityProvider: requiredString(item, 'capacityProvider'),
    weight: optionalInt(item, 'weight', 0, 1000) ?? 0,
    base: optionalInt(item, 'base', 0, 100000) ?? 0
  }))
  const names = strategy.map((item) => item.capacityProvider)
  if (new Set(names).size !== names.length) {
    throw invalid(
      'The specified capacity provider strategy cannot contain duplicate capacity providers.'
    )
  }
  if (strategy.filter((item) => item.base > 0).length > 1) {
    throw invalid(
      'The specified capacity provider strategy can only have a base value defined for one capacity provider.'
    )
  }
  const fargate = names.filter((name) => FARGATE_PROVIDERS.includes(name)).length
  if (fargate > 0 && fargate < names.length) {
    throw invalid(
      'The specified capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.'
    )
  }
  // FARGATE and FARGATE_SPOT pass without association: the emulator has always let them (ECS wants them associated too)
  const unassociated = names.filter(
    (name) => !associated.includes(name) && !FARGATE_PROVIDERS.includes(name)
  )
  if (mustBeAssociated && unassociated.length > 0) {
    throw invalid(
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.'
    )
  }
  if (strategy.length > 0 && strategy.every((item) => item.weight === 0)) {
    throw invalid(
      'The specified capacity provider strategy must have at least one capacity provider with a weight greater than zero.'
    )
  }
  return strategy
}

/**
 * The provider a service's next task goes to by the service's strategy, counting the tasks it
 * already has on each; undefined when the service has a launch type instead.
 */
export function serviceProvider(model: EcsModel, service: Service): string | undefined {
  const strategy = service.extras.capacityProviderStrategy as StrategyItem[] | undefined
  if (!strategy) return undefined
  const counts = new Map<string, number>()
  for (const other of service.tasks.values()) {
    const name = other.capacityProviderName
    if (name !== undefined && other.desiredStatus === 'RUNNING')
      counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return model.capacity.pickProvider(strategy, counts)
}
