import type { Cluster } from '../state.js'
import type { CapacityProvider, GroupControl, StrategyItem } from './state.js'

/** no Auto Scaling to ask: every group is unknown */
const NO_GROUPS: GroupControl = {
  describe: () => undefined,
  setDesired: () => {},
  setProtection: () => {}
}

export const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT']

/**
 * The ECS model's capacity providers, and what it sees of their Auto Scaling groups. The
 * instances the groups launch register as the model's container instances (../instances/), and a
 * provider's tasks are placed on them by ./placement.ts.
 */
export class CapacityBook {
  /** by `${region}/${name}` */
  readonly providers = new Map<string, CapacityProvider>()
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

  /** the capacity providers associated with `cluster`, and its default strategy */
  static clusterProviders(cluster: Cluster): { providers: string[]; strategy: StrategyItem[] } {
    return {
      providers: cluster.capacityProviders ?? [],
      strategy: cluster.defaultCapacityProviderStrategy ?? []
    }
  }

  clear(): void {
    this.providers.clear()
  }
}
