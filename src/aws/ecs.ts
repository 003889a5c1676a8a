import { randomUUID } from 'node:crypto'
import {
  DeregisterTaskDefinitionCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type NetworkConfiguration,
  type ECSClient,
  type PropagateTags,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type Task
} from '@aws-sdk/client-ecs'
import type {
  EcsPort,
  HostPort,
  MissingService,
  OneOffTask,
  TaskPlacement,
  RegisteredRevision,
  RevisionsPort,
  ServiceView,
  TaskDefinition,
  TaskView
} from '../rollout/ports.js'
import { InputError } from '../rollout/errors.js'

const time = (d: Date | undefined): number => (d ? d.getTime() : 0)

/** The target groups a service registers its tasks in, with the container and port. */
export function targetGroupsOf(s: Service): ServiceView['loadBalancers'] {
  return (s.loadBalancers ?? []).flatMap((lb) =>
    lb.targetGroupArn
      ? [
          {
            targetGroupArn: lb.targetGroupArn,
            containerName: lb.containerName,
            containerPort: lb.containerPort
          }
        ]
      : []
  )
}

function serviceView(s: Service): ServiceView {
  return {
    name: s.serviceName ?? '',
    arn: s.serviceArn ?? '',
    status: s.status ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    taskDefinitionArn: s.taskDefinition ?? '',
    loadBalancers: targetGroupsOf(s),
    ...(s.deploymentConfiguration?.strategy
      ? { strategy: s.deploymentConfiguration.strategy }
      : {}),
    deployments: (s.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      taskDefinitionArn: d.taskDefinition ?? '',
      desiredCount: d.desiredCount ?? 0,
      runningCount: d.runningCount ?? 0,
      pendingCount: d.pendingCount ?? 0,
      failedTasks: d.failedTasks ?? 0,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      createdAt: time(d.createdAt),
      updatedAt: time(d.updatedAt)
    })),
    events: (s.events ?? []).map((e) => ({ at: time(e.createdAt), message: e.message ?? '' })),
    placement: placementOf(s),
    ...(s.schedulingStrategy ? { schedulingStrategy: s.schedulingStrategy } : {})
  }
}

/** How the service's tasks run, for a one-off task to run the same way. */
function placementOf(s: Service): TaskPlacement {
  const strategy = (s.capacityProviderStrategy ?? []).flatMap((item) =>
    item.capacityProvider
      ? [
          {
            capacityProvider: item.capacityProvider,
            ...(item.weight !== undefined ? { weight: item.weight } : {}),
            ...(item.base !== undefined ? { base: item.base } : {})
          }
        ]
      : []
  )
  return {
    // a service with a capacity provider strategy reports no launch type to give with it
    ...(strategy.length > 0
      ? { capacityProviderStrategy: strategy }
      : s.launchType
        ? { launchType: s.launchType }
        : {}),
    ...(s.platformVersion && s.platformVersion !== 'LATEST'
      ? { platformVersion: s.platformVersion }
      : {}),
    ...(s.networkConfiguration
      ? {
          networkConfiguration: structuredClone(s.networkConfiguration) as Record<string, unknown>
        }
      : {})
  }
}

/** The task's ENI address: its target id in an `ip` target group (awsvpc, Fargate). */
function privateIp(t: Task): string | undefined {
  for (const a of t.attachments ?? []) {
    if (a.type !== 'ElasticNetworkInterface') continue
    const ip = a.details?.find((d) => d.name === 'privateIPv4Address')?.value
    if (ip) return ip
  }
  for (const c of t.containers ?? []) {
    const ip = c.networkInterfaces?.find((n) => n.privateIpv4Address)?.privateIpv4Address
    if (ip) return ip
  }
  return undefined
}

/** The host ports Docker published the task's container ports on (bridge and host mode). */
function hostPorts(t: Task): HostPort[] | undefined {
  const bound = (t.containers ?? []).flatMap((c) =>
    (c.networkBindings ?? []).flatMap((b) =>
      b.containerPort !== undefined && b.hostPort !== undefined
        ? [{ containerName: c.name, containerPort: b.containerPort, hostPort: b.hostPort }]
        : []
    )
  )
  return bound.length > 0 ? bound : undefined
}

function taskView(t: Task, instanceId: string | undefined): TaskView {
  const ports = hostPorts(t)
  return {
    arn: t.taskArn ?? '',
    taskDefinitionArn: t.taskDefinitionArn ?? '',
    lastStatus: t.lastStatus ?? '',
    desiredStatus: t.desiredStatus ?? '',
    privateIp: privateIp(t),
    ...(instanceId ? { instanceId } : {}),
    ...(ports ? { hostPorts: ports } : {}),
    startedBy: t.startedBy,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason
    })),
    createdAt: t.createdAt ? time(t.createdAt) : undefined,
    startedAt: t.startedAt ? time(t.startedAt) : undefined,
    stoppedAt: t.stoppedAt ? time(t.stoppedAt) : undefined
  }
}

export const nameOf = (arnOrName: string): string => arnOrName.slice(arnOrName.lastIndexOf('/') + 1)

/** ECS answers only "Cluster not found.": the refusal says which input the cluster came from. */
function missingCluster(cluster: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof Error) || error.name !== 'ClusterNotFoundException') throw error
    throw new InputError(
      'cluster',
      `cluster ${cluster} was not found (${error.message}); check it, and that AWS_REGION and ` +
        'the credentials are those of the account and region it is in'
    )
  }
}

export class EcsAdapter implements EcsPort, RevisionsPort {
  /** container instance ARN -> EC2 instance id: fixed for the container instance's life */
  private readonly instanceIds = new Map<string, string>()

  constructor(private readonly client: ECSClient) {}

  async describeServices(
    cluster: string,
    names: string[]
  ): Promise<(ServiceView | MissingService)[]> {
    const out = await this.client
      .send(new DescribeServicesCommand({ cluster, services: names }))
      .catch(missingCluster(cluster))
    const found = (out.services ?? []).map(serviceView)
    return names.map((name): ServiceView | MissingService => {
      const service = found.find((s) => s.name === nameOf(name))
      if (service) return service
      const failure = (out.failures ?? []).find((f) => f.arn && nameOf(f.arn) === nameOf(name))
      return { name, missing: true, reason: failure?.reason ?? 'MISSING' }
    })
  }

  async describeTaskDefinition(taskDefinition: string): Promise<TaskDefinition> {
    const out = await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition }))
    if (!out.taskDefinition) throw new Error(`DescribeTaskDefinition returned no ${taskDefinition}`)
    return out.taskDefinition as unknown as TaskDefinition
  }

  async registerTaskDefinition(definition: TaskDefinition): Promise<RegisteredRevision> {
    const input = definition as unknown as RegisterTaskDefinitionCommandInput
    const out = await this.client.send(new RegisterTaskDefinitionCommand(input))
    const td = out.taskDefinition
    if (!td?.taskDefinitionArn) throw new Error('RegisterTaskDefinition returned no ARN')
    return { arn: td.taskDefinitionArn, family: td.family ?? '', revision: td.revision ?? 0 }
  }

  async updateService(
    cluster: string,
    service: string,
    change: {
      taskDefinitionArn?: string
      desiredCount?: number
      propagateTags?: string
      enableEcsManagedTags?: boolean
    }
  ): Promise<void> {
    await this.client.send(
      new UpdateServiceCommand({
        cluster,
        service,
        taskDefinition: change.taskDefinitionArn,
        desiredCount: change.desiredCount,
        ...(change.propagateTags === undefined
          ? {}
          : { propagateTags: change.propagateTags as PropagateTags }),
        ...(change.enableEcsManagedTags === undefined
          ? {}
          : { enableECSManagedTags: change.enableEcsManagedTags })
      })
    )
  }

  async listTasks(
    cluster: string,
    service: string,
    desiredStatus: 'RUNNING' | 'STOPPED'
  ): Promise<string[]> {
    const arns: string[] = []
    let nextToken: string | undefined
    do {
      const out = await this.client.send(
        new ListTasksCommand({ cluster, serviceName: service, desiredStatus, nextToken })
      )
      arns.push(...(out.taskArns ?? []))
      nextToken = out.nextToken
    } while (nextToken)
    return arns
  }

  async describeTasks(cluster: string, taskArns: string[]): Promise<TaskView[]> {
    const views: TaskView[] = []
    // DescribeTasks takes at most 100 tasks a call
    for (let i = 0; i < taskArns.length; i += 100) {
      const out = await this.client.send(
        new DescribeTasksCommand({ cluster, tasks: taskArns.slice(i, i + 100) })
      )
      const tasks = out.tasks ?? []
      await this.learnInstances(cluster, tasks)
      views.push(
        ...tasks.map((t) =>
          taskView(
            t,
            t.containerInstanceArn ? this.instanceIds.get(t.containerInstanceArn) : undefined
          )
        )
      )
    }
    return views
  }

  /**
   * The EC2 instance of each container instance not seen before (DescribeContainerInstances, at
   * most 100 a call): a bridge or host task's target in an `instance` target group is that
   * instance and a host port. Fargate tasks have no container instance and cost nothing here.
   */
  private async learnInstances(cluster: string, tasks: Task[]): Promise<void> {
    const unknown = [
      ...new Set(
        tasks.flatMap((t) =>
          t.containerInstanceArn && !this.instanceIds.has(t.containerInstanceArn)
            ? [t.containerInstanceArn]
            : []
        )
      )
    ]
    for (let i = 0; i < unknown.length; i += 100) {
      const out = await this.client.send(
        new DescribeContainerInstancesCommand({
          cluster,
          containerInstances: unknown.slice(i, i + 100)
        })
      )
      for (const instance of out.containerInstances ?? []) {
        if (instance.containerInstanceArn && instance.ec2InstanceId) {
          this.instanceIds.set(instance.containerInstanceArn, instance.ec2InstanceId)
        }
      }
    }
  }

  async runTask(task: OneOffTask): Promise<string> {
    const { placement } = task
    // the same token on every retry (the SDK's and ours): ECS starts the task once
    const clientToken = randomUUID()
    const out = await this.client.send(
      new RunTaskCommand({
        cluster: task.cluster,
        taskDefinition: task.taskDefinitionArn,
        count: 1,
        clientToken,
        startedBy: task.startedBy,
        ...(task.group ? { group: task.group } : {}),
        ...(placement.capacityProviderStrategy
          ? { capacityProviderStrategy: placement.capacityProviderStrategy }
          : placement.launchType
            ? { launchType: placement.launchType as 'FARGATE' | 'EC2' | 'EXTERNAL' }
            : {}),
        ...(placement.platformVersion ? { platformVersion: placement.platformVersion } : {}),
        ...(placement.networkConfiguration
          ? {
              networkConfiguration: placement.networkConfiguration as NetworkConfiguration
            }
          : {}),
        overrides: { containerOverrides: [{ name: task.container, command: task.command }] }
      })
    )
    const arn = out.tasks?.[0]?.taskArn
    if (arn) return arn
    const failure = out.failures?.[0]
    throw new Error(
      failure
        ? `RunTask could not start the task: ${failure.reason ?? 'no reason given'}${failure.detail ? ` (${failure.detail})` : ''}`
        : 'RunTask returned no task'
    )
  }

  async stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
    await this.client.send(new StopTaskCommand({ cluster, task: taskArn, reason }))
  }

  async listActiveRevisions(family: string): Promise<string[]> {
    const arns: string[] = []
    let nextToken: string | undefined
    do {
      const out = await this.client.send(
        new ListTaskDefinitionsCommand({
          familyPrefix: family,
          status: 'ACTIVE',
          sort: 'DESC',
          nextToken
        })
      )
      arns.push(...(out.taskDefinitionArns ?? []))
      nextToken = out.nextToken
    } while (nextToken)
    return arns
  }

  async deregisterTaskDefinition(taskDefinitionArn: string): Promise<void> {
    await this.client.send(
      new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })
    )
  }
}
