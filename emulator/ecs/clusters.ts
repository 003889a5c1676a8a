import type { CallContext } from '../core/contracts.js'
import { ecsArn, isArn } from './ids.js'
import type { EcsModel } from './model.js'
import { invalid, objectList, optionalString, type Params, stringList } from './params.js'
import type { Cluster } from './state.js'
import { applyTags, readTags, renderTags } from './tags.js'

const NAME = /^[a-zA-Z0-9_-]{1,255}$/

export function createClusterOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const name = optionalString(params, 'clusterName') ?? 'default'
  if (!NAME.test(name)) {
    throw invalid(
      'Cluster name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.'
    )
  }
  const tags = readTags(params)
  const arn = ecsArn(ctx, `cluster/${name}`)
  // creating a cluster that exists answers with it, as ECS does
  const existing = model.clusters.get(arn)
  if (existing) return { cluster: renderCluster(model, existing, true) }
  const cluster: Cluster = {
    arn,
    name,
    region: ctx.region,
    accountId: ctx.accountId,
    tags: new Map(),
    settings: objectList(params, 'settings').map((setting) => ({
      name: String(setting.name),
      value: String(setting.value)
    })),
    services: new Map(),
    tasks: new Map(),
    standalone: new Map(),
    standaloneStopped: []
  }
  if (cluster.settings.length === 0)
    cluster.settings.push({ name: 'containerInsights', value: 'disabled' })
  applyTags(cluster.tags, tags)
  model.clusters.set(arn, cluster)
  return { cluster: renderCluster(model, cluster, true) }
}

export function describeClustersOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const refs = stringList(params, 'clusters')
  const withTags = stringList(params, 'include').includes('TAGS')
  const clusters: object[] = []
  const failures: object[] = []
  for (const ref of refs.length > 0 ? refs : ['default']) {
    const arn = isArn(ref) ? ref : ecsArn(ctx, `cluster/${ref}`)
    const cluster = model.clusters.get(arn)
    if (cluster) clusters.push(renderCluster(model, cluster, withTags))
    else failures.push({ arn, reason: 'MISSING' })
  }
  return { clusters, failures }
}

export function renderCluster(model: EcsModel, cluster: Cluster, withTags: boolean): object {
  let running = 0
  let pending = 0
  let active = 0
  for (const service of cluster.services.values()) {
    if (service.status === 'ACTIVE') active++
    for (const task of service.tasks.values()) {
      if (task.lastStatus === 'RUNNING') running++
      else if (task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING') pending++
    }
  }
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    // ACTIVE and DRAINING ones, as ECS counts them
    registeredContainerInstancesCount: [...model.instances.values()].filter(
      (instance) => instance.cluster === cluster && instance.status !== 'INACTIVE'
    ).length,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: active,
    statistics: [],
    tags: withTags ? renderTags(cluster.tags) : [],
    settings: cluster.settings,
    capacityProviders: cluster.capacityProviders ?? [],
    defaultCapacityProviderStrategy: (cluster.defaultCapacityProviderStrategy ?? []).map(
      (item) => ({ ...item })
    )
  }
}
