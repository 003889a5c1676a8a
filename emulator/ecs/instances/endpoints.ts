import type { EcsModel } from '../model.js'
import type { Task } from '../state.js'

/**
 * Where a load balancer reaches a task's container port: an `awsvpc` task at its own address and
 * the container port; a `bridge` or `host` task at its instance (the instance target the service
 * registers) and the host port the container port is bound to.
 */
export function targetOf(
  task: Task,
  containerName: string,
  containerPort: number
): { id: string; port: number } {
  const instance = task.containerInstance
  if (!instance || task.networkMode === 'awsvpc') return { id: task.ip, port: containerPort }
  const binding = task.bindings?.find(
    (b) => b.containerName === containerName && b.containerPort === containerPort
  )
  return { id: instance.ec2InstanceId, port: binding?.hostPort ?? containerPort }
}

/**
 * The task that listens at `id:port`, where `id` is a task's own address or an instance id
 * (then `port` is a host port); undefined when nothing is bound there.
 */
export function taskListeningAt(model: EcsModel, id: string, port: number): Task | undefined {
  const instance = model.instances.get(id)
  if (instance) {
    for (const task of instance.tasks.values()) {
      if (task.networkMode === 'awsvpc') continue
      if (task.bindings?.some((b) => b.hostPort === port && b.protocol === 'tcp')) return task
    }
    return undefined
  }
  const task = model.tasksByIp.get(id)
  return task?.ports.has(port) ? task : undefined
}

/** an awsvpc task (Fargate or EC2) has an address of its own; bridge and host tasks use their instance's */
export function answersOnOwnAddress(task: Task): boolean {
  return task.networkMode === undefined || task.networkMode === 'awsvpc'
}
