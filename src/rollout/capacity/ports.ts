/**
 * What the rollout reads of an EC2 cluster's capacity: the room its container instances have
 * left, and whether a capacity provider adds instances by itself. Kept apart from EcsPort
 * because Fargate services never need it.
 */

/** An ACTIVE container instance and what it has left (DescribeContainerInstances' remainingResources). */
export interface InstanceRoom {
  instanceId: string
  /** CPU units left */
  cpu: number
  /** MiB of memory left */
  memory: number
}

export interface CapacityProviderView {
  name: string
  /** its Auto Scaling group's managed scaling is ENABLED: ECS adds instances for tasks that wait */
  managedScaling: boolean
}

export interface CapacityPort {
  /** the cluster's ACTIVE container instances (ListContainerInstances, DescribeContainerInstances) */
  activeInstances(cluster: string): Promise<InstanceRoom[]>
  /** DescribeCapacityProviders of these names; one ECS does not know is left out */
  describeCapacityProviders(names: string[]): Promise<CapacityProviderView[]>
}
