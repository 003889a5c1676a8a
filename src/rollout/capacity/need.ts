import type { TaskDefinition } from '../ports.js'

/** What one task of a revision reserves on a container instance. */
export interface TaskNeed {
  cpu: number
  memory: number
}

const number = (value: unknown): number => {
  const parsed = typeof value === 'number' ? value : Number.parseInt(String(value ?? ''), 10)
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0
}

/**
 * The CPU units and MiB one task reserves, as ECS places it: the task-level size when the
 * definition has one, else the sum of its containers' (a container's memoryReservation, else its
 * hard memory limit). Task-level sizes may be written with units (`1 vCPU`, `2 GB`).
 */
export function taskNeed(definition: TaskDefinition): TaskNeed {
  const containers = definition.containerDefinitions
  const cpu =
    sized(definition.cpu, 1024, /vcpu/i) ||
    containers.reduce((sum, container) => sum + number(container.cpu), 0)
  const memory =
    sized(definition.memory, 1024, /gb/i) ||
    containers.reduce(
      (sum, container) => sum + (number(container.memoryReservation) || number(container.memory)),
      0
    )
  return { cpu, memory }
}

/** `512`, or `0.5 vCPU` / `1 GB` in the larger unit */
function sized(value: unknown, unit: number, larger: RegExp): number {
  if (typeof value === 'string' && larger.test(value)) {
    const amount = Number.parseFloat(value)
    return Number.isFinite(amount) && amount > 0 ? Math.round(amount * unit) : 0
  }
  return number(value)
}
