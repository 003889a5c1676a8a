/**
 * Starting a service deployment of a BLUE_GREEN, LINEAR or CANARY service: CreateService and
 * every UpdateService that starts an ECS deployment call this once the new PRIMARY is in place.
 */
import type { EcsModel } from '../model.js'
import type { Deployment, Service } from '../state.js'
import { isManagedStrategy } from './config.js'
import { serviceDeploymentArn, serviceRevisionArn } from './ids.js'
import { endDeployment, revertTraffic, stopSideTask } from './rollback.js'
import type {
  ManagedService,
  RevisionSide,
  ServiceDeploymentRecord,
  ServiceRevision
} from './state.js'
import { schedule } from './traffic.js'

export function isInProgress(deployment: ServiceDeploymentRecord): boolean {
  return [
    'PENDING',
    'IN_PROGRESS',
    'ROLLBACK_REQUESTED',
    'ROLLBACK_IN_PROGRESS',
    'STOP_REQUESTED'
  ].includes(deployment.status)
}

export function startServiceDeployment(
  model: EcsModel,
  service: Service,
  options: { first: boolean }
): void {
  if (!isManagedStrategy(service.deploymentConfiguration)) return
  const managed: ManagedService = (service.managed ??= { deployments: [], revisions: new Map() })
  const green = service.deployments[0]
  if (!green) return
  const simNow = model.clock.simNow()
  const now = model.clock.wallNow()

  // a deployment still running is superseded: its traffic goes back and its new tasks stop
  const running = managed.deployments.find(isInProgress)
  if (running) {
    revertTraffic(model, running)
    endDeployment(
      model,
      service,
      running,
      simNow,
      'STOPPED',
      'Service deployment stopped: a newer service deployment superseded it.'
    )
  }
  const blue = options.first
    ? undefined
    : service.deployments.find((d) => d !== green && d.rolloutState === 'COMPLETED')
  // one that failed and stopped where it was leaves its weights: they go back to the live side
  // before its tasks stop
  const previous = managed.deployments[0]
  if (
    previous?.status === 'STOPPED' &&
    previous.source &&
    previous.source.deploymentId === blue?.id
  )
    revertTraffic(model, previous)
  // older deployments other than the live one have nothing left to do: their tasks stop
  service.deployments = blue ? [green, blue] : [green]
  for (const task of [...service.tasks.values()]) {
    if (task.deploymentId !== green.id && task.deploymentId !== blue?.id)
      stopSideTask(model, task, simNow)
  }

  const lb = service.loadBalancers[0]
  const advanced = lb?.advancedConfiguration
  const configuration = structuredClone(service.deploymentConfiguration) as Record<string, unknown>
  const strategy = String(configuration.strategy)
  const sourceTg = lb?.targetGroupArn ?? ''
  const targetTg = blue && advanced ? advanced.alternateTargetGroupArn : sourceTg
  const target: RevisionSide = {
    revisionArn: addRevision(service, green, now).arn,
    deploymentId: green.id,
    taskDefinitionArn: green.taskDefinitionArn,
    targetGroupArn: targetTg
  }
  const source: RevisionSide | undefined = blue && {
    revisionArn:
      managed.deployments.find((d) => d.target.deploymentId === blue.id)?.target.revisionArn ??
      addRevision(service, blue, blue.createdAt).arn,
    deploymentId: blue.id,
    taskDefinitionArn: blue.taskDefinitionArn,
    targetGroupArn: sourceTg
  }
  const record: ServiceDeploymentRecord = {
    arn: serviceDeploymentArn(service),
    clusterArn: service.cluster.arn,
    serviceArn: service.arn,
    status: 'IN_PROGRESS',
    stage: running ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP',
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    configuration,
    strategy,
    ...(source ? { source } : {}),
    target,
    ...(advanced ? { productionRule: advanced.productionListenerRule } : {}),
    ...(advanced?.testListenerRule ? { testRule: advanced.testListenerRule } : {}),
    productionWeight: source ? 0 : 100,
    testWeight: source ? 0 : 100,
    schedule: source ? schedule(strategy, configuration) : [],
    stageSinceSim: simNow,
    workDone: false,
    hooksStarted: false,
    afterDone: false,
    hooks: [],
    triggeredAlarms: [],
    circuitBreakerTriggered: false,
    failureCount: 0
  }
  managed.deployments.unshift(record)
  green.rolloutStateReason = `ECS deployment ${green.id} in progress.`
  model.event(
    service,
    `(service ${service.name}) (service-deployment ${record.arn}) started a ${strategy} deployment of ${green.taskDefinitionArn}.`,
    simNow
  )
}

function addRevision(service: Service, deployment: Deployment, createdAt: number): ServiceRevision {
  const managed: ManagedService = (service.managed ??= { deployments: [], revisions: new Map() })
  const revision: ServiceRevision = {
    arn: serviceRevisionArn(service),
    serviceArn: service.arn,
    clusterArn: service.cluster.arn,
    taskDefinitionArn: deployment.taskDefinitionArn,
    launchType: deployment.launchType,
    loadBalancers: structuredClone(service.loadBalancers),
    ...(deployment.networkConfiguration === undefined
      ? {}
      : { networkConfiguration: structuredClone(deployment.networkConfiguration) }),
    createdAt
  }
  managed.revisions.set(revision.arn, revision)
  return revision
}
