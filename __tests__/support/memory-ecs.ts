import type {
  DeploymentView,
  MissingService,
  OneOffTask,
  RegisteredRevision,
  ServiceView,
  TaskDefinition,
  TaskView
} from '../../src/rollout/ports.js'
import type { MemoryElb } from './memory-elb.js'
import { taskNeed } from '../../src/rollout/capacity/need.js'
import type { MemoryEc2, Placed } from './memory-ec2.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012'

/**
 * How tasks running an image behave. Times count from the task reaching RUNNING; weights are the
 * target group's share of the route, in percent.
 */
export interface ImageBehavior {
  /** launch to RUNNING (default 5s) */
  startMs?: number
  /** RUNNING to the first health check verdict (default 10s) */
  healthCheckMs?: number
  /** fails its health checks from the first one */
  unhealthy?: boolean
  /** passes, then fails its health checks this long after RUNNING */
  unhealthyAfterMs?: number
  /** fails its health checks once its target group gets this share of traffic */
  unhealthyAtWeight?: number
  /** the essential container exits this long after RUNNING */
  crashAfterMs?: number
  /** the essential container exits once its target group gets this share of traffic */
  crashAtWeight?: number
  /** the exit code of a crash (default 1) */
  exitCode?: number
  /** the health check's reason (default Target.ResponseCodeMismatch) */
  healthReason?: string
  /**
   * a task started by RunTask with a command (a one-off task) runs this long after RUNNING
   * (default 20s), then its container exits with this code (default 0); `failToStart`: RunTask
   * answers with this failure instead of a task
   */
  oneOff?: { exitCode?: number; afterMs?: number; failToStart?: string }
}

/** A task RunTask started, with what it was given. */
export interface OneOffRun {
  arn: string
  request: OneOffTask
  image: string
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED'
  createdAt: number
  startedAt?: number
  stoppedAt?: number
  stoppedReason?: string
  stopCode?: string
  exitCode?: number
}

interface Task {
  arn: string
  service: string
  deploymentId: string
  taskDefinitionArn: string
  image: string
  containerName: string
  ip: string
  /** EC2 bridge mode: its instance and host port (its target), instead of an ENI address */
  placed?: Placed
  lastStatus: 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPED'
  desiredStatus: 'RUNNING' | 'STOPPED'
  createdAt: number
  startedAt?: number
  stoppedAt?: number
  stoppedReason?: string
  stopCode?: string
  exitCode?: number
  /** failing health checks from now on */
  sick?: boolean
}

interface Service {
  name: string
  arn: string
  status: string
  desiredCount: number
  loadBalancer: { targetGroupArn: string; containerName: string; containerPort: number }
  extraTargetGroups: string[]
  deployments: DeploymentView[]
  events: { at: number; message: string }[]
  ipBlock: number
  nextIp: number
  schedulingStrategy?: string
}

export interface ServiceSetup {
  name: string
  taskDefinitionArn: string
  desiredCount: number
  targetGroupArn: string
  containerPort?: number
  status?: string
  /** more target groups the service is attached to */
  extraTargetGroups?: string[]
  /** REPLICA when absent */
  schedulingStrategy?: string
}

/**
 * ECS as a tenant sees it: services keep their desired count of tasks of their primary
 * deployment, replace tasks that stop, register running tasks in their target group and drain
 * the old deployment's tasks once the new ones are healthy. Tasks behave as their image is set to.
 */
export class MemoryEcs {
  private readonly definitions = new Map<string, TaskDefinition & { registeredAt: number }>()
  private readonly revisions = new Map<string, number>()
  /** revisions deregistered (INACTIVE) */
  private readonly inactive = new Set<string>()
  private readonly services = new Map<string, Service>()
  private readonly tasks = new Map<string, Task>()
  private readonly behaviors = new Map<string, ImageBehavior>()
  /** every task RunTask started, in order */
  readonly oneOffs: OneOffRun[] = []
  private ids = 0
  /** ListTasks lags this far behind a task stopping (ECS is eventually consistent) */
  listingLagMs = 0
  /** ECS's circuit breaker: the deployment fails after this many failed tasks */
  circuitBreakerTasks = Infinity
  /** the circuit breaker's `rollback`: ECS puts the service back on its previous deployment */
  circuitBreakerRollback = false
  /** EC2 with bridge networking: tasks go on these instances, on dynamic host ports */
  ec2?: MemoryEc2

  constructor(
    private readonly elb: MemoryElb,
    private readonly now: () => number
  ) {}

  setImage(image: string, behavior: ImageBehavior): void {
    this.behaviors.set(image, behavior)
  }

  /** Registers revisions of a family up to `revision` (the last one is returned). */
  seedRevision(definition: TaskDefinition, revision: number): string {
    this.revisions.set(definition.family, revision - 1)
    return this.registerTaskDefinition(definition).arn
  }

  /** A service already at its desired count of running, healthy tasks. */
  addService(setup: ServiceSetup): void {
    const definition = this.definition(setup.taskDefinitionArn)
    const container = definition.containerDefinitions[0]!
    const service: Service = {
      name: setup.name,
      arn: `${ARN}:service/prod/${setup.name}`,
      status: setup.status ?? 'ACTIVE',
      desiredCount: setup.desiredCount,
      loadBalancer: {
        targetGroupArn: setup.targetGroupArn,
        containerName: container.name,
        containerPort: setup.containerPort ?? 8080
      },
      extraTargetGroups: setup.extraTargetGroups ?? [],
      deployments: [],
      events: [],
      ipBlock: this.services.size + 1,
      nextIp: 10,
      ...(setup.schedulingStrategy ? { schedulingStrategy: setup.schedulingStrategy } : {})
    }
    this.services.set(setup.name, service)
    const deployment = this.newDeployment(service, setup.taskDefinitionArn)
    deployment.rolloutState = 'COMPLETED'
    const settledAt = this.now() - 3_600_000
    for (let i = 0; i < setup.desiredCount; i++) {
      const task = this.launch(service, deployment, settledAt)
      if (!task) throw new Error(`no room for ${setup.name}'s tasks`)
      task.lastStatus = 'RUNNING'
      task.startedAt = settledAt
      const target = this.targetOf(service, task)
      this.elb.setTarget(setup.targetGroupArn, target.id, target.port, 'healthy')
    }
  }

  // ---------- the API ----------

  describeServices(names: string[]): (ServiceView | MissingService)[] {
    return names.map((name) => {
      const service = this.services.get(name)
      if (!service) return { name, missing: true, reason: 'MISSING' }
      const tasks = this.tasksOf(name).filter((task) => task.desiredStatus === 'RUNNING')
      const count = (status: string, deploymentId?: string): number =>
        tasks.filter(
          (task) =>
            task.lastStatus === status && (!deploymentId || task.deploymentId === deploymentId)
        ).length
      const primary = service.deployments[0]!
      return {
        name,
        arn: service.arn,
        status: service.status,
        desiredCount: service.desiredCount,
        runningCount: count('RUNNING'),
        pendingCount: count('PENDING'),
        taskDefinitionArn: primary.taskDefinitionArn,
        loadBalancers: [
          { ...service.loadBalancer },
          ...service.extraTargetGroups.map((targetGroupArn) => ({ targetGroupArn }))
        ],
        deployments: service.deployments.map((deployment) => ({
          ...deployment,
          runningCount: count('RUNNING', deployment.id),
          pendingCount: count('PENDING', deployment.id)
        })),
        events: [...service.events],
        ...(service.schedulingStrategy ? { schedulingStrategy: service.schedulingStrategy } : {}),
        placement: this.ec2
          ? this.ec2.managedScaling
            ? {
                capacityProviderStrategy: [
                  { capacityProvider: this.ec2.managedScaling.provider, weight: 1 }
                ]
              }
            : { launchType: 'EC2' }
          : {
              launchType: 'FARGATE',
              networkConfiguration: {
                awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] }
              }
            }
      }
    })
  }

  runTask(request: OneOffTask): string {
    const definition = this.definition(request.taskDefinitionArn)
    const container = definition.containerDefinitions.find((c) => c.name === request.container)
    if (!container) {
      throw new Error(
        `InvalidParameterException: Override for container named ${request.container} is not a container in the TaskDefinition.`
      )
    }
    const image = definition.containerDefinitions[0]!.image ?? ''
    const failure = this.behaviors.get(image)?.oneOff?.failToStart
    if (failure) throw new Error(`RunTask could not start the task: ${failure}`)
    const arn = `${ARN}:task/prod/${(++this.ids).toString(16).padStart(32, '0')}`
    this.oneOffs.push({
      arn,
      request: structuredClone(request),
      image,
      lastStatus: 'PENDING',
      createdAt: this.now()
    })
    return arn
  }

  stopTask(arn: string, reason: string): void {
    const run = this.oneOffs.find((entry) => entry.arn === arn)
    const task = this.tasks.get(arn)
    if (!run && !task)
      throw new Error('InvalidParameterException: The referenced task was not found.')
    if (run && run.lastStatus !== 'STOPPED') {
      Object.assign(run, {
        lastStatus: 'STOPPED',
        stoppedAt: this.now(),
        stoppedReason: reason,
        stopCode: 'UserInitiated',
        exitCode: run.startedAt === undefined ? undefined : 143
      })
    }
    if (task) this.stop(task, this.now(), reason, 'UserInitiated', 143)
  }

  describeTaskDefinition(arn: string): TaskDefinition {
    const definition = this.definition(arn)
    return {
      ...structuredClone(definition),
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }]
    }
  }

  registerTaskDefinition(definition: TaskDefinition): RegisteredRevision {
    for (const field of [
      'taskDefinitionArn',
      'revision',
      'status',
      'registeredAt',
      'compatibilities'
    ]) {
      if (field in definition)
        throw new Error(`ClientException: Unexpected key '${field}' found in params`)
    }
    const revision = (this.revisions.get(definition.family) ?? 0) + 1
    this.revisions.set(definition.family, revision)
    const arn = `${ARN}:task-definition/${definition.family}:${revision}`
    this.definitions.set(arn, {
      ...structuredClone(definition),
      taskDefinitionArn: arn,
      revision,
      registeredAt: this.now()
    })
    return { arn, family: definition.family, revision }
  }

  /**
   * ACTIVE revisions newest first. Matches as a prefix (as the preview code found some regions
   * do), so that the code is shown to keep to its own family.
   */
  listActiveRevisions(familyPrefix: string): string[] {
    return [...this.definitions.values()]
      .filter((d) => d.family.startsWith(familyPrefix) && !this.inactive.has(d.taskDefinitionArn!))
      .sort((a, b) => a.family.localeCompare(b.family) || (b.revision ?? 0) - (a.revision ?? 0))
      .map((d) => d.taskDefinitionArn!)
  }

  deregisterTaskDefinition(arn: string): void {
    this.definition(arn)
    this.inactive.add(arn)
  }

  /** the ACTIVE revisions of exactly `family`, as `family:revision`, newest first */
  activeRevisions(family: string): string[] {
    return this.listActiveRevisions(family)
      .map((arn) => arn.slice(arn.indexOf('task-definition/') + 16))
      .filter((label) => label.replace(/:\d+$/, '') === family)
  }

  updateService(name: string, change: { taskDefinitionArn?: string; desiredCount?: number }): void {
    const service = this.services.get(name)
    if (!service || service.status !== 'ACTIVE')
      throw new Error(`ServiceNotActiveException: ${name}`)
    if (change.desiredCount !== undefined) service.desiredCount = change.desiredCount
    const primary = service.deployments[0]!
    if (change.taskDefinitionArn && change.taskDefinitionArn !== primary.taskDefinitionArn) {
      this.definition(change.taskDefinitionArn)
      this.newDeployment(service, change.taskDefinitionArn)
    }
    service.deployments[0]!.desiredCount = service.desiredCount
  }

  listTasks(service: string, desiredStatus: 'RUNNING' | 'STOPPED'): string[] {
    const visible = this.now() - this.listingLagMs
    return this.tasksOf(service)
      .filter((task) => {
        const stoppedLongEnough =
          task.desiredStatus === 'STOPPED' && (task.stoppedAt ?? 0) <= visible
        return desiredStatus === 'STOPPED' ? stoppedLongEnough : !stoppedLongEnough
      })
      .map((task) => task.arn)
  }

  describeTasks(arns: string[]): TaskView[] {
    if (arns.length > 100) throw new Error('InvalidParameterException: at most 100 tasks')
    return arns.flatMap((arn): TaskView[] => {
      const run = this.oneOffs.find((entry) => entry.arn === arn)
      if (run) {
        return [
          {
            arn: run.arn,
            taskDefinitionArn: run.request.taskDefinitionArn,
            lastStatus: run.lastStatus,
            desiredStatus: run.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
            startedBy: run.request.startedBy,
            stoppedReason: run.stoppedReason,
            stopCode: run.stopCode,
            containers: [
              {
                name: run.request.container,
                image: run.image,
                lastStatus: run.lastStatus,
                ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {})
              }
            ],
            createdAt: run.createdAt,
            startedAt: run.startedAt,
            stoppedAt: run.stoppedAt
          }
        ]
      }
      const task = this.tasks.get(arn)
      if (!task) return []
      return [
        {
          arn: task.arn,
          taskDefinitionArn: task.taskDefinitionArn,
          lastStatus: task.lastStatus,
          desiredStatus: task.desiredStatus,
          ...(task.placed
            ? {
                instanceId: task.placed.instanceId,
                hostPorts: [
                  {
                    containerName: task.containerName,
                    containerPort: this.services.get(task.service)!.loadBalancer.containerPort,
                    hostPort: task.placed.hostPort
                  }
                ]
              }
            : this.ec2
              ? {}
              : { privateIp: task.ip }),
          startedBy: `ecs-svc/${task.deploymentId}`,
          stoppedReason: task.stoppedReason,
          stopCode: task.stopCode,
          containers: [
            {
              name: task.containerName,
              image: task.image,
              lastStatus: task.lastStatus,
              ...(task.exitCode !== undefined ? { exitCode: task.exitCode } : {})
            }
          ],
          createdAt: task.createdAt,
          startedAt: task.startedAt,
          stoppedAt: task.stoppedAt
        }
      ]
    })
  }

  // ---------- what ECS does on its own ----------

  tick(at: number): void {
    for (const run of this.oneOffs) this.stepOneOff(run, at)
    for (const task of this.tasks.values()) this.stepTask(task, at)
    for (const service of this.services.values()) this.reconcile(service, at)
  }

  private stepOneOff(run: OneOffRun, at: number): void {
    if (run.lastStatus === 'STOPPED') return
    const behavior = this.behaviors.get(run.image) ?? {}
    if (run.lastStatus === 'PENDING') {
      if (at < run.createdAt + (behavior.startMs ?? 5000)) return
      run.lastStatus = 'RUNNING'
      run.startedAt = at
    }
    if (at < run.startedAt! + (behavior.oneOff?.afterMs ?? 20_000)) return
    Object.assign(run, {
      lastStatus: 'STOPPED',
      stoppedAt: at,
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      exitCode: behavior.oneOff?.exitCode ?? 0
    })
  }

  private stepTask(task: Task, at: number): void {
    if (task.lastStatus === 'STOPPED') return
    const behavior = this.behaviors.get(task.image) ?? {}
    const service = this.services.get(task.service)!
    const { targetGroupArn } = service.loadBalancer
    if (task.lastStatus === 'PROVISIONING') {
      // waits for the instance a capacity provider is adding
      const placed = this.ec2?.place(taskNeed(this.definition(task.taskDefinitionArn)))
      if (!placed) {
        this.ec2?.waiting(at)
        return
      }
      Object.assign(task, { placed, lastStatus: 'PENDING', createdAt: at })
    }
    const { id, port } = this.targetOf(service, task)
    if (task.lastStatus === 'PENDING') {
      if (at < task.createdAt + (behavior.startMs ?? 5000)) return
      task.lastStatus = 'RUNNING'
      task.startedAt = at
      this.elb.setTarget(targetGroupArn, id, port, 'initial', 'Elb.RegistrationInProgress')
    }
    const up = at - task.startedAt!
    const share = this.elb.percentOf(targetGroupArn)
    const crashes =
      (behavior.crashAfterMs !== undefined && up >= behavior.crashAfterMs) ||
      (behavior.crashAtWeight !== undefined && share >= behavior.crashAtWeight)
    if (crashes) {
      const exitCode = behavior.exitCode ?? 1
      this.stop(
        task,
        at,
        'Essential container in task exited',
        'EssentialContainerExited',
        exitCode
      )
      const deployment = service.deployments.find((entry) => entry.id === task.deploymentId)
      if (deployment) deployment.failedTasks++
      return
    }
    if (
      (behavior.unhealthyAtWeight !== undefined && share >= behavior.unhealthyAtWeight) ||
      (behavior.unhealthyAfterMs !== undefined && up >= behavior.unhealthyAfterMs)
    ) {
      task.sick = true
    }
    if (up < (behavior.healthCheckMs ?? 10_000)) return
    if (behavior.unhealthy || task.sick) {
      this.elb.setTarget(
        targetGroupArn,
        id,
        port,
        'unhealthy',
        behavior.healthReason ?? 'Target.ResponseCodeMismatch'
      )
    } else {
      this.elb.setTarget(targetGroupArn, id, port, 'healthy')
    }
  }

  private reconcile(service: Service, at: number): void {
    const primary = service.deployments[0]!
    primary.desiredCount = service.desiredCount
    const wanted = (): Task[] =>
      this.tasksOf(service.name).filter((task) => task.desiredStatus === 'RUNNING')
    const ours = wanted().filter((task) => task.deploymentId === primary.id)
    for (let i = ours.length; i < service.desiredCount; i++) {
      const task = this.launch(service, primary, at)
      if (!task) {
        const message = this.ec2!.shortfall(
          service.name,
          taskNeed(this.definition(primary.taskDefinitionArn))
        )
        if (service.events[0]?.message !== message) service.events.unshift({ at, message })
        break
      }
      service.events.unshift({
        at,
        message: `(service ${service.name}) has started 1 tasks: (task ${taskId(task.arn)}).`
      })
    }
    for (const task of ours.slice(service.desiredCount)) {
      this.stop(
        task,
        at,
        'Scaling activity initiated by (deployment ' + primary.id + ')',
        'ServiceSchedulerInitiated',
        0
      )
    }
    const healthy = wanted().filter(
      (task) => task.deploymentId === primary.id && this.isHealthy(service, task)
    ).length
    if (service.deployments.length > 1 && healthy >= service.desiredCount) {
      for (const task of wanted().filter((entry) => entry.deploymentId !== primary.id)) {
        this.stop(
          task,
          at,
          'Scaling activity initiated by (deployment ' + primary.id + ')',
          'ServiceSchedulerInitiated',
          0
        )
      }
      service.deployments = [primary]
    }
    if (primary.rolloutState === 'IN_PROGRESS' && primary.failedTasks >= this.circuitBreakerTasks) {
      primary.rolloutState = 'FAILED'
      primary.rolloutStateReason = `ECS deployment circuit breaker: ${primary.failedTasks} tasks failed to start.`
      primary.updatedAt = at
      service.events.unshift({
        at,
        message: `(service ${service.name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`
      })
      const previous = service.deployments[1]
      if (this.circuitBreakerRollback && previous) {
        // as ECS does: the last deployment becomes PRIMARY again, the failed one drains
        primary.status = 'ACTIVE'
        service.deployments.splice(1, 1)
        Object.assign(previous, {
          status: 'PRIMARY',
          rolloutState: 'IN_PROGRESS',
          rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.`,
          desiredCount: service.desiredCount,
          updatedAt: at
        })
        service.deployments.unshift(previous)
        service.events.unshift({
          at,
          message: `(service ${service.name}) rolling back to deployment ${previous.id}.`
        })
        return
      }
    }
    if (
      primary.rolloutState === 'IN_PROGRESS' &&
      service.deployments.length === 1 &&
      healthy >= service.desiredCount
    ) {
      primary.rolloutState = 'COMPLETED'
      primary.updatedAt = at
      service.events.unshift({
        at,
        message: `(service ${service.name}) has reached a steady state.`
      })
    }
  }

  private isHealthy(service: Service, task: Task): boolean {
    const { id, port } = this.targetOf(service, task)
    return (
      task.lastStatus === 'RUNNING' &&
      this.elb
        .describeTargetHealth(service.loadBalancer.targetGroupArn)
        .some((target) => target.id === id && target.port === port && target.state === 'healthy')
    )
  }

  /** a task's target: its instance and host port (bridge), else its ENI address and container port */
  private targetOf(service: Service, task: Task): { id: string; port: number } {
    return task.placed
      ? { id: task.placed.instanceId, port: task.placed.hostPort }
      : { id: task.ip, port: service.loadBalancer.containerPort }
  }

  private launch(service: Service, deployment: DeploymentView, at: number): Task | undefined {
    const definition = this.definition(deployment.taskDefinitionArn)
    const container = definition.containerDefinitions[0]!
    const placed = this.ec2?.place(taskNeed(definition))
    // no room: a capacity provider's managed scaling keeps the task PROVISIONING, else ECS gives up
    const provisioning = this.ec2 !== undefined && !placed && this.ec2.waiting(at)
    if (this.ec2 && !placed && !provisioning) return undefined
    const task: Task = {
      arn: `${ARN}:task/prod/${(++this.ids).toString(16).padStart(32, '0')}`,
      service: service.name,
      deploymentId: deployment.id,
      taskDefinitionArn: deployment.taskDefinitionArn,
      image: container.image ?? '',
      containerName: container.name,
      ip: `10.0.${service.ipBlock}.${service.nextIp++}`,
      ...(placed ? { placed } : {}),
      lastStatus: provisioning ? 'PROVISIONING' : 'PENDING',
      desiredStatus: 'RUNNING',
      createdAt: at
    }
    this.tasks.set(task.arn, task)
    return task
  }

  private stop(task: Task, at: number, reason: string, stopCode: string, exitCode: number): void {
    const service = this.services.get(task.service)!
    if (task.lastStatus === 'RUNNING') {
      const { id, port } = this.targetOf(service, task)
      this.elb.deregister(service.loadBalancer.targetGroupArn, id, port, at)
    }
    if (task.placed && task.lastStatus !== 'STOPPED') {
      this.ec2?.release(
        task.placed.instanceId,
        task.placed.hostPort,
        taskNeed(this.definition(task.taskDefinitionArn))
      )
    }
    Object.assign(task, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: at,
      stoppedReason: reason,
      stopCode,
      exitCode
    })
    service.events.unshift({
      at,
      message: `(service ${service.name}) stopped 1 running tasks: (task ${taskId(task.arn)}) ${reason}.`
    })
  }

  private newDeployment(service: Service, taskDefinitionArn: string): DeploymentView {
    for (const deployment of service.deployments) deployment.status = 'ACTIVE'
    const deployment: DeploymentView = {
      id: `ecs-svc/${(++this.ids).toString().padStart(19, '0')}`,
      status: 'PRIMARY',
      taskDefinitionArn,
      desiredCount: service.desiredCount,
      runningCount: 0,
      pendingCount: 0,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      createdAt: this.now(),
      updatedAt: this.now()
    }
    service.deployments.unshift(deployment)
    return deployment
  }

  private tasksOf(service: string): Task[] {
    return [...this.tasks.values()].filter((task) => task.service === service)
  }

  private definition(arn: string): TaskDefinition {
    const definition = this.definitions.get(arn)
    if (!definition) throw new Error(`ClientException: Unable to describe task definition ${arn}`)
    return definition
  }

  /** Fargate Spot takes one running task of the service back; the scheduler replaces it */
  interrupt(serviceName: string): string {
    const task = this.tasksOf(serviceName).find((entry) => entry.lastStatus === 'RUNNING')
    if (!task) throw new Error(`no running task of ${serviceName} to interrupt`)
    this.stop(task, this.now(), 'Your Spot Task was interrupted.', 'SpotInterruption', 0)
    return task.arn
  }

  /** the instance is set to DRAINING: ECS stops the service tasks on it, and replaces them elsewhere */
  drainInstance(instanceId: string): string[] {
    this.ec2!.drain(instanceId)
    const drained = [...this.tasks.values()].filter(
      (task) => task.placed?.instanceId === instanceId && task.lastStatus !== 'STOPPED'
    )
    for (const task of drained) {
      this.stop(
        task,
        this.now(),
        'Task stopped during instance draining',
        'ServiceSchedulerInitiated',
        0
      )
    }
    return drained.map((task) => task.arn)
  }

  // ---------- for assertions ----------

  /** the service as ECS holds it now */
  service(name: string): { desiredCount: number; taskDefinitionArn: string; runningCount: number } {
    const view = this.describeServices([name])[0] as ServiceView
    return {
      desiredCount: view.desiredCount,
      taskDefinitionArn: view.taskDefinitionArn,
      runningCount: view.runningCount
    }
  }

  registeredRevisions(): string[] {
    return [...this.definitions.keys()]
  }
}

function taskId(arn: string): string {
  return arn.split('/').at(-1) ?? arn
}
