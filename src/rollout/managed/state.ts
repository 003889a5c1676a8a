import type {
  HookView,
  RegisteredRevision,
  ServiceDeploymentView,
  TaskDefinition
} from '../ports.js'
import type { RolloutOutcome, StoppedTaskReport } from '../settings.js'

/**
 * A deploy of a service that ECS deploys itself, as plain data: ECS shifts the weights, the
 * action starts the service deployment, follows it, gates it and steers it at its hooks. Every
 * state can be entered again after a crash: its work reads what ECS says now first.
 */

/** The service as inspection found it: its rules and target groups come from ECS. */
export interface ManagedService {
  cluster: string
  name: string
  /** BLUE_GREEN | LINEAR | CANARY */
  strategy: string
  /** the revision it ran before this deploy */
  taskDefinitionArn: string
  productionRuleArn: string
  testRuleArn?: string
  /** the target group carrying production traffic before the deploy (the live side) */
  liveTargetGroupArn: string
  /** the one ECS shifts traffic to (the idle side) */
  idleTargetGroupArn: string
}

export interface ManagedRelease {
  taskDefinitionArn: string
  /** `family:revision` */
  label: string
  previousTaskDefinitionArn: string
}

interface Running {
  startedAt: number
  service: ManagedService
  release: ManagedRelease
}

interface Following extends Running {
  deploymentArn: string
}

export type ManagedState =
  | { phase: 'inspect'; startedAt: number }
  | { phase: 'render'; startedAt: number; service: ManagedService }
  | {
      phase: 'register'
      startedAt: number
      service: ManagedService
      rendered: TaskDefinition
      existing?: RegisteredRevision
    }
  /** UpdateService; entered again, it looks for the deployment an earlier attempt started */
  | ({ phase: 'start' } & Running)
  /** `tested`: the action's test traffic passed already */
  | ({ phase: 'follow'; tested?: boolean } & Following)
  /** promote: ContinueServiceDeployment CONTINUE at the paused hook */
  | ({ phase: 'continue' } & Following)
  /** asking ECS to roll back (at an awaiting hook, else StopServiceDeployment), and why */
  | ({ phase: 'roll-back'; reason: string } & Following)
  /** ECS rolls back because the action asked: followed to its end */
  | ({ phase: 'rolling-back'; reason: string } & Following)
  | { phase: 'done'; outcome: RolloutOutcome }

/** What the work of a state reported: the input of `decideManaged`. */
export type ManagedObserved =
  | { kind: 'inspected'; service: ManagedService }
  | { kind: 'rendered'; rendered: TaskDefinition; same: boolean; existing?: RegisteredRevision }
  | { kind: 'registered'; revision: RegisteredRevision }
  | { kind: 'started'; deploymentArn: string }
  | { kind: 'tested' }
  /** a status ECS will not leave (SUCCESSFUL, ROLLBACK_*, STOPPED), with the stopped tasks */
  | { kind: 'finished'; deployment: ServiceDeploymentView; stoppedTasks: StoppedTaskReport[] }
  /** a PAUSE hook awaits ContinueServiceDeployment */
  | { kind: 'awaiting'; deployment: ServiceDeploymentView; hook: HookView }
  | { kind: 'continued' }
  /** the rollback was asked for; `at`: how */
  | { kind: 'rollback-requested'; how: string }
  /** one of the action's gates failed, or the run was cancelled or timed out */
  | { kind: 'gate-failed'; reason: string }
  /** the work failed; `changed`: the deployment may have started */
  | { kind: 'failed'; reason: string; changed: boolean }

/** Statuses ECS does not move on from. */
export const FINAL_STATUSES = [
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED'
] as const

export function isFinal(status: string): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status)
}
