/**
 * The instance types the simulation launches, with the CPU units and memory a container instance
 * of that type registers with ECS: 1024 units per vCPU, and the instance's memory less what the
 * OS and the ECS agent keep (a few percent; ECS reports the exact figure per AMI, the emulator uses
 * one round figure per type). A type outside this list is refused where it is named, so that a
 * test never runs on capacity the emulator made up.
 */
export interface InstanceSize {
  cpu: number
  memory: number
}

const SIZES: Record<string, InstanceSize> = {
  't3.micro': { cpu: 2048, memory: 943 },
  't3.small': { cpu: 2048, memory: 1939 },
  't3.medium': { cpu: 2048, memory: 3922 },
  't3.large': { cpu: 2048, memory: 7933 },
  'm5.large': { cpu: 2048, memory: 7680 },
  'm5.xlarge': { cpu: 4096, memory: 15576 },
  'm5.2xlarge': { cpu: 8192, memory: 31368 },
  'c5.large': { cpu: 2048, memory: 3693 },
  'c5.xlarge': { cpu: 4096, memory: 7479 },
  'r5.large': { cpu: 2048, memory: 15576 }
}

export function instanceSize(type: string): InstanceSize | undefined {
  return Object.hasOwn(SIZES, type) ? SIZES[type] : undefined
}

export const KNOWN_INSTANCE_TYPES = Object.keys(SIZES)
