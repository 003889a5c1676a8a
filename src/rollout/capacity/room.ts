import { errorText } from '../context.js'
import type { RolloutObserver, ServiceView, TaskPlacement } from '../ports.js'
import type { CapacityPort } from './ports.js'
import type { TaskNeed } from './need.js'

/** What an EC2 cluster has free for the idle side, as found before the rollout. */
export interface ClusterRoom {
  /** ACTIVE container instances */
  instances: number
  /** CPU units and MiB left on them, in total */
  freeCpu: number
  freeMemory: number
  /** capacity providers of the idle service with managed scaling: they add instances for waiting tasks */
  scaling: string[]
}

/** The room, and what the idle side needs of it: the release's size at the live side's count. */
export interface PairCapacity extends ClusterRoom {
  tasks: number
  perTask: TaskNeed
}

/** A service runs on Fargate: no instances of the user's to fit into. */
export function onFargate(placement: TaskPlacement | undefined): boolean {
  if (!placement) return true
  const strategy = placement.capacityProviderStrategy ?? []
  if (strategy.length > 0)
    return strategy.every((item) => item.capacityProvider.startsWith('FARGATE'))
  return placement.launchType === undefined || placement.launchType === 'FARGATE'
}

/**
 * The cluster's free room for an EC2 idle service (undefined for Fargate, or when it cannot be
 * read: the run goes on, saying so, since ECS's own placement answers in bring-up all the same).
 */
export async function readRoom(
  cluster: string,
  idle: ServiceView,
  deps: { capacity?: CapacityPort; observer: RolloutObserver }
): Promise<ClusterRoom | undefined> {
  const { capacity, observer } = deps
  if (!capacity || onFargate(idle.placement)) return undefined
  const providers = (idle.placement?.capacityProviderStrategy ?? []).map(
    (item) => item.capacityProvider
  )
  try {
    const [instances, described] = await Promise.all([
      capacity.activeInstances(cluster),
      providers.length > 0 ? capacity.describeCapacityProviders(providers) : []
    ])
    return {
      instances: instances.length,
      freeCpu: instances.reduce((sum, instance) => sum + instance.cpu, 0),
      freeMemory: instances.reduce((sum, instance) => sum + instance.memory, 0),
      scaling: described.filter((provider) => provider.managedScaling).map((p) => p.name)
    }
  } catch (error) {
    observer.warn(
      `could not read the free capacity of cluster ${cluster} (${errorText(error)}); ` +
        `grant ecs:ListContainerInstances, ecs:DescribeContainerInstances and ` +
        `ecs:DescribeCapacityProviders to see it before the idle side is brought up`
    )
    return undefined
  }
}

/** "web-green needs 512 CPU units and 1024 MiB (2 tasks of 256 CPU units, 512 MiB); ..." */
export function capacityWords(service: string, capacity: PairCapacity): string {
  const { tasks, perTask, instances, freeCpu, freeMemory } = capacity
  const cpu = tasks * perTask.cpu
  const memory = tasks * perTask.memory
  const need =
    `${service} needs ${cpu} CPU units and ${memory} MiB ` +
    `(${tasks} ${tasks === 1 ? 'task' : 'tasks'} of ${perTask.cpu} CPU units, ${perTask.memory} MiB)`
  const free =
    `the cluster's ${instances} ACTIVE container ${instances === 1 ? 'instance has' : 'instances have'} ` +
    `${freeCpu} CPU units and ${freeMemory} MiB free`
  const short = [
    cpu > freeCpu ? `${cpu - freeCpu} CPU units` : '',
    memory > freeMemory ? `${memory - freeMemory} MiB` : ''
  ].filter(Boolean)
  if (short.length === 0) return `${need}; ${free}`
  const room =
    capacity.scaling.length > 0
      ? `capacity provider ${capacity.scaling.join(', ')} (managed scaling) has to add instances`
      : 'no capacity provider of it scales, so ECS will not be able to place them all'
  return `${need}; ${free}: short by ${short.join(' and ')}, ${room}`
}
