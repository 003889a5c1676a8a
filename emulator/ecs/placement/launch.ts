import type { ContainerInstance } from '../instances/state.js'
import type { EcsModel } from '../model.js'
import type { Params } from '../params.js'
import type { Service, TaskDefinitionRecord } from '../state.js'
import { place, type Shortfall } from './place.js'

/** how long the scheduler waits before it posts the same placement failure again */
const REPEAT_EVENT_MS = 60_000
const lastFailure = new WeakMap<Service, { message: string; simAt: number }>()

/**
 * Whether a task of this launch type runs on a container instance of the cluster, placed by the
 * scheduler as it starts. A capacity provider's tasks are not placed here: they start anyway and
 * wait in PROVISIONING for room on their group's instances (../capacity/placement.ts).
 */
export function runsOnInstances(launchType: string): boolean {
  return launchType === 'EC2'
}

/** ECS's default for a service: spread across Availability Zones, then across instances */
export const SERVICE_DEFAULT_STRATEGY: Params[] = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'instanceId' }
]

/**
 * The instance a new task of `service` goes to, or undefined when none fits: then the service
 * gets ECS's event naming the closest instance's shortfall (once a minute while it lasts), and
 * its scheduler tries again on the next step, as instances appear or free up.
 */
export function placeServiceTask(
  model: EcsModel,
  service: Service,
  definition: TaskDefinitionRecord,
  simAt: number
): ContainerInstance | undefined {
  const strategies = service.extras.placementStrategy as Params[] | undefined
  const result = place(model, service.cluster, definition, {
    group: `service:${service.name}`,
    strategies: strategies && strategies.length > 0 ? strategies : SERVICE_DEFAULT_STRATEGY,
    constraints: (service.extras.placementConstraints as Params[] | undefined) ?? []
  })
  if ('instance' in result) {
    lastFailure.delete(service)
    return result.instance
  }
  const message = unplacedMessage(service.name, result.shortfall, result.closest)
  const last = lastFailure.get(service)
  if (!last || last.message !== message || simAt - last.simAt >= REPEAT_EVENT_MS) {
    model.event(service, message, simAt)
    lastFailure.set(service, { message, simAt })
  }
  return undefined
}

const SHORTFALL: Record<Exclude<Shortfall, 'NONE'>, string> = {
  CPU: 'has insufficient CPU units available',
  MEMORY: 'has insufficient memory available',
  PORTS: 'is already using a port required by your task',
  // as ECS posts a constraint the closest instance fails: encountered error "<RunTask's reason>".
  ATTRIBUTE: 'encountered error "MemberOf placement constraint unsatisfied."',
  DISTINCT: 'encountered error "DistinctInstance placement constraint unsatisfied."'
}

/** the service event ECS posts when no container instance can take a task, worded as ECS words it */
export function unplacedMessage(
  serviceName: string,
  shortfall: Shortfall,
  closest: ContainerInstance | undefined
): string {
  const head = `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`
  const tail =
    'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.'
  if (shortfall === 'NONE' || !closest) {
    return `${head} Reason: No Container Instances were found in your cluster. ${tail}`
  }
  return `${head} The closest matching (container-instance ${closest.id}) ${SHORTFALL[shortfall]}. ${tail}`
}

/** RunTask's failure reason for a task it could not place, as ECS returns it */
export function runTaskFailureReason(shortfall: Shortfall): string {
  return shortfall === 'NONE'
    ? 'No Container Instances were found in your cluster.'
    : shortfall === 'ATTRIBUTE'
      ? 'MemberOf placement constraint unsatisfied.'
      : shortfall === 'DISTINCT'
        ? 'DistinctInstance placement constraint unsatisfied.'
        : `RESOURCE:${shortfall}`
}
