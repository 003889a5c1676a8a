/**
 * Ending a service deployment: a rollback puts every weight back on the source (blue) side at
 * once, then stops the target's (green) tasks; ROLLBACK_SUCCESSFUL once they are gone.
 */
import { stopTask } from '../lifecycle.js'
import type { EcsModel } from '../model.js'
import type { Service, Task } from '../state.js'
import { StepNotes } from '../step-notes.js'
import type { DeploymentStatus, ServiceDeploymentRecord } from './state.js'
import { writeWeights } from './traffic.js'

export function stopSideTask(model: EcsModel, task: Task, simNow: number, failed = false): void {
  stopTask(model, task, simNow, new StepNotes(), {
    reason: `Scaling activity initiated by (deployment ${task.deploymentId})`,
    stopCode: 'ServiceSchedulerInitiated',
    failed
  })
}

/** production and test traffic all on the source side again */
export function revertTraffic(model: EcsModel, deployment: ServiceDeploymentRecord): void {
  if (!deployment.source) return
  writeWeights(model, deployment, deployment.productionRule, 0)
  writeWeights(model, deployment, deployment.testRule, 0)
  deployment.productionWeight = 0
  deployment.testWeight = 0
}

function stopTarget(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number
): void {
  for (const task of [...service.tasks.values()])
    if (task.deploymentId === deployment.target.deploymentId) stopSideTask(model, task, simNow)
}

/** Starts a rollback: traffic back first, then the green tasks stop. */
export function beginRollback(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number,
  reason: string
): void {
  const now = model.clock.wallAt(simNow)
  const green = service.deployments.find((d) => d.id === deployment.target.deploymentId)
  if (green) {
    green.rolloutState = 'FAILED'
    green.rolloutStateReason = reason
    green.updatedAt = now
  }
  if (!deployment.source) {
    // a service's first deployment has nothing to go back to: it launches no more tasks
    if (green) green.halted = true
    endDeployment(model, service, deployment, simNow, 'ROLLBACK_FAILED', reason)
    return
  }
  revertTraffic(model, deployment)
  deployment.status = 'ROLLBACK_IN_PROGRESS'
  deployment.statusReason = reason
  deployment.updatedAt = now
  deployment.rollback = {
    reason,
    startedAt: now,
    serviceRevisionArn: deployment.source.revisionArn
  }
  const blue = service.deployments.find((d) => d.id === deployment.source?.deploymentId)
  if (blue && green) {
    blue.status = 'PRIMARY'
    green.status = 'ACTIVE'
    service.deployments = [blue, green]
  }
  stopTarget(model, service, deployment, simNow)
  service.steady = false
  model.event(
    service,
    `(service ${service.name}) (service-deployment ${deployment.arn}) rolling back to ${deployment.source.taskDefinitionArn}: ${reason}`,
    simNow
  )
}

/** once the green tasks are gone: ROLLBACK_SUCCESSFUL */
export function finishRollback(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number
): void {
  const left = [...service.tasks.values()].some(
    (task) => task.deploymentId === deployment.target.deploymentId
  )
  if (left) return
  service.deployments = service.deployments.filter((d) => d.id !== deployment.target.deploymentId)
  endDeployment(model, service, deployment, simNow, 'ROLLBACK_SUCCESSFUL', deployment.statusReason)
}

/**
 * A failure with no rollback asked for: the deployment is STOPPED where it is, traffic and tasks
 * as they are, and its ECS deployment FAILED and launching no more tasks.
 */
export function failDeployment(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number,
  reason: string
): void {
  const green = service.deployments.find((d) => d.id === deployment.target.deploymentId)
  if (green) {
    green.rolloutState = 'FAILED'
    green.rolloutStateReason = reason
    green.updatedAt = model.clock.wallAt(simNow)
    green.halted = true
  }
  endDeployment(model, service, deployment, simNow, 'STOPPED', reason)
}

export function endDeployment(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord,
  simNow: number,
  status: DeploymentStatus,
  reason: string | undefined
): void {
  const now = model.clock.wallAt(simNow)
  deployment.status = status
  if (reason !== undefined) deployment.statusReason = reason
  deployment.updatedAt = now
  if (status === 'STOPPED' || status === 'ROLLBACK_FAILED') {
    deployment.stoppedAt = now
    if (status === 'ROLLBACK_FAILED') stopTarget(model, service, deployment, simNow)
  } else {
    deployment.finishedAt = now
  }
  const words: Record<string, string> = {
    SUCCESSFUL: 'completed',
    ROLLBACK_SUCCESSFUL: 'rolled back',
    STOPPED: 'stopped',
    ROLLBACK_FAILED: 'failed to roll back'
  }
  model.event(
    service,
    `(service ${service.name}) (service-deployment ${deployment.arn}) service deployment ${words[status] ?? status.toLowerCase()}.`,
    simNow
  )
}
