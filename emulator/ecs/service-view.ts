import type { EcsModel } from './model.js'
import { seconds } from './params.js'
import type { Deployment, Service, Task } from './state.js'
import { renderTags } from './tags.js'

function counts(tasks: Task[]): { runningCount: number; pendingCount: number } {
  let runningCount = 0
  let pendingCount = 0
  for (const task of tasks) {
    if (task.desiredStatus !== 'RUNNING') continue
    if (task.lastStatus === 'RUNNING') runningCount++
    else if (task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING') pendingCount++
  }
  return { runningCount, pendingCount }
}

/** A service in the shape of DescribeServices. */
export function renderService(model: EcsModel, service: Service, withTags: boolean): object {
  const tasks = [...service.tasks.values()]
  const primary = service.deployments[0]
  const fargate = service.launchType === 'FARGATE'
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    loadBalancers: service.loadBalancers.map((lb) => ({ ...lb })),
    serviceRegistries: service.extras.serviceRegistries ?? [],
    status: service.status,
    desiredCount: service.desiredCount,
    ...counts(tasks),
    // ECS shows a strategy in place of the launch type
    ...(service.extras.capacityProviderStrategy
      ? { capacityProviderStrategy: service.extras.capacityProviderStrategy }
      : { launchType: service.launchType }),
    ...(fargate
      ? { platformVersion: service.extras.platformVersion ?? 'LATEST', platformFamily: 'Linux' }
      : {}),
    taskDefinition: primary?.taskDefinitionArn,
    deploymentConfiguration: structuredClone(service.deploymentConfiguration),
    deployments: service.deployments.map((deployment) =>
      renderDeployment(service, deployment, tasks)
    ),
    events: service.events.map((event) => ({
      id: event.id,
      createdAt: seconds(event.createdAt),
      message: event.message
    })),
    createdAt: seconds(service.createdAt),
    ...(service.managed?.deployments[0]
      ? { currentServiceDeployment: service.managed.deployments[0].arn }
      : {}),
    placementConstraints: service.extras.placementConstraints ?? [],
    placementStrategy: service.extras.placementStrategy ?? [],
    networkConfiguration: structuredClone(service.networkConfiguration),
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    ...(withTags ? { tags: renderTags(service.tags) } : {}),
    createdBy: service.createdBy,
    enableECSManagedTags: service.extras.enableECSManagedTags ?? false,
    propagateTags: service.extras.propagateTags ?? 'NONE',
    enableExecuteCommand: service.extras.enableExecuteCommand ?? false,
    availabilityZoneRebalancing: service.extras.availabilityZoneRebalancing ?? 'ENABLED'
  }
}

function renderDeployment(service: Service, deployment: Deployment, tasks: Task[]): object {
  const own = tasks.filter((task) => task.deploymentId === deployment.id)
  const live = own.filter((task) => task.desiredStatus === 'RUNNING').length
  const fargate = deployment.launchType === 'FARGATE'
  return {
    id: deployment.id,
    status: deployment.status,
    taskDefinition: deployment.taskDefinitionArn,
    // an older deployment's desired count shrinks as ECS scales it down
    desiredCount:
      deployment.status === 'PRIMARY'
        ? service.status === 'ACTIVE'
          ? service.desiredCount
          : 0
        : live,
    ...counts(own),
    failedTasks: deployment.failedTasks,
    createdAt: seconds(deployment.createdAt),
    updatedAt: seconds(deployment.updatedAt),
    launchType: deployment.launchType,
    ...(fargate ? { platformVersion: '1.4.0', platformFamily: 'Linux' } : {}),
    networkConfiguration: structuredClone(deployment.networkConfiguration),
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason
  }
}
