import type { TaskDefinitionRecord } from '../state.js'
import { RESERVED_PORTS, type ContainerInstance } from './state.js'

/** What a task reserves on its container instance. */
export interface Reservation {
  cpu: number
  memory: number
  /** fixed host ports by protocol */
  tcp: number[]
  udp: number[]
}

/**
 * A task definition's reservation as the EC2 scheduler counts it: the task-level cpu and memory
 * when set, else the containers' sums (memoryReservation, the soft limit, before memory); the
 * fixed host ports of bridge and host mode (awsvpc tasks get their own address, so no host port).
 */
export function reservationOf(definition: TaskDefinitionRecord): Reservation {
  const body = definition.body
  const containers = body.containerDefinitions
  const sum = (pick: (c: Record<string, unknown>) => unknown): number =>
    containers.reduce((total, c) => total + (Number(pick(c)) || 0), 0)
  const cpu = body.cpu !== undefined ? Number(body.cpu) : sum((c) => c.cpu)
  const memory =
    body.memory !== undefined ? Number(body.memory) : sum((c) => c.memoryReservation ?? c.memory)
  const tcp: number[] = []
  const udp: number[] = []
  if (networkModeOf(definition) !== 'awsvpc') {
    for (const container of containers) {
      for (const mapping of (container.portMappings ?? []) as Record<string, unknown>[]) {
        const host = Number(mapping.hostPort ?? 0)
        if (host > 0) (mapping.protocol === 'udp' ? udp : tcp).push(host)
      }
    }
  }
  return { cpu, memory, tcp, udp }
}

/** bridge when the definition names none, as ECS defaults for Linux */
export function networkModeOf(definition: TaskDefinitionRecord): string {
  return typeof definition.body.networkMode === 'string' ? definition.body.networkMode : 'bridge'
}

/** What is left of an instance once the tasks on it are counted. */
export function remaining(instance: ContainerInstance): {
  cpu: number
  memory: number
  tcp: Set<number>
  udp: Set<number>
} {
  let cpu = instance.cpu
  let memory = instance.memory
  const tcp = new Set(RESERVED_PORTS)
  const udp = new Set<number>()
  for (const task of instance.tasks.values()) {
    cpu -= task.reservation?.cpu ?? 0
    memory -= task.reservation?.memory ?? 0
    for (const binding of task.bindings ?? []) {
      ;(binding.protocol === 'udp' ? udp : tcp).add(binding.hostPort)
    }
  }
  return { cpu, memory, tcp, udp }
}
