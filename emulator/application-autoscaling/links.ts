import type { EcsBackend } from '../ecs/backend.js'

/** An ECS service as Application Auto Scaling sees it: what it scales and what feeds its metrics. */
export interface ScalableService {
  arn: string
  clusterName: string
  name: string
  desiredCount: number
  /** the target groups the service registers its tasks in */
  targetGroupArns: string[]
}

/**
 * What Application Auto Scaling asks of ECS: a service by cluster and name (undefined unless
 * ACTIVE), and setting its desired count as UpdateService would.
 */
export interface EcsScaling {
  service(
    region: string,
    accountId: string,
    cluster: string,
    name: string
  ): ScalableService | undefined
  setDesiredCount(serviceArn: string, count: number, event: string): boolean
}

/** reads the ECS model (it never writes it) and changes a count only through the backend's hook */
export function ecsScaling(ecs: EcsBackend): EcsScaling {
  return {
    service(region, accountId, cluster, name) {
      const clusterArn = `arn:aws:ecs:${region}:${accountId}:cluster/${cluster}`
      const found = ecs.model.clusters.get(clusterArn)?.services.get(name)
      if (!found || found.status !== 'ACTIVE') return undefined
      return {
        arn: found.arn,
        clusterName: cluster,
        name,
        desiredCount: found.desiredCount,
        targetGroupArns: [...new Set(found.loadBalancers.map((lb) => lb.targetGroupArn))]
      }
    },
    setDesiredCount: (serviceArn, count, event) => ecs.setDesiredCount(serviceArn, count, event)
  }
}
