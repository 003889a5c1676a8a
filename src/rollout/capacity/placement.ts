import type { IdleSnapshot } from '../observe.js'
import type { ClusterRoom } from './room.js'

/** ECS's service event when no container instance has room for a task (its own words follow) */
const UNPLACED = /was unable to place a task because /
/** `(service web-green) has started 2 tasks: ...`: placement worked after all */
const STARTED = /has started \d+ tasks?/

export type Placement =
  | { kind: 'placed' }
  /** tasks wait for instances a capacity provider is adding: worth waiting for, within the timeout */
  | { kind: 'scaling'; line: string }
  /** nothing will make room: ECS's placement failure, as it posted it */
  | { kind: 'unplaceable'; reason: string }

/**
 * Whether the idle side's tasks found room on the cluster's instances. ECS says so only in the
 * service's events; a task it could place later (`has started`) makes an older failure moot. An
 * event from before `since` (the update that started the release) is another run's business.
 */
export function placementOf(
  snapshot: IdleSnapshot,
  room: Pick<ClusterRoom, 'scaling'> | undefined,
  since: number,
  where: string
): Placement {
  const { service, tasks } = snapshot
  const wanted = service.desiredCount
  const provisioning = tasks.filter((task) => task.lastStatus === 'PROVISIONING').length
  const latest = service.events.find(
    (event) => event.at >= since && (UNPLACED.test(event.message) || STARTED.test(event.message))
  )
  const unplaced = latest && UNPLACED.test(latest.message) ? latest.message : undefined
  const scaling = room?.scaling ?? []
  // PROVISIONING alone is no wait for an instance: every task passes through it (an awsvpc task
  // while its network interface is attached); only a provider that scales makes tasks wait there
  if (scaling.length > 0 && (provisioning > 0 || unplaced)) {
    const by = scaling.length > 0 ? ` (capacity provider ${scaling.join(', ')} is scaling out)` : ''
    const count = provisioning > 0 ? provisioning : Math.max(0, wanted - tasks.length)
    return {
      kind: 'scaling',
      line: `waiting for capacity: ${count} of ${wanted} tasks of ${service.name} wait for an instance${by}`
    }
  }
  if (unplaced && tasks.length < wanted) {
    return {
      kind: 'unplaceable',
      reason: `ECS could not place ${wanted - tasks.length} of ${wanted} tasks of ${service.name} ${where}, and no capacity provider is scaling to make room: ${unplaced}`
    }
  }
  return { kind: 'placed' }
}
