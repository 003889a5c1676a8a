/**
 * Where the group's instances go once they have booted: in AWS an instance's ECS agent registers
 * it with the cluster its user data names. The world wires this to ECS; the Auto Scaling model
 * knows nothing of ECS.
 */
export interface LaunchedInstance {
  instanceId: string
  instanceType: string
  availabilityZone: string
  /** CPU units and MiB of memory it offers to tasks */
  cpu: number
  memory: number
  groupName: string
  groupArn: string
  region: string
}

export interface InstanceSink {
  /** the instance finished booting (InService) at simulated time `simAt` */
  launched(instance: LaunchedInstance, simAt: number): void
  /** the instance is being terminated at simulated time `simAt` (it was launched before) */
  terminated(instanceId: string, groupArn: string, simAt: number): void
}

/** no ECS to join: the instances boot and stay unused */
export const NO_SINK: InstanceSink = { launched: () => {}, terminated: () => {} }
