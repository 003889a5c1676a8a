/**
 * AWS/ECS `CPUUtilization` and `MemoryUtilization` of services, as ECS publishes them: once a
 * minute, unit Percent, dimensions `ClusterName` and `ServiceName`, and only for a service that
 * has RUNNING tasks (one without publishes nothing, so a query of it finds no datapoint).
 *
 * The model is simple and deterministic, so that a test can predict its figures. A task's rate
 * `r` in a minute is the requests the load balancers routed to it in that minute divided by the
 * seconds of that minute it was RUNNING (a task that started late in the minute does not look
 * idle). With its image's figures (`PUT /_emulator/images`, defaults in ../images.ts):
 *
 *     cpu    = min(100, cpuBaseline    + r × cpuPerRequest)      defaults 5 % and 0.5 %
 *     memory = min(100, memoryBaseline + r × memoryPerRequest)   defaults 20 % and 0.1 %
 *
 * Every RUNNING task adds its figure as one value of the service's datapoint for that minute,
 * timestamped at the minute's start: Average is the mean over the tasks (ECS divides the CPU
 * units used by the units reserved, which is the mean for tasks of one size), Minimum and
 * Maximum the least and the most loaded task, SampleCount the number of tasks, percentiles work.
 * Minutes are whole minutes of simulated time; one is published at the first simulation step at
 * or after its end, with the tasks RUNNING at that step (steps are a second apart).
 *
 * A task's requests are counted by the targets it registered (`id:port`): its own address for
 * an awsvpc task, its instance's id and host port for a bridge or host task.
 *
 * The ClusterName-only figures of clusters with EC2 container instances are ./ecs-cluster-metrics.ts.
 */
import type { ServedRequest } from '../dataplane/served.js'
import { clusterDatapoints, type ClusterUsage } from './ecs-cluster-metrics.js'
import type { MetricName, MetricStore } from './metric-store.js'

export const ECS_NAMESPACE = 'AWS/ECS'
const MINUTE_MS = 60_000
/** CloudWatch keeps one-minute datapoints far longer, but the store holds three hours */
const MAX_MINUTES_BEHIND = 3 * 60

/** What serving costs a task of an image, in percent of the task's CPU and memory. */
export interface TaskCost {
  cpuBaseline: number
  cpuPerRequest: number
  memoryBaseline: number
  memoryPerRequest: number
}

export interface RunningTask {
  /** where its load balancer targets send requests: `id:port` of each target it registered */
  endpoints: string[]
  /** simulated time it became RUNNING */
  runningSinceSim: number
  cost: TaskCost
}

export interface ServiceUsage {
  region: string
  clusterName: string
  serviceName: string
  /** its RUNNING tasks */
  tasks: RunningTask[]
}

/** every service that has RUNNING tasks, and every cluster with EC2 capacity, at the moment of the call */
export type UsageSource = () => { services: ServiceUsage[]; clusters: ClusterUsage[] }

/** how a served request's target is keyed: the target's id and port, as a task's endpoints are */
export function endpointKey(id: string, port: number | undefined): string {
  return `${id}:${port ?? ''}`
}

export class EcsMetrics {
  /** minute -> target `id:port` -> requests routed to it in that minute */
  private readonly served = new Map<number, Map<string, number>>()
  /** the first minute not yet published; undefined until the first step */
  private nextMinute: number | undefined

  constructor(
    private readonly store: MetricStore,
    private readonly usage: UsageSource
  ) {}

  /** counts a request a task answered (a target that refused the connection did no work) */
  countServed(served: ServedRequest): void {
    if (served.answeredBy !== 'target' || served.targetId === undefined) return
    const minute = Math.floor(served.simAt / MINUTE_MS)
    if (this.nextMinute !== undefined && minute < this.nextMinute) return
    let byTask = this.served.get(minute)
    if (!byTask) {
      byTask = new Map()
      this.served.set(minute, byTask)
    }
    const key = endpointKey(served.targetId, served.targetPort)
    byTask.set(key, (byTask.get(key) ?? 0) + 1)
  }

  /** publishes every minute that ended by simulated time `simNow` */
  advance(simNow: number): void {
    const ended = Math.floor(simNow / MINUTE_MS)
    // the minute in progress when the world started was not watched from its start: skip it
    const from = Math.max(this.nextMinute ?? ended, ended - MAX_MINUTES_BEHIND)
    if (from < ended) {
      const usage = this.usage()
      for (let minute = from; minute < ended; minute++) this.publish(minute, usage)
    }
    this.nextMinute = ended
    for (const minute of this.served.keys()) if (minute < ended) this.served.delete(minute)
  }

  reset(): void {
    this.served.clear()
    this.nextMinute = undefined
  }

  private publish(minute: number, usage: ReturnType<UsageSource>): void {
    const start = minute * MINUTE_MS
    const end = start + MINUTE_MS
    const requests = this.served.get(minute)
    /** requests a second the task served in this minute, over the seconds of it that it ran */
    const rateOf = (task: RunningTask): number => {
      const seconds = Math.max(1, (end - Math.max(start, task.runningSinceSim)) / 1000)
      const count = task.endpoints.reduce((n, key) => n + (requests?.get(key) ?? 0), 0)
      return count / seconds
    }
    for (const service of usage.services) {
      const dimensions = [
        { Name: 'ClusterName', Value: service.clusterName },
        { Name: 'ServiceName', Value: service.serviceName }
      ]
      const name = (metricName: string): MetricName => ({
        region: service.region,
        namespace: ECS_NAMESPACE,
        metricName,
        dimensions
      })
      for (const task of service.tasks) {
        if (task.runningSinceSim >= end) continue
        const rate = rateOf(task)
        const { cost } = task
        this.put(name('CPUUtilization'), start, cost.cpuBaseline + rate * cost.cpuPerRequest)
        this.put(
          name('MemoryUtilization'),
          start,
          cost.memoryBaseline + rate * cost.memoryPerRequest
        )
      }
    }
    for (const cluster of usage.clusters) {
      const dimensions = [{ Name: 'ClusterName', Value: cluster.clusterName }]
      for (const { metricName, percent } of clusterDatapoints(cluster, end, rateOf)) {
        this.put(
          { region: cluster.region, namespace: ECS_NAMESPACE, metricName, dimensions },
          start,
          percent
        )
      }
    }
  }

  private put(name: MetricName, simAt: number, percent: number): void {
    const value = Math.min(100, percent)
    this.store.put(name, {
      simAt,
      unit: 'Percent',
      value,
      count: 1,
      sum: value,
      min: value,
      max: value
    })
  }
}
