/** What ECS keeps of a service's deployments and revisions. Times are wall-clock ms unless `...Sim`. */

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const
export type Strategy = (typeof STRATEGIES)[number]

/** the strategies whose deployments ECS runs through lifecycle stages, shifting listener weights */
export const MANAGED_STRATEGIES: readonly string[] = ['BLUE_GREEN', 'LINEAR', 'CANARY']

export const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
] as const

export type Stage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP'

export type DeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED'

export type HookStatus = 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT'

/** one lifecycle hook as configured, defaults filled in */
export interface HookConfig {
  targetType: 'AWS_LAMBDA' | 'PAUSE'
  hookTargetArn?: string
  roleArn?: string
  lifecycleStages: string[]
  timeoutInMinutes: number
  timeoutAction: 'CONTINUE' | 'ROLLBACK'
}

/** one run of a hook at one stage */
export interface HookRun {
  hookId: string
  stage: Stage
  targetType: 'AWS_LAMBDA' | 'PAUSE'
  targetArn?: string
  status: HookStatus
  startedSim: number
  expiresSim: number
  timeoutAction: 'CONTINUE' | 'ROLLBACK'
  /** what ContinueServiceDeployment or the timeout decided */
  decision?: 'CONTINUE' | 'ROLLBACK'
}

export interface ServiceRevision {
  arn: string
  serviceArn: string
  clusterArn: string
  taskDefinitionArn: string
  launchType: string
  loadBalancers: unknown[]
  networkConfiguration?: unknown
  createdAt: number
}

export interface RevisionSide {
  revisionArn: string
  /** the ECS deployment (`ecs-svc/...`) whose tasks are this side's */
  deploymentId: string
  taskDefinitionArn: string
  targetGroupArn: string
}

export interface ServiceDeploymentRecord {
  arn: string
  clusterArn: string
  serviceArn: string
  status: DeploymentStatus
  statusReason?: string
  stage: Stage
  createdAt: number
  startedAt: number
  updatedAt: number
  finishedAt?: number
  stoppedAt?: number
  /** the deployment configuration as it was when the deployment started */
  configuration: Record<string, unknown>
  strategy: string
  /** the blue side; absent for a service's first deployment */
  source?: RevisionSide
  target: RevisionSide
  productionRule?: string
  testRule?: string
  /** percent of production and test traffic on the target (green) side now */
  productionWeight: number
  testWeight: number
  /** production weights still to write, in order */
  schedule: number[]
  /** progress through the current stage */
  stageSinceSim: number
  workDone: boolean
  hooksStarted: boolean
  afterDone: boolean
  /** when the last production step was written, for the step bake */
  shiftedSim?: number
  hooks: HookRun[]
  rollback?: { reason: string; startedAt: number; serviceRevisionArn?: string }
  triggeredAlarms: string[]
  circuitBreakerTriggered: boolean
  /** the green tasks that failed so far, as the circuit breaker counts them */
  failureCount: number
}

export interface ManagedService {
  deployments: ServiceDeploymentRecord[]
  revisions: Map<string, ServiceRevision>
}
