import { assignProvider, placeOnProvider, waitsForInstance } from './capacity/placement.js'
import { serviceProvider } from './capacity/strategy.js'
import { ecsArn, hex32, uuid } from './ids.js'
import { bindTask } from './instances/bind.js'
import { answersOnOwnAddress, targetOf } from './instances/endpoints.js'
import { placeServiceTask, runsOnInstances } from './placement/launch.js'
import type { EcsModel } from './model.js'
import type { StepNotes } from './step-notes.js'
import type { Deployment, Service, Task, TaskDefinitionRecord } from './state.js'

const KEEP_STOPPED_PER_SERVICE = 100

export interface StopCause {
  reason: string
  stopCode:
    | 'ServiceSchedulerInitiated'
    | 'TaskFailedToStart'
    | 'EssentialContainerExited'
    | 'TerminationNotice'
    | 'UserInitiated'
  /** a failure counts against the task's deployment (and its circuit breaker) */
  failed: boolean
  /** the essential container's exit code, when it exited by itself */
  exitCode?: number
}

/**
 * Starts a task of `deployment` at simulated time `simAt`: PROVISIONING, then PENDING, then
 * RUNNING; undefined when it runs on EC2 and no container instance can take it now.
 */
export function launchTask(
  model: EcsModel,
  service: Service,
  deployment: Deployment,
  simAt: number
): Task | undefined {
  const definition = model.taskDefinitionByArn(deployment.taskDefinitionArn)
  // a capacity provider's task is started anyway: it waits in PROVISIONING for room (see ./capacity/)
  const provider = serviceProvider(model, service)
  const direct = provider === undefined && runsOnInstances(deployment.launchType)
  // an EC2 task needs an instance with room for it; none now, the scheduler tries again next step
  const instance = direct ? placeServiceTask(model, service, definition, simAt) : undefined
  if (direct && !instance) return undefined
  const tags =
    service.extras.propagateTags === 'SERVICE'
      ? new Map(service.tags)
      : service.extras.propagateTags === 'TASK_DEFINITION'
        ? new Map(definition.tags)
        : new Map<string, string>()
  const task = newTask(model, service.cluster, definition, simAt, {
    service,
    deploymentId: deployment.id,
    launchType: deployment.launchType,
    network: service.networkConfiguration,
    tags
  })
  if (instance) bindTask(task, instance, definition)
  assignProvider(model, task, definition, provider)
  service.tasks.set(task.id, task)
  service.cluster.tasks.set(task.id, task)
  if (answersOnOwnAddress(task)) model.tasksByIp.set(task.ip, task)
  return task
}

/**
 * A new task of `definition`, PROVISIONING as of simulated time `simAt`, not yet in any list:
 * what a service's scheduler and RunTask start alike. `fields` are the task's own (its service
 * or group, how it was launched); the rest comes from the definition and the image's behaviour.
 */
export function newTask(
  model: EcsModel,
  cluster: Task['cluster'],
  definition: TaskDefinitionRecord,
  simAt: number,
  fields: Pick<Task, 'deploymentId' | 'launchType' | 'tags'> &
    Partial<Pick<Task, 'service' | 'group' | 'overrides' | 'oneOff'>> & { network: unknown }
): Task {
  const { network, ...own } = fields
  const containers = definition.body.containerDefinitions
  const essential = containers.find((container) => container.essential !== false) ?? containers[0]
  const image = essential?.image ?? ''
  const startMs = model.images.get(image).startSeconds * 1000
  const id = hex32()
  const awsvpc = (network as { awsvpcConfiguration?: { subnets?: string[] } } | undefined)
    ?.awsvpcConfiguration
  const ports = new Set<number>()
  for (const container of containers) {
    for (const mapping of container.portMappings ?? []) {
      if (typeof mapping.containerPort === 'number') ports.add(mapping.containerPort)
    }
  }
  const task: Task = {
    arn: ecsArn(cluster, `task/${cluster.name}/${id}`),
    id,
    cluster,
    ...own,
    taskDefinitionArn: definition.arn,
    image,
    ports,
    ip: model.nextIp(),
    subnetId: awsvpc?.subnets?.[0] ?? 'subnet-0a1b2c3d4e5f60001',
    availabilityZone: `${cluster.region}a`,
    eniId: `eni-${hex32().slice(0, 17)}`,
    attachmentId: uuid(),
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    containers: containers.map((container) => ({
      name: container.name,
      image: container.image,
      essential: container.essential !== false,
      containerArn: ecsArn(cluster, `container/${cluster.name}/${id}/${uuid()}`),
      runtimeId: `${id}-${hex32().slice(0, 10)}`,
      lastStatus: 'PENDING'
    })),
    targets: [],
    version: 1,
    createdAt: model.clock.wallAt(simAt),
    pendingDueSim: simAt + startMs / 3,
    runningDueSim: simAt + startMs
  }
  if (typeof definition.body.cpu === 'string') task.cpu = definition.body.cpu
  if (typeof definition.body.memory === 'string') task.memory = definition.body.memory
  return task
}

/** Moves a task along its lifecycle up to simulated time `simNow`. */
export function advanceTask(model: EcsModel, task: Task, simNow: number, notes: StepNotes): void {
  if (task.desiredStatus === 'RUNNING') {
    if (task.lastStatus === 'PROVISIONING' && simNow >= task.pendingDueSim) {
      // an EC2 capacity provider's task waits in PROVISIONING until an instance has room for it
      if (waitsForInstance(task)) {
        if (!placeOnProvider(model, task)) return
        // placed now: it pulls its image and starts from here
        const waited = simNow - task.pendingDueSim
        task.pendingDueSim += waited
        task.runningDueSim += waited
      }
      task.lastStatus = 'PENDING'
      task.pullStartedAt = model.clock.wallAt(task.pendingDueSim)
      task.version++
    }
    if (task.lastStatus === 'PENDING' && simNow >= task.runningDueSim) {
      const behavior = model.images.get(task.image)
      if (!task.oneOff && behavior.behavior === 'crash' && behavior.afterSeconds <= 0) {
        stopTask(model, task, task.runningDueSim, notes, {
          reason: 'Essential container in task exited',
          stopCode: 'TaskFailedToStart',
          failed: true,
          exitCode: behavior.exitCode
        })
        return
      }
      startRunning(model, task, task.runningDueSim, notes)
    }
    if (task.oneOff && task.lastStatus === 'RUNNING' && task.runningSim !== undefined) {
      // a one-off task runs its command to completion, whatever the image does as a service
      const { oneOff } = model.images.get(task.image)
      const exitAt = task.runningSim + oneOff.afterSeconds * 1000
      if (simNow >= exitAt) {
        stopTask(model, task, exitAt, notes, {
          reason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          failed: false,
          exitCode: oneOff.exitCode
        })
      }
    } else if (task.lastStatus === 'RUNNING' && task.runningSim !== undefined) {
      const behavior = model.images.get(task.image)
      const exitAt = task.runningSim + behavior.afterSeconds * 1000
      if (behavior.behavior === 'crash' && simNow >= exitAt) {
        stopTask(model, task, exitAt, notes, {
          reason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          failed: true,
          exitCode: behavior.exitCode
        })
      }
    }
  }
  if (task.lastStatus === 'DEACTIVATING') {
    const drained = task.targets.every(
      ({ targetGroupArn, id, port }) => model.lb.targetState(targetGroupArn, id, port) === undefined
    )
    // a Spot reclaim does not wait for the deregistration delay past its two-minute warning
    const reclaimAt = task.interruption?.reclaimAtSim
    if (drained) finishStop(model, task, simNow)
    else if (reclaimAt !== undefined && simNow >= reclaimAt) finishStop(model, task, reclaimAt)
  }
}

function startRunning(model: EcsModel, task: Task, simAt: number, notes: StepNotes): void {
  const at = model.clock.wallAt(simAt)
  task.lastStatus = 'RUNNING'
  task.runningSim = simAt
  task.pullStoppedAt = at
  task.startedAt = at
  task.version++
  for (const container of task.containers) container.lastStatus = 'RUNNING'
  for (const { targetGroupArn, containerName, containerPort } of task.loadBalancers ??
    task.service?.loadBalancers ??
    []) {
    const { id, port } = targetOf(task, containerName, containerPort)
    model.lb.register(targetGroupArn, id, port, simAt)
    task.targets.push({ targetGroupArn, id, port })
    notes.count(notes.registered, targetGroupArn)
  }
}

/**
 * Stops a task: a running one deregisters its targets and stays DEACTIVATING while they drain;
 * one that never ran is STOPPED at once.
 */
export function stopTask(
  model: EcsModel,
  task: Task,
  simAt: number,
  notes: StepNotes,
  cause: StopCause
): void {
  if (task.desiredStatus === 'STOPPED') return
  task.desiredStatus = 'STOPPED'
  task.stoppingAt = model.clock.wallAt(simAt)
  task.stoppedReason = cause.reason
  task.stopCode = cause.stopCode
  task.version++
  if (cause.failed) {
    const deployment = task.service?.deployments.find((d) => d.id === task.deploymentId)
    if (deployment) {
      deployment.failedTasks++
      deployment.updatedAt = task.stoppingAt
    }
  }
  if (cause.exitCode !== undefined) {
    // a one-off task's exit is its overridden container's
    const commanded = task.overrides?.containerOverrides.find((o) => Array.isArray(o.command))
    const essential =
      (task.oneOff && task.containers.find((container) => container.name === commanded?.name)) ||
      task.containers.find((container) => container.essential) ||
      task.containers[0]
    if (essential) {
      essential.lastStatus = 'STOPPED'
      essential.exitCode = cause.exitCode
      essential.reason = `Essential container exited with code ${cause.exitCode}`
    }
  }
  if (task.lastStatus === 'RUNNING' && task.targets.length > 0) {
    task.lastStatus = 'DEACTIVATING'
    notes.draining.push(task)
    for (const { targetGroupArn, id, port } of task.targets) {
      model.lb.deregister(targetGroupArn, id, port, simAt)
      notes.count(notes.deregistered, targetGroupArn)
    }
  } else {
    finishStop(model, task, simAt)
  }
}

function finishStop(model: EcsModel, task: Task, simAt: number): void {
  const wasRunning = task.runningSim !== undefined
  task.lastStatus = 'STOPPED'
  task.stoppedAt = model.clock.wallAt(simAt)
  task.version++
  // a container stopped by ECS exits cleanly; one a Spot reclaim stopped, as it took the SIGTERM
  const exitCode = task.interruption?.exitCode ?? task.exitOnStop ?? 0
  for (const container of task.containers) {
    if (container.lastStatus === 'RUNNING' && wasRunning) container.exitCode ??= exitCode
    container.lastStatus = 'STOPPED'
  }
  // the notice's code while the task drains; the reclaim's once it is gone, as ECS reports them
  if (task.interruption) task.stopCode = 'SpotInterruption'
  const { service, cluster } = task
  const live = service ? service.tasks : cluster.standalone
  const stopped = service ? service.stopped : cluster.standaloneStopped
  live.delete(task.id)
  stopped.push(task)
  if (stopped.length > KEEP_STOPPED_PER_SERVICE) {
    const forgotten = stopped.shift()
    if (forgotten) cluster.tasks.delete(forgotten.id)
  }
  if (model.tasksByIp.get(task.ip) === task) model.tasksByIp.delete(task.ip)
  // a stopped task gives its instance's CPU, memory and ports back
  task.containerInstance?.tasks.delete(task.id)
}
