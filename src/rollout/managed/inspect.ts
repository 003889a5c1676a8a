import { InputError, TopologyError } from '../errors.js'
import type { ManagedServiceView, ServiceDeploymentPort } from '../ports.js'
import type { Route } from '../ports.js'
import type { Settings } from '../settings.js'
import type { ManagedService } from './state.js'

export const ECS_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY']

/** Where the steps of a service that ECS deploys itself are set, for messages. */
const STEP_FIELDS =
  "the service's deploymentConfiguration: strategy, bakeTimeInMinutes, " +
  'linearConfiguration.stepPercent and stepBakeTimeInMinutes (LINEAR), ' +
  'canaryConfiguration.canaryPercent and canaryBakeTimeInMinutes (CANARY), and lifecycleHooks'

/**
 * Read-only: the one service `services` names, refused before anything changes unless ECS
 * deploys it itself with a production listener rule and an alternate target group.
 */
export async function inspectService(
  settings: Settings,
  port: ServiceDeploymentPort,
  readRoute: (arn: string) => Promise<Route>
): Promise<ManagedService> {
  const name = settings.managed?.service ?? settings.services[0]
  const found = await port.describeManagedService(settings.cluster, name)
  if (!found) {
    throw new TopologyError(
      `service ${JSON.stringify(name)} was not found in cluster ${JSON.stringify(settings.cluster)}; nothing was changed`
    )
  }
  if (!ECS_STRATEGIES.includes(found.strategy)) {
    throw new InputError(
      'services',
      `names one service, ${JSON.stringify(name)}, whose deployment strategy is ${found.strategy}: ` +
        'a blue/green pair needs two services (e.g. "web-blue,web-green"), or set the service\'s ' +
        'deploymentConfiguration.strategy to BLUE_GREEN, LINEAR or CANARY for ECS to deploy it ' +
        'blue/green itself'
    )
  }
  if (settings.managed?.stepsGiven) {
    throw new InputError(
      'traffic-steps',
      `is set, but ECS shifts the traffic of ${JSON.stringify(name)} itself (strategy ` +
        `${found.strategy}); leave traffic-steps empty and set the steps in ${STEP_FIELDS}`
    )
  }
  return checked(found, settings, await readRoute(ruleOf(found, settings)))
}

function ruleOf(found: ManagedServiceView, settings: Settings): string {
  if (!found.productionRuleArn || !found.alternateTargetGroupArn || !found.targetGroupArn) {
    throw new TopologyError(
      `service ${JSON.stringify(found.name)} has no loadBalancers[].advancedConfiguration ` +
        '(productionListenerRule and alternateTargetGroupArn): ECS has no rule to shift; ' +
        'nothing was changed'
    )
  }
  if (settings.routeArn !== '' && settings.routeArn !== found.productionRuleArn) {
    throw new InputError(
      'listener',
      `${JSON.stringify(settings.routeArn)} is not the production listener rule of ` +
        `${JSON.stringify(found.name)} (${found.productionRuleArn}); leave it empty or give that rule`
    )
  }
  return found.productionRuleArn
}

/** The live side is the target group the production rule weights most now. */
function checked(found: ManagedServiceView, settings: Settings, rule: Route): ManagedService {
  const own = found.targetGroupArn ?? ''
  const other = found.alternateTargetGroupArn ?? ''
  const weight = (arn: string): number =>
    rule.forward?.targetGroups.find((group) => group.targetGroupArn === arn)?.weight ?? 0
  const ownLive = weight(own) >= weight(other)
  return {
    cluster: settings.cluster,
    name: found.name,
    strategy: found.strategy,
    taskDefinitionArn: found.taskDefinitionArn,
    productionRuleArn: found.productionRuleArn ?? '',
    ...(found.testRuleArn ? { testRuleArn: found.testRuleArn } : {}),
    liveTargetGroupArn: ownLive ? own : other,
    idleTargetGroupArn: ownLive ? other : own
  }
}

/** A pair whose services ECS deploys itself is refused: ECS would fight the weights. */
export function refusePairOfManaged(
  services: Pick<ManagedServiceView, 'name' | 'strategy'>[]
): void {
  const managed = services.filter((service) => ECS_STRATEGIES.includes(service.strategy))
  if (managed.length === 0) return
  throw new InputError(
    'services',
    `${managed.map((service) => `${JSON.stringify(service.name)} (strategy ${service.strategy})`).join(' and ')} ` +
      `${managed.length === 1 ? 'is a service' : 'are services'} whose traffic ECS shifts itself, ` +
      'and cannot be a side of a pair: name that one service alone in services (ECS deploys ' +
      'it blue/green), or set both strategies to ROLLING for a pair'
  )
}
