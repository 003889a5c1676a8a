import type { EcsModel } from '../ecs/model.js'
import type { Task } from '../ecs/state.js'
import type { ClusterUsage } from './ecs-cluster-metrics.js'
import {
  endpointKey,
  type RunningTask,
  type ServiceUsage,
  type UsageSource
} from './ecs-metrics.js'

/**
 * The services of the ECS model with their RUNNING tasks, and its clusters with the capacity
 * their EC2 container instances registered, for the AWS/ECS metrics.
 */
export function usageFromEcs(model: EcsModel): UsageSource {
  const running = (task: Task): RunningTask | undefined =>
    // a task told to stop is deregistering or draining: ECS counts RUNNING tasks only
    task.lastStatus !== 'RUNNING' || task.runningSim === undefined
      ? undefined
      : {
          // a bridge or host task is reached at its instance's id and host port, not at task.ip;
          // once each, though it may be a target of two groups (requests are keyed by id:port)
          endpoints: [...new Set(task.targets.map(({ id, port }) => endpointKey(id, port)))],
          runningSinceSim: task.runningSim,
          cost: model.images.get(task.image)
        }
  return () => {
    const services: ServiceUsage[] = []
    const clusters: ClusterUsage[] = []
    for (const cluster of model.clusters.values()) {
      for (const service of cluster.services.values()) {
        const tasks = [...service.tasks.values()].flatMap((task) => running(task) ?? [])
        if (tasks.length === 0) continue
        services.push({
          region: cluster.region,
          clusterName: cluster.name,
          serviceName: service.name,
          tasks
        })
      }
      const instances = [...model.instances.values()].filter(
        (i) => i.cluster === cluster && (i.status === 'ACTIVE' || i.status === 'DRAINING')
      )
      if (instances.length === 0) continue
      clusters.push({
        region: cluster.region,
        clusterName: cluster.name,
        registeredCpu: instances.reduce((n, i) => n + i.cpu, 0),
        registeredMemory: instances.reduce((n, i) => n + i.memory, 0),
        tasks: instances.flatMap((instance) =>
          [...instance.tasks.values()].flatMap((task) => {
            const figures = running(task)
            return figures
              ? [
                  {
                    ...figures,
                    reservedCpu: task.reservation?.cpu ?? 0,
                    reservedMemory: task.reservation?.memory ?? 0
                  }
                ]
              : []
          })
        )
      })
    }
    return { services, clusters }
  }
}
