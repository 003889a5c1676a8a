/**
 * AWS/ECS figures of a cluster (dimension ClusterName only), as the developer guide defines them
 * for tasks hosted on EC2 instances; only EC2 instances in ACTIVE or DRAINING status count:
 *
 *     CPUReservation    = CPU units reserved by the cluster's RUNNING tasks / CPU units registered
 *     MemoryReservation = MiB reserved by them / MiB registered
 *     CPUUtilization    = CPU units in use by them / CPU units registered
 *     MemoryUtilization = MiB in use by them / MiB registered
 *
 * all in percent. A task's use is its reservation times its figure of the minute (its image's
 * baseline plus its requests, see ./ecs-metrics.ts), so a task at 50 % of its 512 units uses 256.
 * A cluster without RUNNING tasks on its instances publishes nothing, as ECS does not; Fargate
 * tasks register no instance and are not counted.
 */
import type { RunningTask } from './ecs-metrics.js'

export interface ClusterUsage {
  region: string
  clusterName: string
  /** CPU units and MiB registered by its ACTIVE and DRAINING container instances */
  registeredCpu: number
  registeredMemory: number
  /** its RUNNING tasks on those instances, with what each reserves there */
  tasks: (RunningTask & { reservedCpu: number; reservedMemory: number })[]
}

/** the cluster's four figures of the minute ending at `end`; none when nothing ran on its instances */
export function clusterDatapoints(
  cluster: ClusterUsage,
  end: number,
  rateOf: (task: RunningTask) => number
): { metricName: string; percent: number }[] {
  const tasks = cluster.tasks.filter((task) => task.runningSinceSim < end)
  if (tasks.length === 0 || cluster.registeredCpu <= 0 || cluster.registeredMemory <= 0) return []
  let reservedCpu = 0
  let reservedMemory = 0
  let usedCpu = 0
  let usedMemory = 0
  for (const task of tasks) {
    const rate = rateOf(task)
    const { cost } = task
    reservedCpu += task.reservedCpu
    reservedMemory += task.reservedMemory
    usedCpu +=
      (task.reservedCpu * Math.min(100, cost.cpuBaseline + rate * cost.cpuPerRequest)) / 100
    usedMemory +=
      (task.reservedMemory * Math.min(100, cost.memoryBaseline + rate * cost.memoryPerRequest)) /
      100
  }
  const percent = (part: number, whole: number): number => (part / whole) * 100
  return [
    { metricName: 'CPUReservation', percent: percent(reservedCpu, cluster.registeredCpu) },
    { metricName: 'MemoryReservation', percent: percent(reservedMemory, cluster.registeredMemory) },
    { metricName: 'CPUUtilization', percent: percent(usedCpu, cluster.registeredCpu) },
    { metricName: 'MemoryUtilization', percent: percent(usedMemory, cluster.registeredMemory) }
  ]
}
