/** What the ECS model holds. Times are wall-clock milliseconds unless named `...Sim`. */
import type { ManagedService } from './managed/state.js'

import type { Reservation } from './instances/resources.js'
import type { ContainerInstance, NetworkBinding } from './instances/state.js'

/** tag key -> value, in the order the keys were first added */
export type Tags = Map<string, string>

export interface ContainerDefinition {
  name: string
  image: string
  essential?: boolean
  portMappings?: { containerPort?: number }[]
  [field: string]: unknown
}

export interface TaskDefinitionRecord {
  arn: string
  family: string
  revision: number
  /** the registered fields, with the defaults ECS fills in */
  body: Record<string, unknown> & { containerDefinitions: ContainerDefinition[] }
  status: 'ACTIVE' | 'INACTIVE'
  registeredAt: number
  registeredBy: string
  deregisteredAt?: number
  tags: Tags
}

export interface Cluster {
  arn: string
  name: string
  region: string
  accountId: string
  tags: Tags
  settings: { name: string; value: string }[]
  /** by service name; a name's newest service (an INACTIVE one stays until the name is reused) */
  services: Map<string, Service>
  /** every task ECS still reports, by task id: live ones and the last STOPPED ones */
  tasks: Map<string, Task>
  /** tasks RunTask started (no service), not yet STOPPED, by task id */
  standalone: Map<string, Task>
  /** the last STOPPED ones of them, oldest first */
  standaloneStopped: Task[]
  /** PutClusterCapacityProviders: names of the providers associated with it, and its default strategy */
  capacityProviders?: string[]
  defaultCapacityProviderStrategy?: { capacityProvider: string; weight: number; base: number }[]
}

export interface LoadBalancerRef {
  targetGroupArn: string
  containerName: string
  containerPort: number
  /** an ECS-managed blue/green deployment's alternate target group and listener rules */
  advancedConfiguration?: AdvancedConfiguration
}

export interface AdvancedConfiguration {
  alternateTargetGroupArn: string
  productionListenerRule: string
  testListenerRule?: string
  roleArn: string
}

export interface CircuitBreaker {
  enable: boolean
  rollback: boolean
}

export interface DeploymentConfiguration {
  maximumPercent: number
  minimumHealthyPercent: number
  deploymentCircuitBreaker: CircuitBreaker
  [field: string]: unknown
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED'

export interface Deployment {
  id: string
  status: 'PRIMARY' | 'ACTIVE'
  taskDefinitionArn: string
  failedTasks: number
  rolloutState: RolloutState
  rolloutStateReason: string
  createdAt: number
  updatedAt: number
  launchType: string
  networkConfiguration?: unknown
  /** its circuit breaker tripped with nothing to roll back to: it launches no more tasks */
  halted: boolean
}

export interface ServiceEvent {
  id: string
  createdAt: number
  message: string
}

export interface Service {
  arn: string
  name: string
  cluster: Cluster
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE'
  desiredCount: number
  launchType: string
  networkConfiguration?: unknown
  deploymentConfiguration: DeploymentConfiguration
  loadBalancers: LoadBalancerRef[]
  healthCheckGracePeriodSeconds?: number
  /** fields kept as given and returned as they are */
  extras: Record<string, unknown>
  tags: Tags
  createdAt: number
  createdBy: string
  /** the PRIMARY first */
  deployments: Deployment[]
  /** newest first, at most 100 */
  events: ServiceEvent[]
  /** tasks not yet STOPPED, by task id */
  tasks: Map<string, Task>
  /** the last STOPPED tasks, oldest first */
  stopped: Task[]
  /** a steady-state event has been posted since the last change */
  steady: boolean
  /** what a circuit-breaker rollback goes back to */
  lastCompletedTaskDefinition?: string
  /** service deployments and revisions (every service has them; BLUE_GREEN, LINEAR, CANARY run them) */
  managed?: ManagedService
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPED'

export interface TaskContainer {
  name: string
  image: string
  essential: boolean
  containerArn: string
  runtimeId: string
  lastStatus: string
  exitCode?: number
  reason?: string
  cpu?: string
  memory?: string
}

export interface Task {
  arn: string
  id: string
  cluster: Cluster
  /** undefined: a standalone task (RunTask) */
  service?: Service
  /** the service's deployment ID, or RunTask's startedBy ('' when it gave none) */
  deploymentId: string
  /** RunTask's group (default `family:<family>`); a service's tasks are `service:<name>` */
  group?: string
  /** RunTask's overrides, returned as given */
  overrides?: { containerOverrides: Record<string, unknown>[]; [field: string]: unknown }
  /** started by RunTask with a command override: it runs to completion (ImageBehavior.oneOff) */
  oneOff?: boolean
  /** what its running containers exit with once stopped (StopTask: 143, as after SIGTERM) */
  exitOnStop?: number
  taskDefinitionArn: string
  /** the essential container's image: its behaviour is the task's */
  image: string
  /** container ports the task listens on */
  ports: Set<number>
  ip: string
  subnetId: string
  availabilityZone: string
  eniId: string
  attachmentId: string
  launchType: string
  cpu?: string
  memory?: string
  lastStatus: TaskStatus
  desiredStatus: 'RUNNING' | 'STOPPED'
  containers: TaskContainer[]
  /** the targets it registered when it started running: its ip, or its instance's id (instance target groups) */
  targets: { targetGroupArn: string; id: string; port: number }[]
  /** EC2 launch type: the instance it was placed on, what it holds there, its host port bindings */
  containerInstance?: ContainerInstance
  reservation?: Reservation
  networkMode?: string
  bindings?: NetworkBinding[]
  /** where it registers once RUNNING, when not the service's load balancers (a blue/green deployment's green tasks) */
  loadBalancers?: LoadBalancerRef[]
  version: number
  tags: Tags
  createdAt: number
  pullStartedAt?: number
  pullStoppedAt?: number
  startedAt?: number
  stoppingAt?: number
  stoppedAt?: number
  stoppedReason?: string
  stopCode?: string
  /** simulated times of its lifecycle */
  pendingDueSim: number
  runningDueSim: number
  runningSim?: number
  /** when the scheduler first saw one of its targets unhealthy */
  unhealthySinceSim?: number
  /** the capacity provider it was launched by (its instance, for an Auto Scaling group's: containerInstance) */
  capacityProviderName?: string
  /** a Fargate Spot reclaim noticed it: gone by `reclaimAtSim`, its containers exiting with `exitCode` */
  interruption?: { reclaimAtSim: number; exitCode: number }
}
