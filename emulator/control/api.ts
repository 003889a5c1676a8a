import type { World } from '../core/contracts.js'
import { VIOLATION_KINDS, type ViolationFilter } from '../core/violations.js'
import type { CallFilter, CallLog } from './call-log.js'
import { type FaultBook, parseFaultRule } from './faults.js'
import { routeDataPlane } from './dataplane.js'
import { parseImageBehavior } from './images.js'
import { asObject, ControlInputError, oneOf, optionalNumber, rejectUnknownFields } from './input.js'
import { parseRateLimits, type RateLimiter } from './rate-limits.js'
import { routeHooks } from './hooks.js'
import { routeTasks } from './tasks.js'
import { routeContainerInstances } from './container-instances.js'

export const CONTROL_PREFIX = '/_emulator/'

/** What the control API acts on: one per server. */
export interface ControlState {
  world: World
  faults: FaultBook
  calls: CallLog
  /** AWS-like request rate limits; off unless the config sets them */
  limits: RateLimiter
  /** the timeScale the server started with; `reset` returns to it */
  startTimeScale: number
}

export interface ControlResponse {
  status: number
  body: unknown
}

/**
 * The control API under `/_emulator/` (JSON in and out):
 *
 * - `GET  health`          `{ ok: true }`
 * - `POST reset`           forgets every resource, image behaviour, fault, logged call and
 *                          recorded violation, and puts timeScale back to the one the server was
 *                          started with
 * - `GET|PUT config`       `{ timeScale, rateLimits }`: rateLimits true (AWS's documented token
 *                          buckets per account and region, aws-rate-limits.ts), false (none, the
 *                          default) or a list of RateLimit rules; GET shows rateLimits only while
 *                          some are set
 * - `PUT  images`          an ImageBehavior: how its tasks start, answer health checks and
 *                          requests, crash or degrade, and what a request costs them in the
 *                          AWS/ECS metrics (cpuBaseline, cpuPerRequest, memoryBaseline,
 *                          memoryPerRequest: percent; see ../cloudwatch/ecs-metrics.ts)
 * - `GET|POST|DELETE faults`, `DELETE faults/<id>`: POST answers `{ id }`. A FaultRule (see
 *                          ./faults.ts) picks calls by service, operation and, with `userAgent`,
 *                          a part of the caller's User-Agent (one caller's calls, the others
 *                          pass); `fault` is throttle, error500, reset, or latency: the call is
 *                          held `latencyMs` (default 1000) and then applied, a late-landing
 *                          write that changes the world only when it lands; or stale
 *                          (service ecs; DescribeServices, DescribeTasks, ListTasks or "*"): the
 *                          read answers as the world was `staleMs` simulated ms ago
 * - `GET|DELETE calls`     the call log; GET filters on `?service=&operation=&mutating=&userAgent=`
 *                          (userAgent: a part of the caller's User-Agent)
 * - `GET|DELETE violations` safety watched at every instant: GET answers `{ violations: [...] }`,
 *                          every write that, at the moment it took effect (after any injected
 *                          latency), left traffic where it must not be, in that order; filters
 *                          on `?kind=&userAgent=`. Kinds (see ../core/violations.ts):
 *                          `weight-on-unhealthy-target-group`, a ModifyListener or ModifyRule
 *                          whose resulting forward action gives weight > 0 to a target group with
 *                          no `healthy` target; `scaled-to-zero-while-carrying-weight`, an ECS
 *                          UpdateService setting desiredCount 0 on a service whose target group
 *                          has weight > 0 in a listener's default actions or a rule. Each entry:
 *                          kind, service, operation, resource (listener/rule ARN or service
 *                          ARN; also listenerArn/ruleArn or clusterArn/serviceArn/serviceName),
 *                          targetGroups (ARN and weight), userAgent, at (ISO, emulator clock),
 *                          message. CreateListener/CreateRule are not judged; reset and DELETE
 *                          clear them
 * - `GET listeners`, `GET|PUT|DELETE load`: the data plane (see ./dataplane.ts)
 * - `POST tasks/interrupt`  a Fargate Spot interruption of a service's tasks or of named tasks
 *                          (see ./tasks.ts and ../ecs/interrupt.ts)
 * - `POST container-instances`, `DELETE container-instances/<id>`: simulated EC2 instances in a
 *                          cluster (see ./container-instances.ts)
 * - `GET|PUT hooks`        what the Lambda functions of ECS lifecycle hooks answer (see ./hooks.ts)
 */
export async function handleControl(
  method: string,
  url: URL,
  body: string,
  state: ControlState
): Promise<ControlResponse> {
  try {
    return await route(method, url, body, state)
  } catch (error) {
    if (error instanceof ControlInputError) return { status: 400, body: { message: error.message } }
    throw error
  }
}

function route(
  method: string,
  url: URL,
  body: string,
  state: ControlState
): ControlResponse | Promise<ControlResponse> {
  const path = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '')
  const { world, faults, calls } = state
  const ok = (result: unknown = { ok: true }): ControlResponse => ({ status: 200, body: result })

  switch (`${method} ${path}`) {
    case 'GET health':
      return ok()
    case 'POST reset':
      world.reset()
      world.clock.timeScale = state.startTimeScale
      faults.clear()
      calls.clear()
      world.violations?.clear()
      state.limits.set([])
      return ok()
    case 'GET config':
      return ok(config(state))
    case 'PUT config': {
      const input = asObject(parseJson(body), 'the config')
      rejectUnknownFields(input, ['timeScale', 'rateLimits'], 'the config')
      const limits = input.rateLimits === undefined ? undefined : parseRateLimits(input.rateLimits)
      const timeScale = optionalNumber(input.timeScale, 'timeScale', {
        min: 0,
        max: 1000,
        above: true
      })
      if (timeScale !== undefined) world.clock.timeScale = timeScale
      if (limits !== undefined) state.limits.set(limits)
      return ok(config(state))
    }
    case 'PUT images': {
      const behavior = parseImageBehavior(parseJson(body))
      world.setImageBehavior(behavior)
      return ok(behavior)
    }
    case 'GET faults':
      return ok(faults.list())
    case 'POST faults':
      return ok({ id: faults.add(parseFaultRule(parseJson(body))) })
    case 'DELETE faults':
      faults.clear()
      return ok()
    case 'GET calls':
      return ok(calls.list(callFilter(url.searchParams)))
    case 'DELETE calls':
      calls.clear()
      return ok()
    case 'GET violations':
      return ok({ violations: world.violations?.list(violationFilter(url.searchParams)) ?? [] })
    case 'DELETE violations':
      world.violations?.clear()
      return ok()
  }
  const dataPlane = routeDataPlane(method, path, url, () => parseJson(body), world)
  if (dataPlane) return dataPlane
  const tasks = routeTasks(method, path, () => parseJson(body), world)
  if (tasks) return tasks
  const instances = routeContainerInstances(method, path, () => parseJson(body), world)
  if (instances) return instances
  const hooks = routeHooks(method, path, () => parseJson(body), world)
  if (hooks) return hooks
  const faultId = /^faults\/([^/]+)$/.exec(path)?.[1]
  if (method === 'DELETE' && faultId !== undefined) {
    return faults.remove(decodeURIComponent(faultId))
      ? ok()
      : { status: 404, body: { message: `no fault with id ${faultId}` } }
  }
  return {
    status: 404,
    body: { message: `no control endpoint ${method} ${CONTROL_PREFIX}${path}` }
  }
}

function config(state: ControlState): { timeScale: number; rateLimits?: unknown } {
  const limits = state.limits.list()
  return {
    timeScale: state.world.clock.timeScale,
    ...(limits.length > 0 ? { rateLimits: limits } : {})
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    throw new ControlInputError(
      `the request body is not valid JSON: ${JSON.stringify(body.slice(0, 80))}`
    )
  }
}

function callFilter(query: URLSearchParams): CallFilter {
  const filter: CallFilter = {}
  const service = query.get('service')
  const operation = query.get('operation')
  const mutating = query.get('mutating')
  const userAgent = query.get('userAgent')
  if (userAgent) filter.userAgent = userAgent
  if (service) filter.service = service
  if (operation) filter.operation = operation
  if (mutating !== null) {
    if (mutating !== 'true' && mutating !== 'false') {
      throw new ControlInputError(`mutating must be true or false, got ${JSON.stringify(mutating)}`)
    }
    filter.mutating = mutating === 'true'
  }
  return filter
}

function violationFilter(query: URLSearchParams): ViolationFilter {
  const filter: ViolationFilter = {}
  const kind = query.get('kind')
  const userAgent = query.get('userAgent')
  if (kind) filter.kind = oneOf(kind, 'kind', VIOLATION_KINDS)
  if (userAgent) filter.userAgent = userAgent
  return filter
}
