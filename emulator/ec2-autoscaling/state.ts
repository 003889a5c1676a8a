/** What the EC2 Auto Scaling model holds. Times are simulated milliseconds unless named `...At` (wall). */

export type LifecycleState = 'Pending' | 'InService' | 'Terminating'

export interface GroupInstance {
  instanceId: string
  instanceType: string
  availabilityZone: string
  lifecycleState: LifecycleState
  protectedFromScaleIn: boolean
  /** simulated time it was launched, and when its boot ends (then it is InService) */
  launchedSim: number
  inServiceDueSim: number
}

export interface GroupTag {
  key: string
  value: string
  propagateAtLaunch: boolean
}

/** where the group's instances come from, reduced to what the simulation uses: an instance type */
export type LaunchSource =
  | { kind: 'configuration'; name: string }
  | { kind: 'template'; id?: string; name?: string; version?: string }

export interface ScalingActivity {
  activityId: string
  groupName: string
  description: string
  cause: string
  startAt: number
  endAt?: number
  statusCode: 'InProgress' | 'Successful' | 'Cancelled'
  progress: number
}

export interface AutoScalingGroup {
  name: string
  arn: string
  region: string
  accountId: string
  minSize: number
  maxSize: number
  desiredCapacity: number
  launch: LaunchSource
  /** the instance type every instance gets (from the launch configuration or template) */
  instanceType: string
  availabilityZones: string[]
  vpcZoneIdentifier: string
  defaultCooldown: number
  healthCheckGracePeriod: number
  newInstancesProtectedFromScaleIn: boolean
  tags: GroupTag[]
  createdAt: number
  instances: Map<string, GroupInstance>
  /** what last changed the desired capacity, as the next activity's cause begins */
  desiredCause?: string
  /** newest first, at most 100 kept */
  activities: ScalingActivity[]
}

export interface LaunchConfiguration {
  name: string
  arn: string
  region: string
  imageId: string
  instanceType: string
  createdAt: number
}
