import type { Task, TaskDefinitionRecord } from '../state.js'
import { networkModeOf, remaining, reservationOf } from './resources.js'
import {
  EPHEMERAL_FIRST,
  EPHEMERAL_LAST,
  type ContainerInstance,
  type NetworkBinding
} from './state.js'

/**
 * Puts a new task on `instance`: it holds the definition's CPU and memory there, and in bridge
 * mode each port mapping without a host port gets a free one from the ephemeral range (Docker's
 * dynamic port); host mode binds the container port itself; awsvpc binds nothing on the host.
 * Placement has already checked that the fixed ports are free.
 */
export function bindTask(
  task: Task,
  instance: ContainerInstance,
  definition: TaskDefinitionRecord
): void {
  const mode = networkModeOf(definition)
  task.containerInstance = instance
  task.networkMode = mode
  task.reservation = reservationOf(definition)
  task.availabilityZone = instance.availabilityZone
  task.bindings = []
  if (mode !== 'awsvpc') {
    const used = remaining(instance)
    for (const container of definition.body.containerDefinitions) {
      for (const mapping of (container.portMappings ?? []) as Record<string, unknown>[]) {
        const containerPort = Number(mapping.containerPort)
        if (!Number.isInteger(containerPort) || containerPort <= 0) continue
        const protocol = mapping.protocol === 'udp' ? 'udp' : 'tcp'
        const taken = protocol === 'udp' ? used.udp : used.tcp
        const fixed = mode === 'host' ? containerPort : Number(mapping.hostPort ?? 0)
        const hostPort = fixed > 0 ? fixed : nextFree(instance, taken)
        taken.add(hostPort)
        const binding: NetworkBinding = {
          containerName: container.name,
          bindIP: '0.0.0.0',
          containerPort,
          hostPort,
          protocol,
          dynamic: fixed <= 0
        }
        task.bindings.push(binding)
      }
    }
  }
  instance.tasks.set(task.id, task)
  instance.version++
}

function nextFree(instance: ContainerInstance, taken: Set<number>): number {
  const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
  for (let i = 0; i < span; i++) {
    const port = EPHEMERAL_FIRST + ((instance.nextEphemeral - EPHEMERAL_FIRST + i) % span)
    if (!taken.has(port)) {
      instance.nextEphemeral = port + 1 > EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1
      return port
    }
  }
  throw new Error(`no free ephemeral port on ${instance.ec2InstanceId}`)
}
