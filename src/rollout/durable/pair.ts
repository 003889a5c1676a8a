import { pairWeights, weightOf } from '../forward.js'
import { activeService, routeName, sideOf, tgName } from '../discover.js'
import { TopologyError } from '../errors.js'
import { revisionOf } from '../gates.js'
import type { EcsPort, ElbPort, ServiceView } from '../ports.js'
import type { Settings } from '../settings.js'
import type { Changed, Pair, Release } from '../state.js'
import type { RolloutRecord } from './record.js'

export interface RecordedPair {
  pair: Pair
  /** the idle side's share of the traffic now, in percent */
  idlePercent: number
  live: ServiceView
  idle: ServiceView
}

/**
 * The pair a stored rollout is about, read fresh from AWS. Refuses (TopologyError, nothing
 * changed) when the route no longer forwards to exactly its two target groups (or one of them
 * alone) or a service is gone: someone changed the setup since, and the record no longer describes it.
 */
export async function recordedPair(
  record: RolloutRecord,
  settings: Settings,
  deps: { ecs: EcsPort; elb: ElbPort },
  scaleDownDelayMs: number | null = record.scaleDownDelayMs
): Promise<RecordedPair> {
  const [route, views] = await Promise.all([
    deps.elb.readRoute(settings.routeArn),
    deps.ecs.describeServices(settings.cluster, [record.live.service, record.idle.service])
  ])
  const weights = pairWeights(route, record.live.targetGroupArn, record.idle.targetGroupArn)
  if (!weights) {
    const groups = route.forward?.targetGroups ?? []
    const found = groups.map((group) => `${tgName(group.targetGroupArn)}=${group.weight}`)
    throw new TopologyError(
      `${routeName(route)} forwards to ${found.join(', ') || 'no target group'}, but the stored ` +
        `rollout is about ${tgName(record.live.targetGroupArn)} and ` +
        `${tgName(record.idle.targetGroupArn)}; someone changed it since, so it is left as it is`
    )
  }
  // a forward that names one of the two alone (not yet written in the weighted form) gives the other 0
  const { a: liveWeight, b: idleWeight } = weights
  const live = activeService(views, record.live.service, settings.cluster)
  const idle = activeService(views, record.idle.service, settings.cluster)
  for (const [service, arn] of [
    [live, record.live.targetGroupArn],
    [idle, record.idle.targetGroupArn]
  ] as const) {
    if (!service.loadBalancers.some((lb) => lb.targetGroupArn === arn)) {
      throw new TopologyError(
        `${service.name} is no longer attached to ${tgName(arn)}, as the stored rollout says; ` +
          'left as it is'
      )
    }
  }
  const total = liveWeight + idleWeight
  return {
    pair: {
      cluster: settings.cluster,
      route,
      live: sideOf(live, record.live.targetGroupArn),
      idle: sideOf(idle, record.idle.targetGroupArn),
      scaleDownDelayMs,
      ...(record.scaling ? { scaling: record.scaling } : {})
    },
    idlePercent: total > 0 ? Math.round((idleWeight / total) * 100) : 0,
    live,
    idle
  }
}

export function recordedRelease(record: RolloutRecord): Release {
  const revision = record.revision ?? record.previousRevision
  return {
    taskDefinitionArn: revision,
    label: revisionOf(revision),
    previousTaskDefinitionArn: record.previousRevision
  }
}

/** What a revert of the rollout has to undo, judged from AWS rather than from the record. */
export function changedNow(found: RecordedPair): Changed {
  return found.idlePercent > 0 ? 'traffic' : 'idle'
}

/** Whether all traffic is on the live side now; a route that cannot be read does not count. */
export async function trafficOnLive(elb: ElbPort, pair: Pair): Promise<boolean> {
  try {
    const route = await elb.readRoute(pair.route.arn)
    // a forward that names the live group alone gives the idle one nothing
    return (
      (weightOf(route, pair.idle.targetGroupArn) ?? 0) === 0 &&
      (weightOf(route, pair.live.targetGroupArn) ?? 0) > 0
    )
  } catch {
    return false
  }
}
