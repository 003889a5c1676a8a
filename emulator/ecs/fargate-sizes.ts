import { clientError } from './params.js'

/**
 * The task sizes Fargate offers (ECS developer guide, "Task CPU and memory"): for each CPU value,
 * the memory values in MiB it can run with.
 */
const SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192)
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = []
  for (let v = from; v <= to; v += step) values.push(v)
  return values
}

/** CPU units from "256", "1024", "1 vCPU", ".25 vCPU" (as RegisterTaskDefinition accepts them). */
function cpuUnits(value: string): number {
  const vcpu = /^\s*(\d*\.?\d+)\s*vcpu\s*$/i.exec(value)
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : Number(value)
}

/** MiB from "512", "2048", "2 GB", "2GB". */
function memoryMiB(value: string): number {
  const gb = /^\s*(\d*\.?\d+)\s*gb\s*$/i.exec(value)
  return gb ? Math.round(Number(gb[1]) * 1024) : Number(value)
}

/** Refuses a task-level CPU and memory pair that Fargate does not offer, as ECS does. */
export function checkFargateSize(cpu: unknown, memory: unknown): void {
  const units = cpuUnits(String(cpu))
  const mib = memoryMiB(String(memory))
  if (!SIZES[units]?.includes(mib)) {
    throw clientError(
      `No Fargate configuration exists for given values: ${String(cpu)} CPU, ${String(memory)} memory. See the Amazon ECS documentation for the valid values.`
    )
  }
}
