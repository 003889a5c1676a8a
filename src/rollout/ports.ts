/**
 * What the rollout domain needs from the outside world. `src/aws/` implements these with the
 * AWS SDK; tests implement them in memory. Nothing here knows HTTP, the SDK or GitHub.
 */

// ---------- task definitions (the describe-task-definition shape, camelCase) ----------

export interface KeyValue {
  name: string
  value: string
}

export interface ContainerDefinition {
  name: string
  image?: string
  environment?: KeyValue[]
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[]
  essential?: boolean
  [field: string]: unknown
}

export interface TaskDefinition {
  family: string
  containerDefinitions: ContainerDefinition[]
  taskDefinitionArn?: string
  revision?: number
  [field: string]: unknown
}

export interface RegisteredRevision {
  arn: string
  family: string
  revision: number
}

// ---------- ECS ----------

export interface DeploymentView {
  id: string
  /** PRIMARY is the newest; ACTIVE ones are older deployments still draining */
  status: string
  taskDefinitionArn: string
  desiredCount: number
  runningCount: number
  pendingCount: number
  failedTasks: number
  /** IN_PROGRESS | COMPLETED | FAILED (absent on services without the ECS deployment controller) */
  rolloutState?: string
  rolloutStateReason?: string
  createdAt: number
  updatedAt: number
}

export interface ServiceView {
  name: string
  arn: string
  /** ACTIVE | DRAINING | INACTIVE */
  status: string
  desiredCount: number
  runningCount: number
  pendingCount: number
  taskDefinitionArn: string
  /** target groups the service registers its tasks in, with the container and port */
  loadBalancers: { targetGroupArn: string; containerName?: string; containerPort?: number }[]
  deployments: DeploymentView[]
  /** newest first, as ECS returns them */
  events: { at: number; message: string }[]
  /** how its tasks are placed, as DescribeServices returns it: what a one-off task runs with too */
  placement?: TaskPlacement
  /** deploymentConfiguration.strategy: ROLLING (or absent) for a side of a pair */
  strategy?: string
  /** REPLICA (or absent), or DAEMON: one task per container instance, no desired count to set */
  schedulingStrategy?: string
}

/** Where a task runs: a launch type or a capacity provider strategy, and its network. */
export interface TaskPlacement {
  launchType?: string
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[]
  platformVersion?: string
  /** the API's own shape: `{ awsvpcConfiguration: { subnets, securityGroups, assignPublicIp } }` */
  networkConfiguration?: Record<string, unknown>
}

/** A one-off task to run (RunTask): one task of a revision with a container's command replaced. */
export interface OneOffTask {
  cluster: string
  taskDefinitionArn: string
  container: string
  command: string[]
  placement: TaskPlacement
  /** recognisable in the console and in ListTasks (up to 128 letters, digits, `-`, `/`, `_`) */
  startedBy: string
  group?: string
}

/** A service name that DescribeServices did not find (reported in `failures`). */
export interface MissingService {
  name: string
  missing: true
  reason: string
}

export interface ContainerView {
  name: string
  image?: string
  lastStatus?: string
  exitCode?: number
  reason?: string
}

export interface TaskView {
  arn: string
  taskDefinitionArn: string
  /** PROVISIONING | PENDING | ACTIVATING | RUNNING | DEACTIVATING | STOPPING | DEPROVISIONING | STOPPED */
  lastStatus: string
  desiredStatus: string
  /** the private IPv4 address of the task's ENI (awsvpc), which is its target id in an ip target group */
  privateIp?: string
  /** EC2: the instance the task was placed on (its container instance's ec2InstanceId) */
  instanceId?: string
  /** EC2 bridge/host: the host ports Docker bound (Container.networkBindings); a target is instance:hostPort */
  hostPorts?: HostPort[]
  startedBy?: string
  stoppedReason?: string
  stopCode?: string
  containers: ContainerView[]
  createdAt?: number
  startedAt?: number
  stoppedAt?: number
}

/** One of a task's network bindings: the container's port, published on the host's port. */
export interface HostPort {
  containerName?: string
  containerPort: number
  hostPort: number
}

export interface EcsPort {
  describeServices(cluster: string, names: string[]): Promise<(ServiceView | MissingService)[]>
  describeTaskDefinition(taskDefinition: string): Promise<TaskDefinition>
  registerTaskDefinition(definition: TaskDefinition): Promise<RegisteredRevision>
  updateService(
    cluster: string,
    service: string,
    change: {
      taskDefinitionArn?: string
      desiredCount?: number
      /** TASK_DEFINITION | SERVICE | NONE: whose tags the service's new tasks get */
      propagateTags?: string
      enableEcsManagedTags?: boolean
    }
  ): Promise<void>
  /** task ARNs of a service with that desired status (ECS keeps STOPPED tasks for about an hour) */
  listTasks(
    cluster: string,
    service: string,
    desiredStatus: 'RUNNING' | 'STOPPED'
  ): Promise<string[]>
  describeTasks(cluster: string, taskArns: string[]): Promise<TaskView[]>
  /** RunTask of one task: its ARN, or an error with ECS's failure reason when it could not start */
  runTask(task: OneOffTask): Promise<string>
  /** StopTask */
  stopTask(cluster: string, taskArn: string, reason: string): Promise<void>
}

/** A family's revisions, for keep-revisions. */
export interface RevisionsPort {
  /** ARNs of the ACTIVE revisions listed for `family`, newest first (ECS's familyPrefix: filter) */
  listActiveRevisions(family: string): Promise<string[]>
  deregisterTaskDefinition(taskDefinitionArn: string): Promise<void>
}

// ---------- ELBv2 ----------

export interface WeightedTargetGroup {
  targetGroupArn: string
  weight: number
}

export interface Stickiness {
  enabled: boolean
  durationSeconds?: number
}

/** A forward action's config: the target groups with their weights, and stickiness. */
export interface Forward {
  targetGroups: WeightedTargetGroup[]
  stickiness?: Stickiness
}

/**
 * The listener's default actions, or a listener rule's actions. `forward` is the forward
 * action among them (null when there is none); `actionTypes` lists every action's type in
 * order, so a refusal can say what was found instead.
 */
export interface Route {
  arn: string
  kind: 'listener' | 'rule'
  /** for a rule, the listener it belongs to; for a listener, itself */
  listenerArn: string
  actionTypes: string[]
  forward: Forward | null
  /** the adapter's own copy of the raw actions, so a write keeps everything it does not change */
  raw?: unknown
}

export interface TargetView {
  id: string
  port?: number
  /** initial | healthy | unhealthy | unused | draining | unavailable */
  state: string
  reason?: string
  description?: string
}

export interface TargetGroupView {
  arn: string
  name: string
  port?: number
  protocol?: string
  loadBalancerArns: string[]
  /** deregistration_delay.timeout_seconds */
  deregistrationDelaySeconds: number
}

export interface ElbPort {
  readRoute(routeArn: string): Promise<Route>
  /**
   * Rewrites the route's forward action with these target groups, weights and stickiness,
   * keeping every other action (and every other field of the forward action) as read.
   */
  writeForward(route: Route, forward: Forward): Promise<void>
  describeTargetHealth(targetGroupArn: string): Promise<TargetView[]>
  describeTargetGroups(targetGroupArns: string[]): Promise<TargetGroupView[]>
}

/**
 * Tags of a listener or listener rule: where a rollout's state lives between runs, so that a
 * later run on any runner can see it. Kept apart from ElbPort because only the commands that
 * keep that state need it.
 */
export interface TagPort {
  readTags(arn: string): Promise<Record<string, string>>
  /** adds these tags, or overwrites their values; other tags are left as they are */
  writeTags(arn: string, tags: Record<string, string>): Promise<void>
  removeTags(arn: string, keys: string[]): Promise<void>
}

/** A rule of a listener with its tags. */
export interface TaggedRule {
  arn: string
  tags: Record<string, string>
}

/**
 * The lock of a route: a listener rule at a reserved priority that matches no real request. AWS
 * gives a priority to one rule of a listener only, so creating it is atomic even when the request
 * lands late: of two runs, the second CreateRule to land fails with PriorityInUse. Its tags, set
 * in the same call, say whose it is; deleting it by ARN succeeds for one caller only.
 */
export interface LockPort {
  /** `taken`: another rule of the listener has that priority */
  createLockRule(
    listenerArn: string,
    priority: number,
    tags: Record<string, string>
  ): Promise<{ kind: 'created'; rule: TaggedRule } | { kind: 'taken' }>
  /** the rule at that priority, with its tags; undefined when no rule has it */
  ruleAt(listenerArn: string, priority: number): Promise<TaggedRule | undefined>
  /** deletes exactly this rule; false when it was gone already (someone else deleted it first) */
  deleteLockRule(ruleArn: string): Promise<boolean>
  /**
   * The tags of the route and of the lock rule, read in one call, so that one read tells both
   * whether the run still holds the lock and what the record says; `lock` undefined when that
   * rule is gone.
   */
  readWithLock(
    routeArn: string,
    lockArn: string
  ): Promise<{ route: Record<string, string>; lock?: Record<string, string> }>
}

// ---------- Application Auto Scaling ----------

/** Which of a scalable target's scaling is suspended (its SuspendedState). */
export interface Suspended {
  dynamicIn: boolean
  dynamicOut: boolean
  scheduled: boolean
}

/** A service's scalable target (`ecs:service:DesiredCount`), as it was or is to be. */
export interface ScalableTarget {
  min: number
  max: number
  suspended: Suspended
}

/** A scaling policy of a service, kept whole so that it can be copied onto the other side. */
export interface ScalingPolicy {
  name: string
  /** TargetTrackingScaling | StepScaling */
  type: string
  /** the policy's configuration in the API's own shape (PascalCase), without ARNs or alarms */
  configuration: Record<string, unknown>
}

export interface ScalingPort {
  /** the scalable targets of these services, by service name; a service without one is left out */
  describeTargets(cluster: string, services: string[]): Promise<Record<string, ScalableTarget>>
  describePolicies(cluster: string, service: string): Promise<ScalingPolicy[]>
  /** RegisterScalableTarget: changes only what `change` names */
  registerTarget(cluster: string, service: string, change: Partial<ScalableTarget>): Promise<void>
  putPolicy(cluster: string, service: string, policy: ScalingPolicy): Promise<void>
}

// ---------- what users see: CloudWatch and test traffic ----------

/** One side's load balancer figures over a window, from AWS/ApplicationELB. */
export interface SideFigures {
  /** RequestCount: requests the load balancer sent to the side's targets */
  requests: number
  /** HTTPCode_Target_5XX_Count */
  errors5xx: number
  /** TargetResponseTime percentiles, in milliseconds; undefined when nothing was served */
  p95Ms?: number
  p99Ms?: number
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

export interface AlarmView {
  name: string
  state: AlarmState
  /** CloudWatch's StateReason, e.g. "Threshold Crossed: 1 datapoint [12.0] was greater than ..." */
  reason: string
}

export interface MetricsPort {
  /**
   * The figures of each target group behind one load balancer over [from, to), in one
   * GetMetricData call. `loadBalancer` and each target group are the CloudWatch dimension values
   * (`app/<name>/<id>`, `targetgroup/<name>/<id>`); the result is keyed by target group.
   */
  sideFigures(query: {
    loadBalancer: string
    targetGroups: string[]
    from: number
    to: number
  }): Promise<Record<string, SideFigures>>
  /** The named metric alarms, in one DescribeAlarms call; a name CloudWatch does not know is left out. */
  describeAlarms(names: string[]): Promise<AlarmView[]>
}

/** What one HTTP request to the test URL got back. */
export type ProbeAnswer =
  { ok: true; status: number; body: string; ms: number } | { ok: false; error: string; ms: number }

export interface HttpProbePort {
  /** One GET; never throws: a refused connection or a timeout is an answer too. */
  get(
    url: string,
    options: { headers: Record<string, string>; timeoutMs: number }
  ): Promise<ProbeAnswer>
}

// ---------- time and reporting ----------

export interface Clock {
  /** milliseconds since the epoch */
  now(): number
  /** resolves after ms, or early (without throwing) when the signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export interface SideHealth {
  healthy: number
  total: number
}

export interface TimelineEntry {
  at: number
  /** what happened, in the user's words: "idle side healthy", "shifted to 25%", "reverted" */
  event: string
  /** weight on the side that was live when the run started, and on the side being deployed */
  liveWeight: number
  idleWeight: number
  live: SideHealth
  idle: SideHealth
}

/** Where the engine tells what it is doing; main.ts maps it onto @actions/core logging. */
export interface RolloutObserver {
  /** starts a named phase (a log group); the previous one ends */
  phase(name: string): void
  info(line: string): void
  warn(line: string): void
  timeline(entry: TimelineEntry): void
}

// ---------- services that ECS deploys itself (strategy BLUE_GREEN, LINEAR or CANARY) ----------

/** One lifecycle hook of a service deployment (lifecycleHookDetails). */
export interface HookView {
  id: string
  /** AWS_LAMBDA | PAUSE */
  targetType: string
  targetArn?: string
  /** IN_PROGRESS | AWAITING_ACTION | SUCCEEDED | FAILED | TIMED_OUT */
  status: string
  expiresAt?: number
  /** what ECS does when the hook times out: CONTINUE | ROLLBACK */
  timeoutAction?: string
}

/** A service deployment, as DescribeServiceDeployments returns it. */
export interface ServiceDeploymentView {
  arn: string
  /** PENDING | IN_PROGRESS | SUCCESSFUL | STOP_REQUESTED | STOPPED | ROLLBACK_REQUESTED | ROLLBACK_IN_PROGRESS | ROLLBACK_SUCCESSFUL | ROLLBACK_FAILED */
  status: string
  statusReason?: string
  /** SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP, ... */
  stage?: string
  hooks: HookView[]
  /** set once ECS rolls it back: why */
  rollbackReason?: string
  /** alarms of the deployment that went into ALARM */
  triggeredAlarms: string[]
  createdAt: number
  finishedAt?: number
}

/** The parts of a service that ECS deploys itself which the action reads. */
export interface ManagedServiceView {
  name: string
  arn: string
  /** ROLLING | BLUE_GREEN | LINEAR | CANARY (ROLLING when ECS leaves it out) */
  strategy: string
  taskDefinitionArn: string
  /** the service's own target group and the one ECS shifts to (loadBalancers[].advancedConfiguration) */
  targetGroupArn?: string
  alternateTargetGroupArn?: string
  productionRuleArn?: string
  testRuleArn?: string
  /** the deployment ECS is running or ran last (currentServiceDeployment) */
  currentDeploymentArn?: string
}

/**
 * A service deployment that ECS runs: started by UpdateService, followed by
 * DescribeServiceDeployments, steered at its hooks. The weights are ECS's to write, never ours.
 */
export interface ServiceDeploymentPort {
  /** undefined: no such service */
  describeManagedService(cluster: string, service: string): Promise<ManagedServiceView | undefined>
  /** UpdateService to this revision: the ARN of the service deployment it started, when ECS says */
  startDeployment(
    cluster: string,
    service: string,
    taskDefinitionArn: string
  ): Promise<string | undefined>
  /** ListServiceDeployments created at or after `since`, newest first */
  listDeployments(cluster: string, service: string, since: number): Promise<string[]>
  /** undefined: ECS does not know it */
  describeDeployment(arn: string): Promise<ServiceDeploymentView | undefined>
  /** ContinueServiceDeployment at a hook that awaits an action */
  continueDeployment(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void>
  /** StopServiceDeployment ROLLBACK */
  rollBackDeployment(arn: string): Promise<void>
}
