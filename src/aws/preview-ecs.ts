import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  type AwsVpcConfiguration,
  type ECSClient,
  type PlacementConstraint,
  type PlacementStrategy,
  type PropagateTags,
  type Service
} from '@aws-sdk/client-ecs'
import { AwsLimitError } from '../preview/errors.js'
import type { PreviewEcsPort, ServiceSpec, ServiceTemplate } from '../preview/ports.js'
import type {
  MissingService,
  OneOffTask,
  RegisteredRevision,
  ServiceView,
  TaskDefinition,
  TaskView
} from '../rollout/ports.js'
import { EcsAdapter, nameOf, targetGroupsOf } from './ecs.js'

function template(s: Service): ServiceTemplate {
  return {
    name: s.serviceName ?? '',
    arn: s.serviceArn ?? '',
    status: s.status ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    taskDefinitionArn: s.taskDefinition ?? '',
    loadBalancers: targetGroupsOf(s),
    launchType: s.launchType,
    capacityProviderStrategy: s.capacityProviderStrategy?.length
      ? s.capacityProviderStrategy.map((item) => ({
          capacityProvider: item.capacityProvider ?? '',
          weight: item.weight,
          base: item.base
        }))
      : undefined,
    platformVersion: s.platformVersion,
    networkConfiguration: s.networkConfiguration as Record<string, unknown> | undefined,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    placementConstraints: s.placementConstraints as Record<string, unknown>[] | undefined,
    placementStrategy: s.placementStrategy as Record<string, unknown>[] | undefined,
    enableExecuteCommand: s.enableExecuteCommand,
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags,
    roleArn: s.roleArn,
    tags: Object.fromEntries((s.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? '']))
  }
}

/** ECS's quota errors, which a preview turns into advice on what to clean up. */
function limitError(error: unknown): unknown {
  if (error instanceof Error && /Limit|TooMany/.test(error.name)) {
    return new AwsLimitError(error.name, error.message)
  }
  return error
}

/** The rollout's ECS port, plus what previews create, find and remove. */
export class PreviewEcsAdapter implements PreviewEcsPort {
  private readonly rollout: EcsAdapter

  constructor(private readonly client: ECSClient) {
    this.rollout = new EcsAdapter(client)
  }

  describeServices(cluster: string, names: string[]): Promise<(ServiceView | MissingService)[]> {
    return this.rollout.describeServices(cluster, names)
  }

  describeTaskDefinition(taskDefinition: string): Promise<TaskDefinition> {
    return this.rollout.describeTaskDefinition(taskDefinition)
  }

  runTask(task: OneOffTask): Promise<string> {
    return this.rollout.runTask(task)
  }

  stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
    return this.rollout.stopTask(cluster, taskArn, reason)
  }

  registerTaskDefinition(definition: TaskDefinition): Promise<RegisteredRevision> {
    return this.rollout.registerTaskDefinition(definition)
  }

  updateService(
    cluster: string,
    service: string,
    change: { taskDefinitionArn?: string; desiredCount?: number }
  ): Promise<void> {
    return this.rollout.updateService(cluster, service, change)
  }

  listTasks(
    cluster: string,
    service: string,
    desiredStatus: 'RUNNING' | 'STOPPED'
  ): Promise<string[]> {
    return this.rollout.listTasks(cluster, service, desiredStatus)
  }

  describeTasks(cluster: string, taskArns: string[]): Promise<TaskView[]> {
    return this.rollout.describeTasks(cluster, taskArns)
  }

  async describeService(cluster: string, name: string): Promise<ServiceTemplate | undefined> {
    const out = await this.client.send(
      new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] })
    )
    const found = (out.services ?? []).find((s) => s.serviceName === name)
    return found ? template(found) : undefined
  }

  async createService(spec: ServiceSpec): Promise<void> {
    const awsvpc = spec.networkConfiguration?.awsvpcConfiguration as AwsVpcConfiguration | undefined
    try {
      await this.client.send(
        new CreateServiceCommand({
          cluster: spec.cluster,
          serviceName: spec.name,
          taskDefinition: spec.taskDefinitionArn,
          desiredCount: spec.desiredCount,
          loadBalancers: [spec.loadBalancer],
          launchType: spec.capacityProviderStrategy ? undefined : (spec.launchType as never),
          capacityProviderStrategy: spec.capacityProviderStrategy,
          platformVersion: spec.platformVersion,
          networkConfiguration: awsvpc ? { awsvpcConfiguration: awsvpc } : undefined,
          healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
          placementConstraints: spec.placementConstraints as PlacementConstraint[] | undefined,
          placementStrategy: spec.placementStrategy as PlacementStrategy[] | undefined,
          enableExecuteCommand: spec.enableExecuteCommand,
          enableECSManagedTags: spec.enableECSManagedTags,
          propagateTags: spec.propagateTags as PropagateTags | undefined,
          role: spec.role,
          deploymentConfiguration: {
            minimumHealthyPercent: spec.minimumHealthyPercent,
            maximumPercent: spec.maximumPercent
          },
          tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value }))
        })
      )
    } catch (error) {
      throw limitError(error)
    }
  }

  async deleteService(cluster: string, name: string): Promise<void> {
    await this.client.send(new DeleteServiceCommand({ cluster, service: name }))
  }

  async listServiceNames(cluster: string): Promise<string[]> {
    const names: string[] = []
    let nextToken: string | undefined
    do {
      const out = await this.client.send(new ListServicesCommand({ cluster, nextToken }))
      names.push(...(out.serviceArns ?? []).map(nameOf))
      nextToken = out.nextToken
    } while (nextToken)
    return names
  }

  async listRevisions(family: string): Promise<string[]> {
    const arns: string[] = []
    let nextToken: string | undefined
    do {
      const out = await this.client.send(
        new ListTaskDefinitionsCommand({
          familyPrefix: family,
          status: 'ACTIVE',
          sort: 'ASC',
          nextToken
        })
      )
      arns.push(...(out.taskDefinitionArns ?? []))
      nextToken = out.nextToken
    } while (nextToken)
    // ECS matches familyPrefix as a prefix in some regions: keep the family's own revisions only
    return arns.filter((arn) => nameOf(arn).replace(/:\d+$/, '') === family)
  }

  async deregisterTaskDefinition(taskDefinitionArn: string): Promise<void> {
    await this.client.send(
      new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })
    )
  }
}
