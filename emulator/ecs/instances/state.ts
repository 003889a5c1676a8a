import type { Cluster, Task } from '../state.js'

/** An EC2 instance whose ECS agent registered it in a cluster (RegisterContainerInstance). */
export interface ContainerInstance {
  arn: string
  /** the last part of the ARN (32 hex), as ECS names a container instance */
  id: string
  ec2InstanceId: string
  cluster: Cluster
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE'
  agentConnected: boolean
  /** CPU units and MiB the agent registered */
  cpu: number
  memory: number
  instanceType: string
  availabilityZone: string
  /** the capacity provider whose Auto Scaling group launched it, if one did */
  capacityProviderName?: string
  /** the instance's private address: what `host` and `bridge` tasks answer on */
  ip: string
  registeredAt: number
  version: number
  /** where Docker looks for the next dynamic host port, so that a freed port is not reused at once */
  nextEphemeral: number
  /** tasks placed on it and not yet STOPPED, by task id: they hold its resources */
  tasks: Map<string, Task>
}

/** ports the ECS agent and Docker keep for themselves on every instance, as ECS reports them */
export const RESERVED_PORTS = [22, 2375, 2376, 51678, 51679]
/** Linux's ephemeral range, where Docker picks a dynamic host port (hostPort 0) */
export const EPHEMERAL_FIRST = 32768
export const EPHEMERAL_LAST = 60999

/** what a container's port mapping binds on its instance */
export interface NetworkBinding {
  containerName: string
  bindIP: string
  containerPort: number
  hostPort: number
  protocol: string
  /** Docker picked it from the ephemeral range (not reported among the instance's PORTS) */
  dynamic: boolean
}
