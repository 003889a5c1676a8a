import { bindTask } from '../instances/bind.js'
import { answersOnOwnAddress } from '../instances/endpoints.js'
import { networkModeOf } from '../instances/resources.js'
import type { ContainerInstance } from '../instances/state.js'
import type { EcsModel } from '../model.js'
import type { Params } from '../params.js'
import { groupOf, place } from '../placement/place.js'
import { SERVICE_DEFAULT_STRATEGY } from '../placement/launch.js'
import type { Cluster, Task, TaskDefinitionRecord } from '../state.js'
import { FARGATE_PROVIDERS } from './book.js'
import type { CapacityProvider } from './state.js'

/**
 * A new task of a capacity provider strategy goes to `providerName`. A task of an Auto Scaling
 * group provider runs on one of the group's container instances, in its definition's network
 * mode: a bridge or host task has no address of its own (no ENI, no awsvpc attachment), so it
 * leaves the address book it was entered in. It is placed at once when an instance has room,
 * else it waits in PROVISIONING (see `placeOnProvider`).
 */
export function assignProvider(
  model: EcsModel,
  task: Task,
  definition: TaskDefinitionRecord,
  providerName: string | undefined
): void {
  if (providerName === undefined) return
  task.capacityProviderName = providerName
  if (!onGroupInstances(task)) return
  task.networkMode = networkModeOf(definition)
  if (!answersOnOwnAddress(task) && model.tasksByIp.get(task.ip) === task) {
    model.tasksByIp.delete(task.ip)
  }
  placeOnProvider(model, task)
}

/** the task belongs to an Auto Scaling group provider: it needs one of the group's instances */
export function onGroupInstances(task: Task): boolean {
  const name = task.capacityProviderName
  return name !== undefined && !FARGATE_PROVIDERS.includes(name)
}

/** it waits in PROVISIONING for room on an instance of its provider's group */
export function waitsForInstance(task: Task): boolean {
  return onGroupInstances(task) && !task.containerInstance && task.desiredStatus === 'RUNNING'
}

/**
 * Places a task of an Auto Scaling group provider on one of the group's instances in its cluster
 * by ECS's placement (the service's strategies and constraints, else the service default; CPU,
 * memory and host ports), and binds it there. False when no instance of the group has room: the
 * task stays in PROVISIONING, where managed scaling sees it, and is tried again as instances join
 * or free up (no placement failure event, as ECS posts none for a capacity provider's tasks).
 */
export function placeOnProvider(model: EcsModel, task: Task): boolean {
  const definition = model.taskDefinitionByArn(task.taskDefinitionArn)
  const service = task.service
  const strategies = service?.extras.placementStrategy as Params[] | undefined
  const result = place(model, task.cluster, definition, {
    group: groupOf(task),
    strategies:
      strategies && strategies.length > 0 ? strategies : service ? SERVICE_DEFAULT_STRATEGY : [],
    constraints: (service?.extras.placementConstraints as Params[] | undefined) ?? [],
    capacityProvider: task.capacityProviderName
  })
  if (!('instance' in result)) return false
  bindTask(task, result.instance, definition)
  if (answersOnOwnAddress(task)) model.tasksByIp.set(task.ip, task)
  return true
}

/** the container instances a provider's group registered in its cluster, not yet deregistered */
export function instancesOf(model: EcsModel, provider: CapacityProvider): ContainerInstance[] {
  return [...model.instances.values()].filter(
    (instance) =>
      instance.status !== 'INACTIVE' &&
      instance.capacityProviderName === provider.name &&
      instance.cluster.arn === provider.clusterArn
  )
}

/**
 * The cluster an instance of `groupArn` registers with, and the provider it registers under. In
 * AWS the cluster comes from the instance's user data (ECS_CLUSTER); the emulator has no user
 * data and takes the cluster the group's capacity provider is associated with. Undefined when no
 * associated provider owns the group: its instances join nothing (one whose user data named no
 * cluster would join `default`, which the emulator does not do).
 */
export function homeOfGroup(
  model: EcsModel,
  groupArn: string
): { cluster: Cluster; provider: CapacityProvider } | undefined {
  const provider = model.capacity.providerOfGroup(groupArn)
  const cluster =
    provider?.clusterArn === undefined ? undefined : model.clusters.get(provider.clusterArn)
  return provider && cluster ? { cluster, provider } : undefined
}
