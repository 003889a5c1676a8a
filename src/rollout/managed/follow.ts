import { errorText, interruption, watchingFor, type RunContext } from '../context.js'
import type { HookView, Route, ServiceDeploymentView } from '../ports.js'
import type { StoppedTaskReport } from '../settings.js'
import { runTestTraffic } from '../watch/test-traffic.js'
import type { ManagedDeps } from './engine.js'
import { isFinal, type ManagedObserved, type ManagedService, type ManagedState } from './state.js'
import { asPair } from './pair.js'

/** Stages from which the test rule forwards to the new tasks: test traffic can reach them. */
const TESTABLE = [
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME'
]
/** Stages in which production traffic reaches the new tasks: alarms and metrics are judged. */
const SERVING = ['PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME']

/** What one poll saw: the deployment and the production weights ECS applied. */
interface Seen {
  deployment: ServiceDeploymentView
  /** percent on the side being deployed; undefined when the rule could not be read */
  idleWeight?: number
}

/**
 * Follows the service deployment until it ends, a PAUSE hook awaits an action, the test traffic
 * is due, or one of the action's gates fails. Logs one line per change of stage, weights or
 * hooks. Reads only: a failed gate is reported, and decide turns it into a rollback.
 */
export async function follow(
  state: Extract<ManagedState, { phase: 'follow' }>,
  run: RunContext,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  const { observer, clock } = deps
  observer.phase(`Follow ${state.service.name}'s deployment`)
  const watching = watchingFor(run)
  const pair = asPair(state.service, state.release)
  let last = ''
  let servingSince: number | undefined
  const interval = Math.max(run.settings.pollIntervalMs, 100)
  for (;;) {
    await deps.heartbeat?.()
    const where = `while ECS deploys ${state.release.label} to ${state.service.name}`
    const stop = interruption(run, where)
    if (stop) return { kind: 'gate-failed', reason: stop }
    let seen: Seen
    try {
      seen = await look(state.deploymentArn, state.service, deps)
    } catch (error) {
      observer.warn(`could not read the service deployment: ${errorText(error)}; trying again`)
      await clock.sleep(interval * 2, deps.signal)
      continue
    }
    const { deployment } = seen
    const line = progressLine(deployment, seen.idleWeight)
    if (line !== last) {
      observer.info(line)
      timeline(run, deployment, seen.idleWeight)
      last = line
    }
    if (isFinal(deployment.status)) {
      return { kind: 'finished', deployment, stoppedTasks: await stoppedTasks(state, deps) }
    }
    const stage = deployment.stage ?? ''
    const test = watching?.settings.testTraffic
    if (test && !state.tested && TESTABLE.includes(stage)) {
      // ECS points the test rule at the new tasks itself: the probes only send requests
      const failure = await runTestTraffic(run, pair, { ...test, routeArn: undefined })
      return failure ? { kind: 'gate-failed', reason: failure } : { kind: 'tested' }
    }
    const paused = deployment.hooks.find(
      (hook) => hook.targetType === 'PAUSE' && hook.status === 'AWAITING_ACTION'
    )
    if (paused) return { kind: 'awaiting', deployment, hook: paused }
    if (watching && SERVING.includes(stage)) {
      const now = clock.now()
      if (servingSince === undefined) {
        servingSince = now
        watching.beginStep(now)
      }
      const alarm = watching.judgeAlarms(await watching.readAlarms(), `during ${stage}`)
      if (alarm) return { kind: 'gate-failed', reason: alarm }
      const due = watching.dueWindow(now, Number.MAX_SAFE_INTEGER)
      if (due) {
        const window = await watching.readWindow(pair, due)
        const bad = watching.judgeWindow(window, seen.idleWeight ?? 0, `during ${stage}`)
        if (bad) return { kind: 'gate-failed', reason: bad }
      }
    }
    await clock.sleep(interval, deps.signal)
  }
}

async function look(arn: string, service: ManagedService, deps: ManagedDeps): Promise<Seen> {
  const deployment = await deps.deployments.describeDeployment(arn)
  if (!deployment) throw new Error(`ECS does not know the service deployment ${arn}`)
  let idleWeight: number | undefined
  try {
    idleWeight = weightOn(await deps.elb.readRoute(service.productionRuleArn), service)
  } catch {
    idleWeight = undefined
  }
  return { deployment, idleWeight }
}

/** The weight ECS gave the new side, read back from the production rule. */
export function weightOn(rule: Route, service: ManagedService): number | undefined {
  const groups = rule.forward?.targetGroups ?? []
  const total = groups.reduce((sum, group) => sum + group.weight, 0)
  const idle = groups.find((group) => group.targetGroupArn === service.idleTargetGroupArn)
  if (total === 0) return undefined
  return Math.round(((idle?.weight ?? 0) * 100) / total)
}

export function hookWords(hook: HookView): string {
  const target = hook.targetType === 'PAUSE' ? 'PAUSE' : `Lambda ${hook.targetArn ?? hook.id}`
  const expiry =
    hook.expiresAt === undefined ? '' : ` until ${new Date(hook.expiresAt).toISOString()}`
  return `${target} ${hook.status}${hook.status === 'AWAITING_ACTION' ? expiry : ''}`
}

export function progressLine(deployment: ServiceDeploymentView, idleWeight?: number): string {
  const weights =
    idleWeight === undefined
      ? 'weights unknown'
      : `live side ${100 - idleWeight}%, new side ${idleWeight}%`
  const hooks = deployment.hooks.map(hookWords).join('; ')
  return (
    `${deployment.status} at ${deployment.stage ?? 'no stage yet'}: ${weights}` +
    (hooks ? `; hooks: ${hooks}` : '')
  )
}

function timeline(run: RunContext, deployment: ServiceDeploymentView, idleWeight?: number): void {
  const weight = idleWeight ?? 0
  run.deps.observer.timeline({
    at: run.deps.clock.now(),
    event: `${deployment.stage ?? deployment.status}`.toLowerCase().replaceAll('_', ' '),
    liveWeight: 100 - weight,
    idleWeight: weight,
    live: { healthy: 0, total: 0 },
    idle: { healthy: 0, total: 0 }
  })
}

/** The new revision's stopped tasks and why they stopped, for a deployment that failed. */
async function stoppedTasks(
  state: Extract<ManagedState, { phase: 'follow' }>,
  deps: ManagedDeps
): Promise<StoppedTaskReport[]> {
  try {
    const arns = await deps.ecs.listTasks(state.service.cluster, state.service.name, 'STOPPED')
    if (arns.length === 0) return []
    const tasks = await deps.ecs.describeTasks(state.service.cluster, arns.slice(0, 100))
    return tasks
      .filter((task) => task.taskDefinitionArn === state.release.taskDefinitionArn)
      .slice(0, 5)
      .map((task) => ({
        taskArn: task.arn,
        ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
        ...(task.stopCode ? { stopCode: task.stopCode } : {}),
        containers: task.containers.map((container) => ({
          name: container.name,
          ...(container.exitCode === undefined ? {} : { exitCode: container.exitCode }),
          ...(container.reason ? { reason: container.reason } : {})
        }))
      }))
  } catch {
    return []
  }
}
