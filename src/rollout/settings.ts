import type { HookView, TaskDefinition, KeyValue } from './ports.js'
import type { ContainerImage, SecretRef } from '../taskdef/render.js'
import type { Evidence } from './watch/evidence.js'
import type { WatchSettings } from './watch/settings.js'

export type Command =
  | 'deploy'
  | 'promote'
  | 'abort'
  | 'rollback'
  | 'status'
  | 'preview'
  | 'preview-destroy'
  | 'preview-gc'
  | 'tidy'

/** One item of `traffic-steps`: a weight (1-100) for the new side, or a pause. */
export type TrafficStep = { kind: 'weight'; percent: number } | { kind: 'pause' }

/** What to render into the new revision. */
export interface ReleaseSpec {
  /** the task definition read from the `task-definition` file; undefined: the live revision */
  taskDefinition?: TaskDefinition
  /** where that file was, for messages */
  taskDefinitionPath?: string
  /** the container whose image is replaced; undefined: the only container */
  container?: string
  image: string
  /** `environment` entries, set (added or replaced) on that container */
  environment: KeyValue[]
  /**
   * `task-definition` naming an existing revision (its ARN or `family:revision`): the base that
   * is rendered, or, with no render input, the revision deployed as it is (nothing registered)
   */
  taskDefinitionRevision?: string
  /** `images`: several containers' images */
  images?: ContainerImage[]
  /** `secrets`, set on the chosen container */
  secrets?: SecretRef[]
  /** `container-command`: the chosen container's command */
  command?: string[]
  /** `docker-labels`, set on the chosen container */
  dockerLabels?: KeyValue[]
  /** `log-configuration-log-driver` and `log-configuration-options` of the chosen container */
  logDriver?: string
  logOptions?: KeyValue[]
  taskRoleArn?: string
  executionRoleArn?: string
}

/** Where pull request previews live and what they run; set for the preview commands only. */
export interface PreviewSettings {
  /** the service a preview is cloned from; undefined: the live service of the pair */
  baseService?: string
  /** the listener that gets one rule per preview */
  listenerArn: string
  /** host pattern with `{number}` for the PR number, lowercase, e.g. `pr-{number}.preview.example.com` */
  host?: string
  /** path prefix pattern with `{number}`, e.g. `/pr-{number}`: no trailing slash, no wildcards */
  path?: string
  /** tasks each preview runs */
  taskCount: number
  /** the rule priorities previews may take, inclusive */
  priorities: { min: number; max: number }
  /** the pull request, when given as an input; undefined: the PR of the event */
  prNumber?: number
}

/** The one-off task run on the new revision before traffic moves (`migration-command`). */
export interface MigrationSettings {
  /** the command, as the container override's `command` */
  command: string[]
  /** `migration-container`; undefined: the release's container (`container`), else the only one */
  container?: string
}

/** Every input, parsed and validated. Nothing downstream re-reads raw inputs. */
export interface Settings {
  command: Command
  cluster: string
  /** the two services of the pair, as given */
  services: [string, string]
  /** ARN of the listener or of the listener rule that forwards to the pair */
  routeArn: string
  routeKind: 'listener' | 'rule'
  release: ReleaseSpec
  steps: TrafficStep[]
  stepWaitMs: number
  timeoutMs: number
  /** null: `never` (keep the old side warm); undefined: the target groups' deregistration delay */
  scaleDownDelayMs: number | null | undefined
  pollIntervalMs: number
  dryRun: boolean
  githubToken: string
  /** set for preview, preview-destroy and preview-gc */
  preview?: PreviewSettings
  /** no heartbeat for this long and a rollout counts as interrupted; undefined: DEFAULT_STALE_AFTER_MS */
  staleAfterMs?: number
  /** what a deploy does with an interrupted rollout it finds; undefined: 'revert' */
  onInterrupted?: 'revert' | 'resume'
  /** the listener rule priority of the route's lock; undefined: one from 49001-50000 picked by the route */
  lockPriority?: number
  /** promote: all remaining traffic to the new side in one step, instead of the remaining steps */
  straightTo100?: boolean
  /** deploy and promote: ACTIVE revisions of the family kept after a promotion; undefined: all */
  keepRevisions?: number
  /** deploy and promote: alarms, metric analysis and test traffic; undefined: none of them */
  watch?: WatchSettings
  /**
   * `desired-count`: the new side's task count; undefined: the live side's. Read by promote too,
   * so that a resumed rollout keeps following the live side by growth only (see scaling/follow.ts)
   */
  desiredCount?: number
  /** `propagate-tags` and `enable-ecs-managed-tags`, set on the idle service as it is brought up */
  propagateTags?: 'TASK_DEFINITION' | 'SERVICE' | 'NONE'
  enableEcsManagedTags?: boolean
  /** deploy: a one-off task before the first shift; undefined: none */
  migration?: MigrationSettings
  /**
   * `services` named one service, which ECS deploys itself (strategy BLUE_GREEN, LINEAR or
   * CANARY, checked against AWS): `services` holds it twice and `routeArn` is the `listener`
   * given, or '' (the service's production rule is used). `stepsGiven`: `traffic-steps` was set
   */
  managed?: { service: string; stepsGiven: boolean }
}

/** `stale-after`'s default: several missed heartbeats (one every 30s at most) */
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000

export type RolloutResultKind =
  'promoted' | 'reverted' | 'paused' | 'planned' | 'aborted' | 'rolled-back' | 'unchanged'

export interface StoppedTaskReport {
  taskArn: string
  stoppedReason?: string
  stopCode?: string
  containers: { name: string; exitCode?: number; reason?: string }[]
}

/** How the one-off task went, for the log, the summary and the reason. */
export interface MigrationReport {
  container: string
  command: string[]
  taskArn?: string
  /** the container's exit code, when it ran and ECS reports one */
  exitCode?: number
  stoppedReason?: string
  stopCode?: string
  /** the CloudWatch Logs console, when the container logs with awslogs */
  logsUrl?: string
  /** `succeeded`: exit 0; `failed`: anything else, including never starting or being stopped */
  result: 'succeeded' | 'failed'
  /** RUNNING to STOPPED, when both are known */
  ranMs?: number
}

export interface RolloutOutcome {
  result: RolloutResultKind
  /** why it reverted (or other non-success); absent on success */
  reason?: string
  taskDefinitionArn?: string
  previousTaskDefinitionArn?: string
  /** after the run: the service carrying the traffic, and the other one */
  liveService?: string
  idleService?: string
  liveTargetGroupArn?: string
  idleTargetGroupArn?: string
  image?: string
  stoppedTasks: StoppedTaskReport[]
  /** recent ECS service events of the deployed side, when a failure makes them useful */
  serviceEvents: string[]
  /** the plan, in words, one line a step */
  plan: string[]
  /** a unified-style diff of the live revision against the rendered one (dry run) */
  taskDefinitionDiff?: string
  /** when the old side is (or was) scaled down, in words */
  scaleDown?: string
  /** when the old side is (or was) due to be scaled to 0 (epoch ms) */
  scaleDownAt?: number
  /** when this run scaled the old side to 0 (epoch ms); absent with scaleDownAt: left to a later run */
  scaledDownAt?: number
  /** what keep-revisions deregistered (or could not), in words */
  revisions?: string
  /** what the run did to Application Auto Scaling (suspended, restored, handed over), in words */
  autoScaling?: string
  /**
   * new tasks stopped by something else than the release (a scaling activity, a Spot
   * interruption), which ECS replaced and which failed nothing, in words
   */
  interruptedTasks?: string[]
  /** the figures the alarm, metric and test-traffic verdicts were based on */
  evidence?: Evidence
  /** the one-off task run before traffic moved (settings.migration) */
  migration?: MigrationReport
  /** a service that ECS deployed itself: its service deployment as last seen */
  serviceDeployment?: ServiceDeploymentReport
}

/** What a run saw of the service deployment ECS ran (Settings.managed). */
export interface ServiceDeploymentReport {
  arn: string
  status: string
  stage?: string
  /** each hook with its state, e.g. "PAUSE at POST_TEST_TRAFFIC_SHIFT: AWAITING_ACTION" */
  hooks: HookView[]
  /** the hook the deployment waits at (result `paused`) */
  pausedHook?: HookView
  /** alarms of the deployment that went into ALARM */
  triggeredAlarms: string[]
}
