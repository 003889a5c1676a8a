import { TopologyError } from '../rollout/errors.js'
import type { ServiceView } from '../rollout/ports.js'
import type { Settings } from '../rollout/settings.js'
import type {
  PreviewElbPort,
  PreviewEcsPort,
  ServiceTemplate,
  TargetGroupTemplate
} from './ports.js'

/** What a preview is cloned from: a service, the container and port it serves on, its group. */
export interface Base {
  service: ServiceTemplate
  containerName: string
  containerPort: number
  targetGroup: TargetGroupTemplate
}

/**
 * The service previews copy: `preview-base-service`, or else the side of the pair that takes
 * the traffic now (read from the weights, as the deploy reads it). Read-only.
 */
export async function readBase(
  settings: Settings,
  ecs: PreviewEcsPort,
  elb: PreviewElbPort
): Promise<Base> {
  // a service that ECS deploys itself is the one that serves, whatever its rules' weights say
  const name =
    settings.preview?.baseService ??
    settings.managed?.service ??
    (await liveService(settings, ecs, elb))
  const service = await ecs.describeService(settings.cluster, name)
  if (!service || service.status !== 'ACTIVE') {
    throw new TopologyError(
      `the preview base service ${name} was not found in cluster ${settings.cluster}` +
        (service ? ` (it is ${service.status})` : '') +
        '; set preview-base-service to an ACTIVE service'
    )
  }
  const attached = service.loadBalancers.find(
    (lb) => lb.containerName !== undefined && lb.containerPort !== undefined
  )
  if (!attached?.containerName || attached.containerPort === undefined) {
    throw new TopologyError(
      `the preview base service ${name} is not attached to a target group; a preview copies ` +
        "the base service's target group, container and port"
    )
  }
  return {
    service,
    containerName: attached.containerName,
    containerPort: attached.containerPort,
    targetGroup: await elb.describeTargetGroup(attached.targetGroupArn)
  }
}

async function liveService(
  settings: Settings,
  ecs: PreviewEcsPort,
  elb: PreviewElbPort
): Promise<string> {
  const [route, views] = await Promise.all([
    elb.readRoute(settings.routeArn),
    ecs.describeServices(settings.cluster, [...settings.services])
  ])
  const weights = (route.forward?.targetGroups ?? []).filter((group) => group.weight > 0)
  const weightOf = (view: ServiceView): number =>
    Math.max(
      0,
      ...weights
        .filter((group) =>
          view.loadBalancers.some((lb) => lb.targetGroupArn === group.targetGroupArn)
        )
        .map((group) => group.weight)
    )
  const serving = views
    .filter((view): view is ServiceView => !('missing' in view) && view.status === 'ACTIVE')
    .map((view) => ({ name: view.name, weight: weightOf(view) }))
    .filter((side) => side.weight > 0)
    .sort((a, b) => b.weight - a.weight)
  const live = serving[0]
  if (!live) {
    throw new TopologyError(
      `neither ${settings.services[0]} nor ${settings.services[1]} takes traffic from ` +
        `${settings.routeArn}, so there is no live service to copy; set preview-base-service`
    )
  }
  return live.name
}
