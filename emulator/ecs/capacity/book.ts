import type { Cluster, Task } from '../state.js'
import type { CapacityProvider, GroupControl, JoinedInstance, StrategyItem } from './state.js'

/** no Auto Scaling to ask: every group is unknown */
const NO_GROUPS: GroupControl = {
  describe: () => undefined,
  setDesired: () => {},
  setProtection: () => {}
}

export const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT']

/**
 * The ECS model's capacity providers and the instances their groups registered, with task
 * placement: a task of an Auto Scaling group provider waits in PROVISIONING until one of the
 * provider's instances in its cluster has the CPU and memory it reserves.
 */
export class CapacityBook {
  /** by `${region}/${name}` */
  readonly providers = new Map<string, CapacityProvider>()
  /** by instance ID */
  readonly instances = new Map<string, JoinedInstance>()
  groups: GroupControl = NO_GROUPS

  provider(region: string, ref: string): CapacityProvider | undefined {
    if (ref.startsWith('arn:')) {
      for (const provider of this.providers.values()) if (provider.arn === ref) return provider
      return undefined
    }
    return this.providers.get(`${region}/${ref}`)
  }

  providerOfGroup(groupArn: string): CapacityProvider | undefined {
    for (const provider of this.providers.values()) {
      if (provider.status === 'ACTIVE' && provider.autoScalingGroupArn === groupArn) return provider
    }
    return undefined
  }

  instancesOf(provider: CapacityProvider): JoinedInstance[] {
    return [...this.instances.values()].filter(
      (instance) =>
        instance.providerName === provider.name && instance.clusterArn === provider.clusterArn
    )
  }

  /**
   * The provider a service's next task goes to, by its strategy: each provider's base first, in
   * order, then the one furthest below its weight's share.
   */
  pickProvider(strategy: StrategyItem[], counts: Map<string, number>): string | undefined {
    for (const item of strategy) {
      if ((counts.get(item.capacityProvider) ?? 0) < item.base) return item.capacityProvider
    }
    let best: StrategyItem | undefined
    let bestScore = Infinity
    for (const item of strategy) {
      if (item.weight <= 0) continue
      const score = ((counts.get(item.capacityProvider) ?? 0) + 1) / item.weight
      if (score < bestScore) {
        best = item
        bestScore = score
      }
    }
    return (best ?? strategy[0])?.capacityProvider
  }

  /**
   * Places a PROVISIONING task on an instance of its provider with room for it; true when it is
   * placed (or needs no instance: Fargate or no provider). First fit, in registration order.
   */
  place(task: Task): boolean {
    const name = task.capacityProviderName
    if (name === undefined || FARGATE_PROVIDERS.includes(name)) return true
    if (task.containerInstanceArn !== undefined) return true
    const need = reservation(task)
    for (const instance of this.instances.values()) {
      if (instance.clusterArn !== task.cluster.arn || instance.providerName !== name) continue
      if (instance.cpu - instance.usedCpu < need.cpu) continue
      if (instance.memory - instance.usedMemory < need.memory) continue
      instance.usedCpu += need.cpu
      instance.usedMemory += need.memory
      instance.tasks.add(task.id)
      task.containerInstanceArn = instance.arn
      task.availabilityZone = instance.availabilityZone
      return true
    }
    return false
  }

  /** gives a task's CPU and memory back to its instance once it is STOPPED */
  release(task: Task): void {
    if (task.containerInstanceArn === undefined) return
    for (const instance of this.instances.values()) {
      if (instance.arn !== task.containerInstanceArn || !instance.tasks.delete(task.id)) continue
      const need = reservation(task)
      instance.usedCpu -= need.cpu
      instance.usedMemory -= need.memory
    }
  }

  /** the capacity providers associated with `cluster`, and its default strategy */
  static clusterProviders(cluster: Cluster): { providers: string[]; strategy: StrategyItem[] } {
    return {
      providers: cluster.capacityProviders ?? [],
      strategy: cluster.defaultCapacityProviderStrategy ?? []
    }
  }

  clear(): void {
    this.providers.clear()
    this.instances.clear()
  }
}

/**
 * The CPU units and MiB a task reserves on an instance: the task-level figures, else the sum of
 * its containers' (memory, else memoryReservation), as ECS's scheduler reserves them.
 */
export function reservation(task: Task): { cpu: number; memory: number } {
  const cpu = Number(task.cpu ?? NaN)
  const memory = Number(task.memory ?? NaN)
  const containers = task.reservedByContainers ?? { cpu: 0, memory: 0 }
  return {
    cpu: Number.isFinite(cpu) ? cpu : containers.cpu,
    memory: Number.isFinite(memory) ? memory : containers.memory
  }
}
