import type { EcsModel } from '../ecs/model.js'
import type { ServiceUsage, UsageSource } from './ecs-metrics.js'

/** The services of the ECS model with their RUNNING tasks, for the AWS/ECS metrics. */
export function usageFromEcs(model: EcsModel): UsageSource {
  return () => {
    const usage: ServiceUsage[] = []
    for (const cluster of model.clusters.values()) {
      for (const service of cluster.services.values()) {
        const tasks = []
        for (const task of service.tasks.values()) {
          // a task told to stop is deregistering or draining: ECS counts RUNNING tasks only
          if (task.lastStatus !== 'RUNNING' || task.runningSim === undefined) continue
          tasks.push({
            ip: task.ip,
            runningSinceSim: task.runningSim,
            cost: model.images.get(task.image)
          })
        }
        if (tasks.length === 0) continue
        usage.push({
          region: cluster.region,
          clusterName: cluster.name,
          serviceName: service.name,
          tasks
        })
      }
    }
    return usage
  }
}
