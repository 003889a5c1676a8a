import type { Elbv2Model } from '../elbv2/model.js'
import type { Action, Listener, Target, TargetGroup } from '../elbv2/state.js'
import { conditionsHold } from './conditions.js'
import type { DataAnswer, DataRequest } from './request.js'
import type { ServedRequest } from './served.js'
import { readStickyGroup, stickyCookie } from './stickiness.js'
import type { TaskAnswerer } from './tasks.js'

export interface Router {
  elbv2: Elbv2Model
  tasks: TaskAnswerer
  /** round-robin position per target group */
  rotation: Map<string, number>
}

export interface Outcome {
  answer: DataAnswer
  served: ServedRequest
}

const TERMINAL_ACTIONS = ['forward', 'fixed-response', 'redirect']
/** an ALB's default idle timeout: a target slower than this gets the client a 504 */
const IDLE_TIMEOUT_MS = 60_000
/** targets that take traffic: healthy ones, and any when health checks are off */
const SERVING_STATES = new Set(['healthy', 'unavailable'])

/**
 * One request through a listener, at simulated time `simNow`: the first rule (by priority)
 * whose conditions hold, else the default rule; its terminal action answers. A forward picks a
 * target group by weight (or by the stickiness cookie), then the next target in turn among those
 * that take traffic; with none, the load balancer answers 503. Undefined when the listener is gone.
 * A target's answer carries `x-emulator-target-group` (the group's name), `x-emulator-target`
 * (ip:port) and `x-emulator-image`, so that a test can see who served it.
 */
export function serve(
  router: Router,
  listenerArn: string,
  request: DataRequest,
  simNow: number,
  random: () => number
): Outcome | undefined {
  const { elbv2 } = router
  const listener = elbv2.listeners.get(listenerArn)
  if (!listener) return undefined
  const region = elbv2.loadBalancers.get(listener.loadBalancerArn)?.region ?? regionOf(listenerArn)
  const base = { simAt: simNow, region, loadBalancerArn: listener.loadBalancerArn }
  const rule = elbv2
    .rulesOf(listener)
    .find((candidate) => candidate.isDefault || conditionsHold(candidate.conditions, request))
  const action = rule && terminalAction(rule.actions)

  if (action?.Type === 'fixed-response') {
    const config = (action.FixedResponseConfig ?? {}) as Record<string, unknown>
    const status = Number(config.StatusCode ?? 200)
    return {
      answer: {
        status,
        headers: { 'content-type': String(config.ContentType ?? 'text/plain') },
        body: String(config.MessageBody ?? ''),
        delayMs: 0
      },
      served: { ...base, answeredBy: 'fixed-response', status }
    }
  }
  if (action?.Type === 'redirect') {
    const config = (action.RedirectConfig ?? {}) as Record<string, unknown>
    const status = config.StatusCode === 'HTTP_302' ? 302 : 301
    return {
      answer: {
        status,
        headers: { location: redirectLocation(config, listener, request) },
        body: '',
        delayMs: 0
      },
      served: { ...base, answeredBy: 'redirect', status }
    }
  }
  if (action?.Type !== 'forward') return loadBalancerAnswer(base, 503)
  return forward(router, action, request, simNow, random, base)
}

function forward(
  router: Router,
  action: Action,
  request: DataRequest,
  simNow: number,
  random: () => number,
  base: Omit<ServedRequest, 'answeredBy' | 'status'>
): Outcome {
  const config = (action.ForwardConfig ?? {}) as {
    TargetGroups?: { TargetGroupArn: string; Weight?: number }[]
    TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number }
  }
  const groups = (config.TargetGroups ?? [])
    .map(({ TargetGroupArn, Weight }) => ({
      group: router.elbv2.targetGroups.get(TargetGroupArn),
      weight: Weight ?? 1
    }))
    .filter((entry): entry is { group: TargetGroup; weight: number } => entry.group !== undefined)
  const stickiness = config.TargetGroupStickinessConfig
  const sticky = stickiness?.Enabled === true

  // a client keeps its group while its cookie lasts, whatever the weights, unless the group cannot serve
  let group = sticky
    ? readStickyGroup(
        request,
        simNow,
        groups.map(({ group: g }) => g.arn)
      )
        .map((arn) => groups.find(({ group: g }) => g.arn === arn)?.group)
        .find((g) => g !== undefined && servingTargets(g).length > 0)
    : undefined
  group ??= pickByWeight(groups, random)
  const targets = group ? servingTargets(group) : []
  if (!group || targets.length === 0) return loadBalancerAnswer(base, 503)

  const turn = router.rotation.get(group.arn) ?? 0
  router.rotation.set(group.arn, turn + 1)
  const target = targets[turn % targets.length] as Target
  const served = {
    ...base,
    targetGroupArn: group.arn,
    targetId: target.id,
    targetPort: target.port,
    servingTargets: targets.length
  }
  const answer = router.tasks.answer(target.id, target.port, simNow, random)
  if (!answer.answered) return loadBalancerAnswer(served, 502, { connectionError: true })
  if (answer.latencyMs >= IDLE_TIMEOUT_MS) {
    return loadBalancerAnswer(served, 504, { delayMs: IDLE_TIMEOUT_MS })
  }
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'x-emulator-target-group': group.name,
    'x-emulator-target': `${target.id}:${target.port}`,
    'x-emulator-image': answer.image
  }
  if (sticky) {
    headers['set-cookie'] = stickyCookie(
      group.arn,
      simNow + (stickiness.DurationSeconds ?? 0) * 1000
    )
  }
  return {
    answer: { status: answer.status, headers, body: answer.body, delayMs: answer.latencyMs },
    served: {
      ...served,
      answeredBy: 'target',
      status: answer.status,
      targetSeconds: answer.latencyMs / 1000
    }
  }
}

function servingTargets(group: TargetGroup): Target[] {
  return [...group.targets.values()].filter((target) => SERVING_STATES.has(target.state))
}

function pickByWeight(
  groups: { group: TargetGroup; weight: number }[],
  random: () => number
): TargetGroup | undefined {
  const total = groups.reduce((sum, { weight }) => sum + weight, 0)
  if (total <= 0) return undefined
  let draw = random() * total
  for (const { group, weight } of groups) {
    if (draw < weight) return group
    draw -= weight
  }
  return groups.findLast(({ weight }) => weight > 0)?.group
}

function terminalAction(actions: Action[]): Action | undefined {
  return actions
    .map((action, index) => ({ action, order: Number(action.Order ?? index + 1) }))
    .sort((a, b) => a.order - b.order)
    .map(({ action }) => action)
    .find((action) => TERMINAL_ACTIONS.includes(String(action.Type)))
}

function redirectLocation(
  config: Record<string, unknown>,
  listener: Listener,
  request: DataRequest
): string {
  const query = request.query.toString()
  const fill = (template: unknown, fallback: string): string =>
    String(template ?? fallback)
      .replaceAll('#{protocol}', listener.protocol)
      .replaceAll('#{host}', request.host)
      .replaceAll('#{port}', String(listener.port))
      .replaceAll('#{path}', request.path.replace(/^\//, ''))
      .replaceAll('#{query}', query)
  const protocol = fill(config.Protocol, '#{protocol}').toLowerCase()
  const path = fill(config.Path, '/#{path}')
  const search = fill(config.Query, '#{query}')
  return `${protocol}://${fill(config.Host, '#{host}')}:${fill(config.Port, '#{port}')}${path}${search ? `?${search}` : ''}`
}

const REASONS: Record<number, string> = {
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out'
}

/** the page an ALB answers itself with */
function loadBalancerAnswer(
  served: Omit<ServedRequest, 'answeredBy' | 'status'>,
  status: number,
  extra: { connectionError?: boolean; delayMs?: number } = {}
): Outcome {
  const title = `${status} ${REASONS[status] ?? 'Error'}`
  return {
    answer: {
      status,
      headers: { server: 'awselb/2.0', 'content-type': 'text/html' },
      body: `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n</body>\n</html>\n`,
      delayMs: extra.delayMs ?? 0
    },
    served: {
      ...served,
      answeredBy: 'load-balancer',
      status,
      ...(extra.connectionError ? { connectionError: true } : {})
    }
  }
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1'
}
