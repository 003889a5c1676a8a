import { attributesOf } from '../instances/attributes.js'
import { remaining, reservationOf } from '../instances/resources.js'
import type { ContainerInstance } from '../instances/state.js'
import type { EcsModel } from '../model.js'
import type { Params } from '../params.js'
import type { Cluster, Task, TaskDefinitionRecord } from '../state.js'
import { matches } from './expression.js'
import { parseConstraint, parseStrategy, type Strategy } from './rules.js'

/**
 * Why no instance took the task: the closest one's first shortfall (ATTRIBUTE: no instance
 * matches a memberOf; DISTINCT: every one that does already runs a task of the group), or no
 * instance at all.
 */
export type Shortfall = 'CPU' | 'MEMORY' | 'PORTS' | 'ATTRIBUTE' | 'DISTINCT' | 'NONE'

export type Placement =
  { instance: ContainerInstance } | { closest?: ContainerInstance; shortfall: Shortfall }

export interface PlacementAsk {
  /** the task's group: `service:<name>` or RunTask's group; spread and distinctInstance count it */
  group: string
  strategies: Params[]
  constraints: Params[]
  random?: () => number
  /** a capacity provider's task: only the instances its Auto Scaling group registered */
  capacityProvider?: string
}

/** The group a live task counts in, as placement sees it. */
export function groupOf(task: Task): string {
  return task.service ? `service:${task.service.name}` : (task.group ?? '')
}

/**
 * Where ECS would place one task of `definition` in `cluster` now: among the ACTIVE instances
 * whose agent is connected, those the constraints allow (the task definition's and the
 * request's), then those with the CPU, memory and host ports free, ordered by the strategies
 * in turn (ties to the earliest registered).
 */
export function place(
  model: EcsModel,
  cluster: Cluster,
  definition: TaskDefinitionRecord,
  ask: PlacementAsk
): Placement {
  const active = [...model.instances.values()].filter(
    (i) =>
      i.cluster === cluster &&
      i.status === 'ACTIVE' &&
      i.agentConnected &&
      (ask.capacityProvider === undefined || i.capacityProviderName === ask.capacityProvider)
  )
  if (active.length === 0) return { shortfall: 'NONE' }
  const fromDefinition = (definition.body.placementConstraints ?? []) as Params[]
  const constraints = [...fromDefinition, ...ask.constraints]
    .filter((c) => c.type === 'distinctInstance' || c.type === 'memberOf')
    .map(parseConstraint)
  const members = active.filter((instance) =>
    constraints.every(
      (c) =>
        c.type !== 'memberOf' ||
        matches(c.expression ?? { clauses: [], joins: [] }, attributesOf(instance))
    )
  )
  if (members.length === 0) return { closest: active[0], shortfall: 'ATTRIBUTE' }
  const distinct = constraints.some((c) => c.type === 'distinctInstance')
  const allowed = members.filter(
    (instance) =>
      !distinct || ![...instance.tasks.values()].some((task) => groupOf(task) === ask.group)
  )
  if (allowed.length === 0) return { closest: members[0], shortfall: 'DISTINCT' }

  const need = reservationOf(definition)
  let closest: { instance: ContainerInstance; misses: Shortfall[] } | undefined
  const fitting: ContainerInstance[] = []
  for (const instance of allowed) {
    const left = remaining(instance)
    const misses: Shortfall[] = []
    if (need.cpu > left.cpu) misses.push('CPU')
    if (need.memory > left.memory) misses.push('MEMORY')
    if (need.tcp.some((p) => left.tcp.has(p)) || need.udp.some((p) => left.udp.has(p))) {
      misses.push('PORTS')
    }
    if (misses.length === 0) fitting.push(instance)
    else if (!closest || misses.length < closest.misses.length) closest = { instance, misses }
  }
  if (fitting.length === 0) {
    return { closest: closest?.instance, shortfall: closest?.misses[0] ?? 'NONE' }
  }
  const strategies = ask.strategies.map(parseStrategy)
  const random = ask.random ?? Math.random
  const keys = new Map(
    fitting.map((instance) => [
      instance,
      strategies.map((s) => score(s, instance, active, ask, random))
    ])
  )
  const order = [...fitting].sort((a, b) => {
    const ka = keys.get(a) ?? []
    const kb = keys.get(b) ?? []
    for (let i = 0; i < ka.length; i++) {
      const diff = (ka[i] ?? 0) - (kb[i] ?? 0)
      if (diff !== 0) return diff
    }
    return a.registeredAt - b.registeredAt
  })
  return { instance: order[0] as ContainerInstance }
}

/** lower is better */
function score(
  strategy: Strategy,
  instance: ContainerInstance,
  cluster: ContainerInstance[],
  ask: PlacementAsk,
  random: () => number
): number {
  switch (strategy.type) {
    case 'random':
      return random()
    case 'binpack': {
      // the least of the resource left first, so that instances fill up one by one
      const left = remaining(instance)
      return strategy.field?.toLowerCase() === 'cpu' ? left.cpu : left.memory
    }
    case 'spread': {
      const field = strategy.field ?? 'instanceId'
      const inGroup = (i: ContainerInstance): number =>
        [...i.tasks.values()].filter((task) => groupOf(task) === ask.group).length
      if (field === 'instanceId' || field === 'host') return inGroup(instance)
      // an attribute: how many of the group's tasks run on instances of the same value
      const name = field.replace(/^attribute:/, '')
      const value = attributesOf(instance).get(name)
      return cluster
        .filter((i) => attributesOf(i).get(name) === value)
        .reduce((n, i) => n + inGroup(i), 0)
    }
  }
}
