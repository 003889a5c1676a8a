/**
 * One simulation step of a service whose service deployment ECS runs through lifecycle stages
 * (BLUE_GREEN, LINEAR, CANARY): green tasks start in the alternate target group, the test and
 * production rules' weights move to them on the schedule, hooks hold stages, and a failure
 * (circuit breaker, alarm, hook) rolls everything back. Services with no such deployment in
 * progress are left to the rolling scheduler.
 */
import { launchTask } from '../lifecycle.js'
import type { EcsModel } from '../model.js'
import { failureThreshold, isHealthy } from '../scheduler.js'
import type { Service } from '../state.js'
import type { StepNotes } from '../step-notes.js'
import { hookVerdict, startHooks } from './hooks.js'
import {
  beginRollback,
  endDeployment,
  failDeployment,
  finishRollback,
  stopSideTask
} from './rollback.js'
import { isInProgress } from './start.js'
import type { ServiceDeploymentRecord, Stage } from './state.js'
import { stepBakeMinutes, writeWeights } from './traffic.js'

const ORDER: Stage[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
]
/** stages one step may pass through at most (each instant stage is one) */
const MAX_STAGES_PER_STEP = 20

/** the service deployment in progress, if the service has one */
export function activeServiceDeployment(service: Service): ServiceDeploymentRecord | undefined {
  return service.managed?.deployments.find(isInProgress)
}

/** Runs the service deployment one step; false when the service has none in progress. */
export function advanceServiceDeployment(
  model: EcsModel,
  service: Service,
  simNow: number,
  notes: StepNotes
): boolean {
  const deployment = activeServiceDeployment(service)
  if (!deployment || service.status !== 'ACTIVE') return false
  if (deployment.status === 'ROLLBACK_REQUESTED') {
    deployment.status = 'ROLLBACK_IN_PROGRESS'
    return true
  }
  if (deployment.status === 'ROLLBACK_IN_PROGRESS') {
    finishRollback(model, service, deployment, simNow)
    return true
  }
  const failure = failureOf(model, service, deployment)
  if (failure?.rollback) {
    beginRollback(model, service, deployment, simNow, failure.reason)
    return true
  }
  if (failure) {
    // without the rollback option the deployment stops where it is, as the API reference says
    failDeployment(model, service, deployment, simNow, failure.reason)
    return true
  }
  keepGreenCount(model, service, deployment, simNow, notes)
  for (let i = 0; i < MAX_STAGES_PER_STEP && deployment.status === 'IN_PROGRESS'; i++) {
    if (!stageStep(model, service, deployment, simNow)) break
  }
  return true
}

/** why the deployment fails now: the circuit breaker or an alarm of deploymentConfiguration.alarms */
function failureOf(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord
): { reason: string; rollback: boolean } | undefined {
  const breaker = deployment.configuration.deploymentCircuitBreaker as
    { enable?: boolean; rollback?: boolean } | undefined
  const green = service.deployments.find((d) => d.id === deployment.target.deploymentId)
  deployment.failureCount = green?.failedTasks ?? deployment.failureCount
  if (breaker?.enable && deployment.failureCount >= failureThreshold(service.desiredCount)) {
    deployment.circuitBreakerTriggered = true
    return {
      reason: 'ECS deployment circuit breaker: tasks failed to start.',
      rollback: breaker.rollback === true
    }
  }
  const alarms = deployment.configuration.alarms as
    { enable?: boolean; rollback?: boolean; alarmNames?: string[] } | undefined
  if (alarms?.enable) {
    const firing = (alarms.alarmNames ?? []).filter(
      (name) => model.alarmState(service.cluster.region, name) === 'ALARM'
    )
    if (firing.length > 0) {
      deployment.triggeredAlarms = firing
      return {
        reason: `One or more deployment alarms went into ALARM state: ${firing.join(', ')}.`,
        rollback: alarms.rollback === true
      }
    }
  }
  return undefined
}

/** from SCALE_UP on, the green side keeps desiredCount tasks, replacing those that failed */
function keepGreenCount(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number,
  notes: StepNotes
): void {
  if (ORDER.indexOf(deployment.stage) < ORDER.indexOf('SCALE_UP')) return
  const green = service.deployments.find((d) => d.id === deployment.target.deploymentId)
  if (!green) return
  const live = greenTasks(service, deployment)
  for (let i = live.length; i < service.desiredCount; i++) {
    const task = launchTask(model, service, green, simNow)
    // on EC2 a task that fits no instance is not launched: the scheduler tries again next step
    if (!task) break
    const lb = service.loadBalancers[0]
    if (lb) {
      task.loadBalancers = [
        {
          targetGroupArn: deployment.target.targetGroupArn,
          containerName: lb.containerName,
          containerPort: lb.containerPort
        },
        ...service.loadBalancers.slice(1).map(({ advancedConfiguration: _, ...rest }) => rest)
      ]
    }
    notes.started.push(task)
  }
  for (const task of live.slice(service.desiredCount)) stopSideTask(model, task, simNow)
}

function greenTasks(service: Service, deployment: ServiceDeploymentRecord) {
  return [...service.tasks.values()].filter(
    (task) =>
      task.deploymentId === deployment.target.deploymentId && task.desiredStatus === 'RUNNING'
  )
}

/** One move within the current stage; true when the deployment moved on to another stage. */
function stageStep(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number
): boolean {
  if (!deployment.workDone) {
    deployment.workDone = work(model, service, deployment, simNow)
    if (!deployment.workDone) return false
  }
  if (!deployment.hooksStarted) {
    startHooks(deployment, deployment.stage, simNow)
    deployment.hooksStarted = true
  }
  const hooks = hookVerdict(model, deployment, simNow)
  if (hooks.verdict === 'rollback') {
    beginRollback(model, service, deployment, simNow, hooks.reason)
    return false
  }
  if (hooks.verdict === 'wait') return false
  if (!deployment.afterDone) {
    deployment.afterDone = after(deployment, simNow)
    if (!deployment.afterDone) return false
  }
  const next = nextStage(deployment)
  if (next === undefined) {
    complete(model, service, deployment, simNow)
    return false
  }
  enter(model, deployment, next, simNow)
  return true
}

function enter(
  model: EcsModel,
  deployment: ServiceDeploymentRecord,
  stage: Stage,
  simNow: number
): void {
  deployment.stage = stage
  deployment.stageSinceSim = simNow
  deployment.workDone = false
  deployment.hooksStarted = false
  deployment.afterDone = false
  deployment.updatedAt = model.clock.wallAt(simNow)
}

function nextStage(deployment: ServiceDeploymentRecord): Stage | undefined {
  if (deployment.stage === 'PRODUCTION_TRAFFIC_SHIFT' && deployment.schedule.length > 0)
    return 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  const at = ORDER.indexOf(deployment.stage)
  return ORDER[at + 1]
}

/** the stage's own work; true once done */
function work(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number
): boolean {
  switch (deployment.stage) {
    case 'SCALE_UP': {
      const live = greenTasks(service, deployment)
      return live.length >= service.desiredCount && live.every((task) => isHealthy(model, task))
    }
    case 'TEST_TRAFFIC_SHIFT':
      writeWeights(model, deployment, deployment.testRule, 100)
      deployment.testWeight = 100
      return true
    case 'PRODUCTION_TRAFFIC_SHIFT': {
      const weight = deployment.schedule.shift()
      if (weight !== undefined) {
        writeWeights(model, deployment, deployment.productionRule, weight)
        deployment.productionWeight = weight
        deployment.shiftedSim = simNow
        model.event(
          service,
          `(service ${service.name}) (service-deployment ${deployment.arn}) shifted ${weight}% of production traffic to ${deployment.target.taskDefinitionArn}.`,
          simNow
        )
      }
      return true
    }
    case 'BAKE_TIME': {
      const minutes = deployment.source
        ? Number(deployment.configuration.bakeTimeInMinutes ?? 0)
        : 0
      return simNow >= deployment.stageSinceSim + minutes * 60_000
    }
    case 'CLEAN_UP':
      return cleanUp(model, service, deployment, simNow)
    default:
      return true
  }
}

/** what a stage waits for once its hooks are done: the step bake between production steps */
function after(deployment: ServiceDeploymentRecord, simNow: number): boolean {
  if (deployment.stage !== 'PRODUCTION_TRAFFIC_SHIFT' || deployment.schedule.length === 0)
    return true
  const minutes = stepBakeMinutes(deployment.strategy, deployment.configuration)
  return simNow >= (deployment.shiftedSim ?? simNow) + minutes * 60_000
}

/**
 * The alternate target group becomes the service's own (and its own the alternate), the source
 * side's tasks stop; done once they are gone.
 */
function cleanUp(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number
): boolean {
  const source = deployment.source
  if (!source) return true
  const lb = service.loadBalancers[0]
  if (lb?.advancedConfiguration && lb.targetGroupArn === source.targetGroupArn) {
    lb.targetGroupArn = deployment.target.targetGroupArn
    lb.advancedConfiguration = {
      ...lb.advancedConfiguration,
      alternateTargetGroupArn: source.targetGroupArn
    }
    for (const task of service.tasks.values())
      if (task.deploymentId === source.deploymentId) stopSideTask(model, task, simNow)
  }
  return ![...service.tasks.values()].some((task) => task.deploymentId === source.deploymentId)
}

function complete(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number
): void {
  const green = service.deployments.find((d) => d.id === deployment.target.deploymentId)
  if (green) {
    green.status = 'PRIMARY'
    green.rolloutState = 'COMPLETED'
    green.rolloutStateReason = `ECS deployment ${green.id} completed.`
    green.updatedAt = model.clock.wallAt(simNow)
    service.deployments = [green]
    service.lastCompletedTaskDefinition = green.taskDefinitionArn
    model.event(
      service,
      `(service ${service.name}) (deployment ${green.id}) deployment completed.`,
      simNow
    )
  }
  endDeployment(model, service, deployment, simNow, 'SUCCESSFUL', undefined)
}
