import { errorText } from '../context.js'
import type { DurableDeps } from '../durable/keeper.js'
import { judgeLock, staleAfter, type LockVerdict } from '../durable/lock.js'
import { readState, type StoredState } from '../durable/store.js'
import { revisionOf } from '../gates.js'
import type { Route, ServiceView } from '../ports.js'
import type { Settings } from '../settings.js'

/** One service of the pair as `status` found it. */
export interface SideStatus {
  service: string
  targetGroupArn?: string
  /** its share of the route's traffic, in percent; undefined when the route does not forward to it */
  percent?: number
  /** `family:revision` */
  revision?: string
  taskDefinitionArn?: string
  desiredCount?: number
  runningCount?: number
  /** targets healthy in its target group, out of all registered */
  healthy?: number
  targets?: number
  /** why something could not be read */
  problem?: string
}

export interface StatusReport {
  routeArn: string
  at: number
  state: StoredState
  lock: LockVerdict
  /** in the order the services were given */
  sides: SideStatus[]
  /** the route itself could not be read */
  routeProblem?: string
}

/**
 * `command: status`: the stored state, the weights, and the revision and health of both sides,
 * read and never changed. Lenient: what cannot be read is reported, not an error.
 */
export async function rolloutStatus(
  settings: Settings,
  deps: Pick<DurableDeps, 'ecs' | 'elb' | 'tags' | 'clock'>
): Promise<StatusReport> {
  const [state, route, views] = await Promise.all([
    readState(deps.tags, settings),
    deps.elb.readRoute(settings.routeArn).catch((error: unknown) => errorText(error)),
    deps.ecs.describeServices(settings.cluster, [...settings.services])
  ])
  const at = deps.clock.now()
  const groups = typeof route === 'string' ? [] : (route.forward?.targetGroups ?? [])
  const total = groups.reduce((sum, group) => sum + group.weight, 0)
  const sides = await Promise.all(
    settings.services.map(async (name): Promise<SideStatus> => {
      const view = views.find((candidate) => candidate.name === name)
      if (!view || 'missing' in view) return { service: name, problem: 'not found in the cluster' }
      return sideStatus(view, route, total, deps)
    })
  )
  return {
    routeArn: settings.routeArn,
    at,
    state,
    lock: judgeLock(state, at, staleAfter(settings)),
    sides,
    ...(typeof route === 'string' ? { routeProblem: route } : {})
  }
}

async function sideStatus(
  view: ServiceView,
  route: Route | string,
  total: number,
  deps: Pick<DurableDeps, 'elb'>
): Promise<SideStatus> {
  const groups = typeof route === 'string' ? [] : (route.forward?.targetGroups ?? [])
  const attached = view.loadBalancers.map((lb) => lb.targetGroupArn)
  const group = groups.find((candidate) => attached.includes(candidate.targetGroupArn))
  const targetGroupArn = group?.targetGroupArn ?? attached[0]
  const side: SideStatus = {
    service: view.name,
    ...(targetGroupArn ? { targetGroupArn } : {}),
    ...(group && total > 0 ? { percent: Math.round((group.weight / total) * 100) } : {}),
    // a forward that names the other side's group alone gives this side none of the traffic
    ...(!group && total > 0 && groups.length === 1 && targetGroupArn ? { percent: 0 } : {}),
    revision: revisionOf(view.taskDefinitionArn),
    taskDefinitionArn: view.taskDefinitionArn,
    desiredCount: view.desiredCount,
    runningCount: view.runningCount
  }
  if (!targetGroupArn) return side
  try {
    const targets = await deps.elb.describeTargetHealth(targetGroupArn)
    side.targets = targets.length
    side.healthy = targets.filter((target) => target.state === 'healthy').length
  } catch (error) {
    side.problem = `could not read target health: ${errorText(error)}`
  }
  return side
}
