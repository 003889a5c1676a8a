import type {
  DeploymentView,
  EcsPort,
  ElbPort,
  ServiceView,
  TargetView,
  TaskView
} from './ports.js'
import type { Pair } from './state.js'
import { addressed } from './targets.js'

/** What one poll saw of the idle side (and, from the same DescribeServices call, the live one). */
export interface IdleSnapshot {
  at: number
  service: ServiceView
  live?: ServiceView
  /** the idle service's PRIMARY deployment */
  primary?: DeploymentView
  /** tasks of the new revision that ECS wants running (PENDING ones included) */
  tasks: TaskView[]
  targets: TargetView[]
  /** tasks of the new revision found stopped since watching began, for a reason of their own */
  stopped: TaskView[]
  /**
   * tasks of the new revision stopped by something else than the release (a scaling activity, a
   * Spot interruption): ECS replaces them, and they fail nothing
   */
  interrupted: TaskView[]
  /** ECS rolled the release's deployment back itself (circuit breaker or deployment alarms) */
  rollback?: EcsRollback
}

export interface EcsRollback {
  /** the revision ECS went back to */
  to: string
  /** ECS's words: the failed deployment's rolloutStateReason, or its "deployment failed" event */
  reason?: string
}

/** `(service web-green) (deployment ecs-svc/123) deployment failed: tasks failed to start.` */
const DEPLOYMENT_FAILED = /\(deployment (\S+)\) deployment failed: (.*)$/
/** ECS stamps events with its own clock; the runner's may be a little ahead. */
const CLOCK_SKEW_MS = 60_000

/** DescribeServices is read at least every this many polls, even while the targets stay put. */
const SERVICES_EVERY_POLLS = 3

/**
 * How much less often DescribeServices is read while the side stands still: a task that stops or
 * fails leaves its target group first, and the health read sees that every poll.
 */
const STEADY_SLOWER = 3

/** Which targets the group has and how each is: a change is worth a fresh look at ECS. */
function targetsKey(targets: TargetView[]): string {
  return targets
    .map((t) => `${t.id}:${t.port ?? ''}=${t.state}`)
    .sort()
    .join(',')
}

/** The services' task counts, per deployment: what moves when tasks start, stop or fail. */
function countsKey(views: Array<ServiceView | { name: string; missing: true }>): string {
  return views
    .map((view) =>
      'missing' in view
        ? `${view.name}:missing`
        : `${view.name}:${view.runningCount}/${view.pendingCount}:${view.deployments
            .map((d) => `${d.id}/${d.status}/${d.runningCount}/${d.pendingCount}/${d.failedTasks}`)
            .join(';')}`
    )
    .join('|')
}

/** DescribeTasks takes at most 100 ARNs. */
const DESCRIBE_BATCH = 100

/**
 * Reads the idle side's health at about one call per poll. The target group's health, which is
 * what decides a release, is read every poll. DescribeServices (both sides in one call) only when
 * the targets changed, and otherwise every third poll and no more often than `servicesEveryMs`
 * (three times that while the side stands still: its tasks all there and healthy, its counts as
 * they were): a task that stops or fails leaves the target group, so the health read sees it
 * first. ListTasks only when the services' task counts or the targets changed; DescribeTasks only
 * for tasks not seen before (a task's address never changes); the stopped tasks only when a task
 * went missing or the deployment counted a failure. Caches are updated only by a poll that
 * completed, so a failed read loses nothing.
 */
export class IdleWatcher {
  private readonly known = new Map<string, TaskView>()
  private listed = new Set<string>()
  /** listed once, gone since, not yet found among the stopped tasks */
  private missing = new Set<string>()
  private readonly stoppedSeen = new Set<string>()
  private readonly stopped = new Map<string, TaskView>()
  private readonly interrupted = new Map<string, TaskView>()
  private failedTasks = 0
  private deploymentId?: string
  private rollbackRead = false
  private readonly since: number
  /** the last complete snapshot, and what decides whether the next poll reads ECS again */
  private last?: IdleSnapshot
  private lastTargets = ''
  private lastCounts = ''
  private countsSteady = false
  private servicesAt = 0
  private pollsSinceServices = 0

  constructor(
    private readonly ecs: EcsPort,
    private readonly elb: ElbPort,
    private readonly pair: Pair,
    private readonly taskDefinitionArn: string,
    private readonly now: () => number,
    /** the least time between two DescribeServices while the targets stay as they were */
    private readonly servicesEveryMs = 0
  ) {
    this.since = now()
  }

  async read(): Promise<IdleSnapshot> {
    const { cluster, idle } = this.pair
    if (!this.last) {
      const [services, arns, targets] = await Promise.all([
        this.readServices(),
        this.ecs.listTasks(cluster, idle.service, 'RUNNING'),
        this.elb.describeTargetHealth(idle.targetGroupArn)
      ])
      return this.complete(services, arns, targets)
    }
    const last = this.last
    const targets = await this.elb.describeTargetHealth(idle.targetGroupArn)
    const targetsChanged = targetsKey(targets) !== this.lastTargets
    // a side whose tasks and targets all stand as they did: ECS's side of it is read half as often
    const steady =
      this.countsSteady &&
      last.tasks.length === last.service.desiredCount &&
      targets.every((target) => target.state === 'healthy')
    const servicesDue =
      this.pollsSinceServices >= SERVICES_EVERY_POLLS - 1 &&
      this.now() - this.servicesAt >= this.servicesEveryMs * (steady ? STEADY_SLOWER : 1)
    if (!targetsChanged && !servicesDue) {
      this.pollsSinceServices++
      return { ...last, at: this.now(), targets }
    }
    const services = await this.readServices()
    // a side still short of tasks may have new ones that no count shows yet (PROVISIONING)
    const short = last.tasks.length < last.service.desiredCount
    const arns =
      targetsChanged || short || countsKey(services) !== this.lastCounts
        ? await this.ecs.listTasks(cluster, idle.service, 'RUNNING')
        : [...this.listed]
    return this.complete(services, arns, targets)
  }

  private async readServices(): Promise<Array<ServiceView | { name: string; missing: true }>> {
    const { cluster, idle, live } = this.pair
    const at = this.now()
    const views = await this.ecs.describeServices(cluster, [idle.service, live.service])
    this.servicesAt = at
    return views
  }

  private async complete(
    views: Array<ServiceView | { name: string; missing: true }>,
    arns: string[],
    targets: TargetView[]
  ): Promise<IdleSnapshot> {
    const { idle, live } = this.pair
    const service = views.find(
      (view): view is ServiceView => view.name === idle.service && !('missing' in view)
    )
    if (!service) throw new Error(`DescribeServices did not return ${idle.service}`)
    const liveView = views.find(
      (view): view is ServiceView => view.name === live.service && !('missing' in view)
    )

    const fresh = await this.describe(arns.filter((arn) => !this.known.has(arn)))
    const tasks = arns
      .map((arn) => this.known.get(arn) ?? fresh.get(arn))
      .filter((task): task is TaskView => task?.taskDefinitionArn === this.taskDefinitionArn)

    const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY')
    // the release's deployment, PRIMARY or (once ECS rolled it back) draining
    const ours =
      primary?.taskDefinitionArn === this.taskDefinitionArn
        ? primary
        : service.deployments.find(
            (deployment) => deployment.taskDefinitionArn === this.taskDefinitionArn
          )
    const rollback = this.rollbackOf(service, primary, ours)
    const baseline = ours && ours.id === this.deploymentId ? this.failedTasks : 0
    const listedNow = new Set(tasks.map((task) => task.arn))
    const missing = new Set([
      ...this.missing,
      ...[...this.listed].filter((arn) => !listedNow.has(arn))
    ])
    const newlyStopped =
      missing.size > 0 ||
      (ours?.failedTasks ?? 0) > baseline ||
      (rollback !== undefined && !this.rollbackRead)
        ? await this.readStopped()
        : []

    // the poll completed: only now is it safe to remember what it saw
    for (const [arn, task] of fresh) if (addressed(task)) this.known.set(arn, task)
    for (const task of newlyStopped) {
      this.stoppedSeen.add(task.arn)
      missing.delete(task.arn)
      if (task.taskDefinitionArn !== this.taskDefinitionArn) continue
      if (interruption(task)) this.interrupted.set(task.arn, task)
      else this.stopped.set(task.arn, task)
    }
    this.listed = listedNow
    this.missing = missing
    if (ours) {
      this.deploymentId = ours.id
      this.failedTasks = ours.failedTasks
    }
    if (rollback) this.rollbackRead = true
    this.lastTargets = targetsKey(targets)
    this.countsSteady = countsKey(views) === this.lastCounts
    this.lastCounts = countsKey(views)
    this.pollsSinceServices = 0
    this.last = {
      at: this.now(),
      service,
      live: liveView,
      primary,
      tasks,
      targets,
      stopped: [...this.stopped.values()],
      interrupted: [...this.interrupted.values()],
      ...(rollback ? { rollback } : {})
    }
    return this.last
  }

  /**
   * Whether ECS rolled the release back itself: another revision is PRIMARY again and the
   * release's deployment failed, as the deployment says while it drains, or as the service's
   * events say once it is gone.
   */
  private rollbackOf(
    service: ServiceView,
    primary: DeploymentView | undefined,
    ours: DeploymentView | undefined
  ): EcsRollback | undefined {
    if (!primary || primary.taskDefinitionArn === this.taskDefinitionArn) return undefined
    const to = primary.taskDefinitionArn
    if (ours) {
      if (ours.rolloutState !== 'FAILED') return undefined
      return { to, ...(ours.rolloutStateReason ? { reason: ours.rolloutStateReason } : {}) }
    }
    const id = this.deploymentId
    for (const event of service.events) {
      if (event.at < this.since - CLOCK_SKEW_MS) break
      const failed = DEPLOYMENT_FAILED.exec(event.message)
      if (failed && (id === undefined || failed[1] === id)) return { to, reason: failed[2] }
    }
    return undefined
  }

  private async readStopped(): Promise<TaskView[]> {
    const arns = await this.ecs.listTasks(this.pair.cluster, this.pair.idle.service, 'STOPPED')
    const described = await this.describe(arns.filter((arn) => !this.stoppedSeen.has(arn)))
    return [...described.values()]
  }

  private async describe(arns: string[]): Promise<Map<string, TaskView>> {
    const found = new Map<string, TaskView>()
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      const tasks = await this.ecs.describeTasks(
        this.pair.cluster,
        arns.slice(i, i + DESCRIBE_BATCH)
      )
      for (const task of tasks) found.set(task.arn, task)
    }
    return found
  }
}

/** `Scaling activity initiated by (deployment ecs-svc/123)`: ECS stopping a task to scale in */
const SCALED_IN = /^Scaling activity initiated by/

/**
 * `Task stopped during instance draining`, as AWS words it: the container instance was set to
 * DRAINING (a scale-in of the cluster's Auto Scaling group, an AMI update) and ECS moves the
 * service's tasks elsewhere.
 */
const INSTANCE_DRAINING = /instance draining/i

/**
 * Why a task was stopped by something else than the release, if it was: ECS scaling the service
 * in, Spot taking the capacity back (TerminationNotice when the notice comes, SpotInterruption
 * once the task is gone), or its EC2 instance being drained. A task that exited, failed to start
 * or failed its health checks has another stop code or reason.
 */
export function interruption(task: TaskView): string | undefined {
  if (task.stopCode === 'SpotInterruption') return 'a Spot interruption'
  if (task.stopCode === 'TerminationNotice') return 'a Spot termination notice'
  if (SCALED_IN.test(task.stoppedReason ?? '')) return 'a scaling activity'
  if (INSTANCE_DRAINING.test(task.stoppedReason ?? '')) return 'its container instance draining'
  return undefined
}
