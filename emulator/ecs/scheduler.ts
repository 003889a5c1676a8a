import { deploymentId } from './ids.js'
import { onDrainingInstance } from './instances/registry.js'
import { advanceTask, launchTask, stopTask } from './lifecycle.js'
import type { EcsModel } from './model.js'
import { activeServiceDeployment, advanceServiceDeployment } from './managed/engine.js'
import { StepNotes } from './step-notes.js'
import type { Deployment, Service, Task } from './state.js'

/** how long a target stays unhealthy before ECS notices and replaces its task, as ECS is not instant */
const UNHEALTHY_NOTICE_MS = 10_000

/**
 * One simulation step of one service, as the ECS service scheduler does it with the rolling
 * update deployment controller: move its tasks along, replace failed ones, launch the PRIMARY
 * deployment's tasks within maximumPercent, stop older deployments' tasks while keeping
 * minimumHealthyPercent healthy, and complete (or, with the circuit breaker, fail) the rollout.
 */
export function advanceService(model: EcsModel, service: Service, simNow: number): void {
  const notes = new StepNotes()
  for (const task of [...service.tasks.values()]) advanceTask(model, task, simNow, notes)
  if (service.status !== 'INACTIVE') {
    replaceUnhealthy(model, service, simNow, notes)
    // a BLUE_GREEN, LINEAR or CANARY service deployment in progress runs its own stages
    const staged = advanceServiceDeployment(model, service, simNow, notes)
    if (!staged) checkCircuitBreaker(model, service, simNow)
    if (!staged) rebalance(model, service, simNow, notes)
  }
  notes.post(model, service, simNow)
  if (notes.changed) service.steady = false
  if (service.status === 'ACTIVE' && !activeServiceDeployment(service))
    settle(model, service, simNow)
  if (service.status === 'DRAINING' && service.tasks.size === 0) service.status = 'INACTIVE'
}

export function newDeployment(
  model: EcsModel,
  service: Service,
  taskDefinitionArn: string
): Deployment {
  const now = model.clock.wallNow()
  const id = deploymentId()
  return {
    id,
    status: 'PRIMARY',
    taskDefinitionArn,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    createdAt: now,
    updatedAt: now,
    launchType: service.launchType,
    networkConfiguration: service.networkConfiguration,
    halted: false
  }
}

/** Puts a new PRIMARY deployment in front; the one before becomes ACTIVE and is scaled down. */
export function startDeployment(
  model: EcsModel,
  service: Service,
  taskDefinitionArn: string
): Deployment {
  for (const deployment of service.deployments) deployment.status = 'ACTIVE'
  const deployment = newDeployment(model, service, taskDefinitionArn)
  service.deployments.unshift(deployment)
  service.steady = false
  return deployment
}

/** RUNNING, and healthy in every target group it registered in */
export function isHealthy(model: EcsModel, task: Task): boolean {
  if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false
  return task.targets.every(({ targetGroupArn, id, port }) => {
    const state = model.lb.targetState(targetGroupArn, id, port)
    return state === 'healthy' || state === 'unavailable'
  })
}

function replaceUnhealthy(
  model: EcsModel,
  service: Service,
  simNow: number,
  notes: StepNotes
): void {
  const graceMs = (service.healthCheckGracePeriodSeconds ?? 0) * 1000
  for (const task of service.tasks.values()) {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') continue
    const failing = task.targets.find(
      ({ targetGroupArn, id, port }) =>
        model.lb.targetState(targetGroupArn, id, port) === 'unhealthy'
    )
    if (!failing || simNow < (task.runningSim ?? 0) + graceMs) {
      delete task.unhealthySinceSim
      continue
    }
    task.unhealthySinceSim ??= simNow
    if (simNow - task.unhealthySinceSim < UNHEALTHY_NOTICE_MS) continue
    const group = failing.targetGroupArn
    model.event(
      service,
      `(service ${service.name}) (task ${task.id}) failed ELB health checks in (target-group ${group}).`,
      simNow
    )
    stopTask(model, task, simNow, notes, {
      reason: `Task failed ELB health checks in (target-group ${group})`,
      stopCode: 'ServiceSchedulerInitiated',
      failed: true
    })
    notes.stopped.push(task)
  }
}

/** ECS's failure threshold: half the desired count, at least 3 and at most 200 */
export function failureThreshold(desiredCount: number): number {
  return Math.max(3, Math.min(200, Math.ceil(desiredCount / 2)))
}

function checkCircuitBreaker(model: EcsModel, service: Service, simNow: number): void {
  const primary = service.deployments[0]
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker
  if (!primary || !breaker.enable || primary.rolloutState !== 'IN_PROGRESS') return
  if (primary.failedTasks < failureThreshold(service.desiredCount)) return

  const at = model.clock.wallAt(simNow)
  primary.rolloutState = 'FAILED'
  primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.'
  primary.updatedAt = at
  model.event(
    service,
    `(service ${service.name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`,
    simNow
  )
  if (!breaker.rollback) {
    primary.halted = true
    return
  }
  let target = service.deployments[1]
  if (target) {
    service.deployments.splice(1, 1)
  } else if (
    service.lastCompletedTaskDefinition !== undefined &&
    service.lastCompletedTaskDefinition !== primary.taskDefinitionArn
  ) {
    target = newDeployment(model, service, service.lastCompletedTaskDefinition)
  }
  if (!target) {
    primary.halted = true
    return
  }
  primary.status = 'ACTIVE'
  target.status = 'PRIMARY'
  target.rolloutState = 'IN_PROGRESS'
  target.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`
  target.updatedAt = at
  target.halted = false
  service.deployments.unshift(target)
  service.steady = false
  model.event(service, `(service ${service.name}) rolling back to deployment ${target.id}.`, simNow)
}

/** Launches and stops tasks so that the PRIMARY deployment converges on the desired count. */
function rebalance(model: EcsModel, service: Service, simNow: number, notes: StepNotes): void {
  const primary = service.deployments[0]
  if (!primary) return
  const desired = service.status === 'ACTIVE' ? service.desiredCount : 0
  const { maximumPercent, minimumHealthyPercent } = service.deploymentConfiguration
  const live = [...service.tasks.values()].filter((task) => task.desiredStatus === 'RUNNING')
  // a task on a draining instance is replaced as an older deployment's would be
  const mine = live.filter((task) => task.deploymentId === primary.id && !onDrainingInstance(task))
  const older = live.filter((task) => !mine.includes(task))
  const scaleDown = {
    reason: `Scaling activity initiated by (deployment ${primary.id})`,
    stopCode: 'ServiceSchedulerInitiated' as const,
    failed: false
  }
  // AWS's words for a task moved off a DRAINING instance (ECS developer guide, instance draining)
  const drained = {
    reason: 'Task stopped during instance draining',
    stopCode: 'ServiceSchedulerInitiated' as const,
    failed: false
  }
  const stop = (task: Task): void => {
    stopTask(model, task, simNow, notes, onDrainingInstance(task) ? drained : scaleDown)
    notes.stopped.push(task)
  }

  // too many of its own: the ones not serving yet go first, then the newest
  if (mine.length > desired) {
    const order = [...mine].sort(
      (a, b) =>
        Number(isHealthy(model, a)) - Number(isHealthy(model, b)) || b.createdAt - a.createdAt
    )
    for (const task of order.slice(0, mine.length - desired)) stop(task)
    mine.length = 0
    mine.push(...order.slice(order.length - desired))
  }

  const maxTotal = Math.floor((desired * maximumPercent) / 100)
  const room = maxTotal - mine.length - older.length
  const launches = primary.halted ? 0 : Math.max(0, Math.min(desired - mine.length, room))
  for (let i = 0; i < launches; i++) {
    const task = launchTask(model, service, primary, simNow)
    if (!task) break
    notes.started.push(task)
  }

  // older deployments: what does not serve goes at once; healthy ones only down to the minimum
  const minHealthy = Math.ceil((desired * minimumHealthyPercent) / 100)
  const healthyOlder = older.filter((task) => isHealthy(model, task))
  for (const task of older) if (!healthyOlder.includes(task)) stop(task)
  if (primary.halted) return
  const healthyMine = mine.filter((task) => isHealthy(model, task)).length
  const surplus = healthyMine + healthyOlder.length - minHealthy
  for (const task of healthyOlder.slice(0, Math.max(0, surplus))) stop(task)
}

/** Completes the rollout once only PRIMARY tasks are left, all healthy; posts steady state. */
function settle(model: EcsModel, service: Service, simNow: number): void {
  const primary = service.deployments[0]
  if (!primary) return
  const tasks = [...service.tasks.values()]
  const mine = tasks.filter(
    (task) => task.deploymentId === primary.id && task.desiredStatus === 'RUNNING'
  )
  const converged =
    mine.length === service.desiredCount &&
    tasks.length === mine.length &&
    mine.every((task) => isHealthy(model, task))
  if (!converged) {
    service.steady = false
    return
  }
  if (primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED'
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`
    primary.updatedAt = model.clock.wallAt(simNow)
    service.deployments = [primary]
    service.lastCompletedTaskDefinition = primary.taskDefinitionArn
    model.event(
      service,
      `(service ${service.name}) (deployment ${primary.id}) deployment completed.`,
      simNow
    )
  }
  if (!service.steady && service.deployments.length === 1) {
    service.steady = true
    model.event(service, `(service ${service.name}) has reached a steady state.`, simNow)
  }
}
