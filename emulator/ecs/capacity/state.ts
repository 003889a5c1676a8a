/** Capacity providers: the Auto Scaling groups whose EC2 instances join a cluster, and how tasks go to them. */

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
