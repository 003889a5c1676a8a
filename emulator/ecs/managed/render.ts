/** Service deployments and revisions in the shapes of the ECS API (timestamps in epoch seconds). */
import { failureThreshold } from '../scheduler.js'
import type { EcsModel } from '../model.js'
import { seconds } from '../params.js'
import type { Service } from '../state.js'
import type { RevisionSide, ServiceDeploymentRecord, ServiceRevision } from './state.js'

export function renderBrief(deployment: ServiceDeploymentRecord): object {
  return {
    serviceDeploymentArn: deployment.arn,
    serviceArn: deployment.serviceArn,
    clusterArn: deployment.clusterArn,
    startedAt: seconds(deployment.startedAt),
    createdAt: seconds(deployment.createdAt),
    ...(deployment.finishedAt === undefined ? {} : { finishedAt: seconds(deployment.finishedAt) }),
    targetServiceRevisionArn: deployment.target.revisionArn,
    status: deployment.status,
    ...(deployment.statusReason === undefined ? {} : { statusReason: deployment.statusReason })
  }
}

export function renderServiceDeployment(
  model: EcsModel,
  service: Service,
  deployment: ServiceDeploymentRecord
): object {
  const configuration = deployment.configuration
  const breaker = configuration.deploymentCircuitBreaker as { enable?: boolean } | undefined
  const alarms = configuration.alarms as { enable?: boolean; alarmNames?: string[] } | undefined
  const done = !['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED'].includes(
    deployment.status
  )
  const monitor = (enabled: boolean | undefined, triggered: boolean): string =>
    !enabled ? 'DISABLED' : triggered ? 'TRIGGERED' : done ? 'MONITORING_COMPLETE' : 'MONITORING'
  return {
    serviceDeploymentArn: deployment.arn,
    serviceArn: deployment.serviceArn,
    clusterArn: deployment.clusterArn,
    createdAt: seconds(deployment.createdAt),
    startedAt: seconds(deployment.startedAt),
    ...(deployment.finishedAt === undefined ? {} : { finishedAt: seconds(deployment.finishedAt) }),
    ...(deployment.stoppedAt === undefined ? {} : { stoppedAt: seconds(deployment.stoppedAt) }),
    updatedAt: seconds(deployment.updatedAt),
    sourceServiceRevisions: deployment.source
      ? [
          summary(
            service,
            deployment.source,
            100 - deployment.productionWeight,
            100 - deployment.testWeight,
            deployment.status === 'SUCCESSFUL' || deployment.stage === 'CLEAN_UP'
              ? 0
              : service.desiredCount
          )
        ]
      : [],
    targetServiceRevision: summary(
      service,
      deployment.target,
      deployment.productionWeight,
      deployment.testWeight,
      service.desiredCount
    ),
    status: deployment.status,
    ...(deployment.statusReason === undefined ? {} : { statusReason: deployment.statusReason }),
    lifecycleStage: deployment.stage,
    lifecycleHookDetails: deployment.hooks
      .filter((run) => run.stage === deployment.stage && run.startedSim >= deployment.stageSinceSim)
      .map((run) => ({
        hookId: run.hookId,
        targetType: run.targetType,
        ...(run.targetArn === undefined ? {} : { targetArn: run.targetArn }),
        status: run.status,
        expiresAt: seconds(model.clock.wallAt(run.expiresSim)),
        timeoutAction: run.timeoutAction
      })),
    deploymentConfiguration: structuredClone(configuration),
    ...(deployment.rollback
      ? {
          rollback: {
            reason: deployment.rollback.reason,
            startedAt: seconds(deployment.rollback.startedAt),
            ...(deployment.rollback.serviceRevisionArn
              ? { serviceRevisionArn: deployment.rollback.serviceRevisionArn }
              : {})
          }
        }
      : {}),
    deploymentCircuitBreaker: {
      status: monitor(breaker?.enable, deployment.circuitBreakerTriggered),
      failureCount: deployment.failureCount,
      threshold: failureThreshold(service.desiredCount)
    },
    alarms: {
      status: monitor(alarms?.enable, deployment.triggeredAlarms.length > 0),
      alarmNames: alarms?.alarmNames ?? [],
      triggeredAlarmNames: [...deployment.triggeredAlarms]
    }
  }
}

function summary(
  service: Service,
  side: RevisionSide,
  production: number,
  test: number,
  requested: number
): object {
  let runningTaskCount = 0
  let pendingTaskCount = 0
  for (const task of service.tasks.values()) {
    if (task.deploymentId !== side.deploymentId || task.desiredStatus !== 'RUNNING') continue
    if (task.lastStatus === 'RUNNING') runningTaskCount++
    else pendingTaskCount++
  }
  return {
    arn: side.revisionArn,
    requestedTaskCount: requested,
    runningTaskCount,
    pendingTaskCount,
    requestedTestTrafficWeight: test,
    requestedProductionTrafficWeight: production
  }
}

export function renderRevision(revision: ServiceRevision): object {
  const fargate = revision.launchType === 'FARGATE'
  return {
    serviceRevisionArn: revision.arn,
    serviceArn: revision.serviceArn,
    clusterArn: revision.clusterArn,
    taskDefinition: revision.taskDefinitionArn,
    launchType: revision.launchType,
    ...(fargate ? { platformVersion: '1.4.0', platformFamily: 'Linux' } : {}),
    loadBalancers: structuredClone(revision.loadBalancers),
    ...(revision.networkConfiguration === undefined
      ? {}
      : { networkConfiguration: structuredClone(revision.networkConfiguration) }),
    createdAt: seconds(revision.createdAt)
  }
}
