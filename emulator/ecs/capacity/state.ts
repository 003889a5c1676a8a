/** Capacity providers and the EC2 instances their Auto Scaling groups bring to a cluster. */

export interface ManagedScaling {
  status: 'ENABLED' | 'DISABLED'
  targetCapacity: number
  minimumScalingStepSize: number
  maximumScalingStepSize: number
  instanceWarmupPeriod: number
}

export interface CapacityProvider {
  name: string
  arn: string
  region: string
  accountId: string
  status: 'ACTIVE' | 'INACTIVE'
  updateStatus?: 'DELETE_COMPLETE'
  autoScalingGroupArn: string
  managedScaling: ManagedScaling
  managedTerminationProtection: 'ENABLED' | 'DISABLED'
  managedDraining: 'ENABLED' | 'DISABLED'
  tags: Map<string, string>
  /** the cluster it is associated with (a provider serves one cluster at most) */
  clusterArn?: string
}

export interface StrategyItem {
  capacityProvider: string
  weight: number
  base: number
}

/**
 * An EC2 instance of a provider's group, registered with the cluster. Interim: the container
 * instances of `emulator/ecs/instances/` replace this record once they land; until then it holds
 * only what placement and managed scaling read.
 */
export interface JoinedInstance {
  instanceId: string
  arn: string
  clusterArn: string
  providerName: string
  groupArn: string
  instanceType: string
  availabilityZone: string
  cpu: number
  memory: number
  usedCpu: number
  usedMemory: number
  /** ids of the tasks placed on it and not yet STOPPED */
  tasks: Set<string>
  registeredSim: number
}

/** What ECS sees of, and does to, an Auto Scaling group (EC2 Auto Scaling's side, wired by the world). */
export interface GroupControl {
  /** undefined when there is no such group */
  describe(arn: string):
    | {
        name: string
        desiredCapacity: number
        minSize: number
        maxSize: number
        /** instances InService */
        inService: number
        newInstancesProtectedFromScaleIn: boolean
        /** CPU units and memory an instance of the group offers */
        instanceCpu: number
        instanceMemory: number
      }
    | undefined
  setDesired(arn: string, desired: number, cause: string): void
  setProtection(arn: string, instanceId: string, protectedFromScaleIn: boolean): void
}
