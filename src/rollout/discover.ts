import { refusePairOfManaged } from './managed/inspect.js'
import { TopologyError } from './errors.js'
import type {
  EcsPort,
  ElbPort,
  Forward,
  MissingService,
  Route,
  ServiceView,
  WeightedTargetGroup
} from './ports.js'
import type { Settings } from './settings.js'
import type { Pair, Side } from './state.js'

/** Added to the deregistration delay so the last in-flight requests finish before tasks stop. */
const SCALE_DOWN_MARGIN_MS = 5000

/**
 * Reads the route and both services and works out which side is live, refusing anything that is
 * not a settled blue/green pair. Read-only: a refusal leaves AWS as it was.
 */
export async function discoverPair(
  settings: Settings,
  ecs: EcsPort,
  elb: ElbPort
): Promise<{ pair: Pair; live: ServiceView; idle: ServiceView }> {
  const [route, views] = await Promise.all([
    elb.readRoute(settings.routeArn),
    ecs.describeServices(settings.cluster, [...settings.services])
  ])
  const forward = forwardOf(route, settings.services)
  const services = settings.services.map((name) => activeService(views, name, settings.cluster))
  const [first, second] = services as [ServiceView, ServiceView]
  // ECS would shift such a service's traffic itself, fighting the weights the pair is given
  refusePairOfManaged(services.map((s) => ({ name: s.name, strategy: s.strategy ?? 'ROLLING' })))
  const groups = forward.targetGroups
  const [sideA, sideB] =
    groups.length === 1 && groups[0]
      ? await matchAlone(first, second, groups[0], route, elb)
      : matchGroups(first, second, groups, route)
  const weightA = sideA.group.weight
  const weightB = sideB.group.weight
  if (weightA === 0 && weightB === 0 && groups.length === 1) {
    throw new TopologyError(
      `${routeName(route)} forwards to ${tgName(groups[0]?.targetGroupArn ?? '')} alone with ` +
        'weight 0, so neither side is live; expected all weight on one side'
    )
  }
  if (weightA === 0 && weightB === 0) {
    throw new TopologyError(
      `${routeName(route)} forwards to ${tgName(sideA.group.targetGroupArn)} and ` +
        `${tgName(sideB.group.targetGroupArn)} with weight 0 on both, so neither side is live; ` +
        'expected all weight on one side'
    )
  }
  if (weightA > 0 && weightB > 0) {
    const total = weightA + weightB
    const percentA = Math.round((weightA / total) * 100)
    const more = weightA >= weightB ? first.name : second.name
    throw new TopologyError(
      `an unfinished rollout: ${percentA}% on ${first.name}, ${100 - percentA}% on ` +
        `${second.name}; run the action with command: promote to finish it or ` +
        `command: abort to return all traffic to ${more}`
    )
  }
  const [live, idle] = weightA > 0 ? [sideA, sideB] : [sideB, sideA]
  if (live.service.desiredCount === 0) {
    throw new TopologyError(
      `${live.service.name} carries all traffic but has desiredCount 0; ` +
        'expected the live service to run at least 1 task'
    )
  }
  const scaleDownDelayMs =
    settings.scaleDownDelayMs === undefined
      ? await deregistrationDelayMs(elb, live.group.targetGroupArn)
      : settings.scaleDownDelayMs
  return {
    pair: {
      cluster: settings.cluster,
      route,
      live: sideOf(live.service, live.group.targetGroupArn),
      idle: sideOf(idle.service, idle.group.targetGroupArn),
      scaleDownDelayMs
    },
    live: live.service,
    idle: idle.service
  }
}

function forwardOf(route: Route, services: [string, string]): Forward {
  const expected = `the target groups of ${services[0]} and ${services[1]}`
  const forward = route.forward
  if (!forward) {
    const found = route.actionTypes.length > 0 ? route.actionTypes.join(', ') : 'no actions'
    throw new TopologyError(
      `${routeName(route)} has no forward action (found: ${found}); ` +
        `expected a forward action to ${expected}`
    )
  }
  const distinct = new Set(forward.targetGroups.map((group) => group.targetGroupArn))
  const count = forward.targetGroups.length
  if (distinct.size !== count || (count !== 1 && count !== 2)) {
    const names = forward.targetGroups.map((group) => tgName(group.targetGroupArn)).join(', ')
    throw new TopologyError(
      `${routeName(route)} forwards to ${count} target ${count === 1 ? 'group' : 'groups'}` +
        `${names ? ` (${names})` : ''}; expected exactly 2: ${expected} (or one of them alone)`
    )
  }
  return forward
}

export function activeService(
  views: (ServiceView | MissingService)[],
  name: string,
  cluster: string
): ServiceView {
  const view = views.find((candidate) => candidate.name === name)
  if (!view || 'missing' in view) {
    const reason = view && 'missing' in view ? ` (${view.reason})` : ''
    throw new TopologyError(`service ${name} was not found in cluster ${cluster}${reason}`)
  }
  if (view.status !== 'ACTIVE') {
    throw new TopologyError(`service ${name} is ${view.status}; expected an ACTIVE service`)
  }
  if (view.schedulingStrategy === 'DAEMON') {
    // ECS runs a daemon's task on every instance and ignores a desired count: no idle side to bring up
    throw new TopologyError(
      `service ${name} uses the DAEMON scheduling strategy, which runs one task on every ` +
        'container instance and takes no desired count; expected a REPLICA service'
    )
  }
  return view
}

interface Matched {
  service: ServiceView
  group: WeightedTargetGroup
}

/** Refuses two services attached to one target group: each side needs its own. */
function sharedGroup(first: ServiceView, second: ServiceView): void {
  const attachedA = first.loadBalancers.map((lb) => lb.targetGroupArn)
  const attachedB = second.loadBalancers.map((lb) => lb.targetGroupArn)
  const shared = attachedA.find((arn) => attachedB.includes(arn))
  if (shared) {
    throw new TopologyError(
      `${first.name} and ${second.name} are both attached to ${tgName(shared)}; ` +
        'each service of the pair needs its own target group'
    )
  }
}

/** Pairs each service with the one forwarded target group it is attached to. */
function matchGroups(
  first: ServiceView,
  second: ServiceView,
  groups: WeightedTargetGroup[],
  route: Route
): [Matched, Matched] {
  sharedGroup(first, second)
  const matched = [first, second].map((service): Matched | undefined => {
    const own = groups.filter((group) =>
      service.loadBalancers.some((lb) => lb.targetGroupArn === group.targetGroupArn)
    )
    return own.length === 1 && own[0] ? { service, group: own[0] } : undefined
  })
  const [a, b] = matched
  if (!a || !b) {
    const forwarded = groups.map((group) => tgName(group.targetGroupArn)).join(' and ')
    const attached = [first, second]
      .map((service) => `${service.name} to ${attachedNames(service)}`)
      .join(', ')
    throw new TopologyError(
      `${routeName(route)} forwards to ${forwarded}, but ${attached}; expected the forward ` +
        'action to name exactly the target group of each service'
    )
  }
  return [a, b]
}

/**
 * A forward that names one target group alone (the usual start, before the first blue/green
 * deploy): the service attached to it is live, and the other service's own target group is the
 * pair's other side, read as weight 0. The first deploy writes the weighted form with that group
 * at 0 before it brings the idle side up (see weightedForm), so that group must be one the
 * route's load balancer can forward to.
 */
async function matchAlone(
  first: ServiceView,
  second: ServiceView,
  group: WeightedTargetGroup,
  route: Route,
  elb: ElbPort
): Promise<[Matched, Matched]> {
  sharedGroup(first, second)
  const named = tgName(group.targetGroupArn)
  const attached = (service: ServiceView) =>
    service.loadBalancers.some((lb) => lb.targetGroupArn === group.targetGroupArn)
  const owner = [first, second].find(attached)
  if (!owner) {
    const found = [first, second]
      .map((service) => `${service.name} to ${attachedNames(service)}`)
      .join(', ')
    throw new TopologyError(
      `${routeName(route)} forwards to ${named} alone, but ${found}; expected it to forward ` +
        `to the target group of one of them`
    )
  }
  const other = owner === first ? second : first
  const own = [...new Set(other.loadBalancers.map((lb) => lb.targetGroupArn))]
  const [otherArn] = own
  if (own.length !== 1 || !otherArn) {
    throw new TopologyError(
      `${routeName(route)} forwards to ${named} (${owner.name}) alone, and ${other.name} is ` +
        `attached to ${attachedNames(other)}; expected ${other.name} to have one target group ` +
        'of its own, which the first deploy adds to the forward action at weight 0'
    )
  }
  const [found] = await elb.describeTargetGroups([otherArn])
  if (!found) throw new TopologyError(`target group ${otherArn} of ${other.name} was not found`)
  const balancer = loadBalancerOf(route.listenerArn)
  const elsewhere = found.loadBalancerArns.filter((arn) => arn !== balancer)
  if (elsewhere.length > 0) {
    throw new TopologyError(
      `${tgName(otherArn)} of ${other.name} is used by another load balancer ` +
        `(${elsewhere.join(', ')}); a target group serves one load balancer only, so ` +
        `${routeName(route)} cannot forward to it`
    )
  }
  const live = { service: owner, group }
  const idle = { service: other, group: { targetGroupArn: otherArn, weight: 0 } }
  return owner === first ? [live, idle] : [idle, live]
}

/** `listener/app/lb/id/listener` (or a rule's) -> `loadbalancer/app/lb/id` */
function loadBalancerOf(listenerArn: string): string {
  return listenerArn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, '')
}

function attachedNames(service: ServiceView): string {
  const names = service.loadBalancers.map((lb) => tgName(lb.targetGroupArn))
  return names.length > 0 ? names.join(' and ') : 'no target group'
}

export function sideOf(service: ServiceView, targetGroupArn: string): Side {
  const lb = service.loadBalancers.find((entry) => entry.targetGroupArn === targetGroupArn)
  return {
    service: service.name,
    targetGroupArn,
    targetGroupName: tgName(targetGroupArn),
    containerName: lb?.containerName,
    containerPort: lb?.containerPort,
    taskDefinitionArn: service.taskDefinitionArn,
    desiredCount: service.desiredCount,
    runningCount: service.runningCount
  }
}

export async function deregistrationDelayMs(elb: ElbPort, targetGroupArn: string): Promise<number> {
  const [group] = await elb.describeTargetGroups([targetGroupArn])
  if (!group) throw new TopologyError(`target group ${targetGroupArn} was not found`)
  return group.deregistrationDelaySeconds * 1000 + SCALE_DOWN_MARGIN_MS
}

/** `arn:...:targetgroup/web-green-tg/0123abcd` -> `web-green-tg` */
export function tgName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn
}

/** The listener a route belongs to: `listener-rule/app/lb/id/listener/rule` -> `listener/app/lb/id/listener`. */
export function listenerOf(routeArn: string): string {
  if (!routeArn.includes(':listener-rule/')) return routeArn
  return routeArn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '')
}

export function routeName(route: Route): string {
  return `${route.kind === 'rule' ? 'listener rule' : 'listener'} ${route.arn}`
}
