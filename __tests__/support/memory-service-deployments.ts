import type {
  EcsPort,
  ElbPort,
  HookView,
  ManagedServiceView,
  RegisteredRevision,
  Route,
  ServiceDeploymentPort,
  ServiceDeploymentView,
  TaskDefinition,
  TaskView
} from '../../src/rollout/ports.js'
import type { FakeClock } from './fake-clock.js'

const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012'
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
export const RULE = `${ELB}:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0123456789abcdef`
export const BLUE_TG = `${ELB}:targetgroup/web-blue/0123456789abcdef`
export const GREEN_TG = `${ELB}:targetgroup/web-green/0123456789abcdef`

/** How ECS moves through a deployment's stages, and how long each takes. */
const STAGES = [
  'SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP'
] as const
type Stage = (typeof STAGES)[number]
const STAGE_MS = 10_000

export interface ManagedConfig {
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY' | 'ROLLING'
  /** LINEAR: percent per step; CANARY: the canary's percent */
  stepPercent?: number
  stepBakeMs?: number
  bakeMs: number
  /** hooks: PAUSE or Lambda (which succeeds), at a stage */
  hooks: { stage: Stage; type: 'PAUSE' | 'AWS_LAMBDA'; timeoutMs?: number }[]
}

interface Deployment {
  arn: string
  createdAt: number
  taskDefinitionArn: string
  previous: string
  status: string
  stage: Stage
  stageAt: number
  /** production weight on the new side, as ECS last wrote it */
  weight: number
  hooks: (HookView & { stage: Stage })[]
  rollbackReason?: string
  triggeredAlarms: string[]
  finishedAt?: number
  /** the time ECS rolls it back on its own, as a test set it */
  failAt?: { stage: Stage; reason: string; alarms: string[] }
}

/**
 * One service that ECS deploys itself, in memory, on the fake clock: UpdateService starts a
 * service deployment that walks the stages as ECS does, shifts the production rule's weights
 * (all at once, linearly or canary), waits at PAUSE hooks until ContinueServiceDeployment,
 * and rolls back when asked or when a test makes it fail (an alarm, the circuit breaker).
 */
export class MemoryServiceDeployments implements ServiceDeploymentPort {
  readonly calls: string[] = []
  readonly deployments: Deployment[] = []
  private revisions = new Map<string, TaskDefinition>()
  private serviceRevision: string
  /** the target group carrying production traffic, as ECS leaves it after each deployment */
  private liveTg = BLUE_TG
  private nextFailure?: Deployment['failAt']
  readonly stopped: TaskView[] = []

  constructor(
    private readonly clock: FakeClock,
    readonly config: ManagedConfig,
    readonly service = 'web'
  ) {
    this.serviceRevision = `${ACCOUNT}:task-definition/web:1`
    this.revisions.set(this.serviceRevision, {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'web:1', essential: true }],
      taskDefinitionArn: this.serviceRevision,
      revision: 1
    })
  }

  /** The next deployment is rolled back by ECS when it reaches `stage`. */
  failNextAt(stage: Stage, reason: string, alarms: string[] = []): void {
    this.nextFailure = { stage, reason, alarms }
  }

  /** the weights ECS applied to the production rule now: [live TG %, other TG %] */
  route(): Route {
    this.catchUp()
    const current = this.deployments.at(-1)
    const moving = current && !isOver(current) ? current.weight : 0
    const other = this.liveTg === BLUE_TG ? GREEN_TG : BLUE_TG
    return {
      arn: RULE,
      kind: 'rule',
      listenerArn: '',
      actionTypes: ['forward'],
      forward: {
        targetGroups: [
          { targetGroupArn: this.liveTg, weight: 100 - moving },
          { targetGroupArn: other, weight: moving }
        ]
      }
    }
  }

  describeManagedService(
    _cluster: string,
    service: string
  ): Promise<ManagedServiceView | undefined> {
    this.catchUp()
    this.calls.push('DescribeServices')
    if (service !== this.service) return Promise.resolve(undefined)
    return Promise.resolve({
      name: service,
      arn: `${ACCOUNT}:service/prod/${service}`,
      strategy: this.config.strategy,
      taskDefinitionArn: this.serviceRevision,
      targetGroupArn: BLUE_TG,
      alternateTargetGroupArn: GREEN_TG,
      productionRuleArn: RULE,
      ...(this.deployments.length > 0 ? { currentDeploymentArn: this.deployments.at(-1)?.arn } : {})
    })
  }

  startDeployment(_cluster: string, _service: string, taskDefinitionArn: string): Promise<string> {
    this.catchUp()
    this.calls.push('UpdateService')
    const now = this.clock.now()
    const arn = `${ACCOUNT}:service-deployment/prod/web/${this.deployments.length + 1}`
    const deployment: Deployment = {
      arn,
      createdAt: now,
      taskDefinitionArn,
      previous: this.serviceRevision,
      status: 'IN_PROGRESS',
      stage: 'SCALE_UP',
      stageAt: now,
      weight: 0,
      hooks: [],
      triggeredAlarms: [],
      ...(this.nextFailure ? { failAt: this.nextFailure } : {})
    }
    this.nextFailure = undefined
    this.serviceRevision = taskDefinitionArn
    this.deployments.push(deployment)
    this.enter(deployment, now)
    return Promise.resolve(arn)
  }

  listDeployments(_cluster: string, _service: string, since: number): Promise<string[]> {
    this.catchUp()
    this.calls.push('ListServiceDeployments')
    return Promise.resolve(
      this.deployments
        .filter((d) => d.createdAt >= since)
        .map((d) => d.arn)
        .reverse()
    )
  }

  describeDeployment(arn: string): Promise<ServiceDeploymentView | undefined> {
    this.catchUp()
    this.calls.push('DescribeServiceDeployments')
    const found = this.deployments.find((d) => d.arn === arn)
    if (!found) return Promise.resolve(undefined)
    return Promise.resolve({
      arn: found.arn,
      status: found.status,
      stage: found.stage,
      hooks: found.hooks.map(({ stage: _stage, ...hook }) => ({ ...hook })),
      ...(found.rollbackReason ? { rollbackReason: found.rollbackReason } : {}),
      triggeredAlarms: [...found.triggeredAlarms],
      createdAt: found.createdAt,
      ...(found.finishedAt ? { finishedAt: found.finishedAt } : {})
    })
  }

  continueDeployment(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void> {
    this.catchUp()
    this.calls.push(`ContinueServiceDeployment ${action}`)
    const found = this.deployments.find((d) => d.arn === arn)
    const hook = found?.hooks.find((h) => h.id === hookId)
    if (!found || !hook || hook.status !== 'AWAITING_ACTION') {
      return Promise.reject(
        Object.assign(new Error('The hook is not awaiting an action'), {
          name: 'InvalidParameterException'
        })
      )
    }
    hook.status = 'SUCCEEDED'
    if (action === 'ROLLBACK') this.rollBack(found, 'rolled back at a lifecycle hook')
    else found.stageAt = this.clock.now()
    return Promise.resolve()
  }

  rollBackDeployment(arn: string): Promise<void> {
    this.catchUp()
    this.calls.push('StopServiceDeployment ROLLBACK')
    const found = this.deployments.find((d) => d.arn === arn)
    if (!found || found.status !== 'IN_PROGRESS') {
      return Promise.reject(
        Object.assign(new Error('The deployment cannot be stopped'), { name: 'ConflictException' })
      )
    }
    this.rollBack(found, 'Service deployment rolled back by StopServiceDeployment')
    return Promise.resolve()
  }

  /** The ECS and ELB calls the engine makes besides the deployment ones. */
  ports(): { ecs: EcsPort; elb: ElbPort } {
    const no = (what: string) => () => Promise.reject(new Error(`not in this fake: ${what}`))
    return {
      ecs: {
        describeServices: no('describeServices'),
        describeTaskDefinition: (arn) => {
          const found = this.revisions.get(arn)
          return found
            ? Promise.resolve(structuredClone(found))
            : Promise.reject(new Error(`no ${arn}`))
        },
        registerTaskDefinition: (definition) => {
          this.calls.push('RegisterTaskDefinition')
          const revision = this.revisions.size + 1
          const arn = `${ACCOUNT}:task-definition/${definition.family}:${revision}`
          this.revisions.set(arn, { ...definition, taskDefinitionArn: arn, revision })
          return Promise.resolve<RegisteredRevision>({ arn, family: definition.family, revision })
        },
        updateService: no('updateService'),
        listTasks: () => Promise.resolve(this.stopped.map((task) => task.arn)),
        describeTasks: (_cluster, arns) =>
          Promise.resolve(this.stopped.filter((task) => arns.includes(task.arn))),
        runTask: no('runTask'),
        stopTask: no('stopTask')
      },
      elb: {
        readRoute: () => Promise.resolve(this.route()),
        writeForward: () => {
          this.calls.push('ModifyRule')
          return Promise.reject(
            new Error('the action must not write the weights of an ECS-managed service')
          )
        },
        describeTargetHealth: no('describeTargetHealth'),
        describeTargetGroups: no('describeTargetGroups')
      }
    }
  }

  /** Moves every deployment on to where the clock says ECS would have it. */
  private catchUp(): void {
    for (const deployment of this.deployments) {
      while (!isOver(deployment) && this.due(deployment)) this.step(deployment)
    }
  }

  private due(d: Deployment): boolean {
    const now = this.clock.now()
    if (d.status === 'ROLLBACK_IN_PROGRESS') return now >= d.stageAt + STAGE_MS
    const awaiting = d.hooks.find((h) => h.stage === d.stage && h.status === 'AWAITING_ACTION')
    if (awaiting) {
      if (awaiting.expiresAt !== undefined && now >= awaiting.expiresAt) {
        awaiting.status = 'TIMED_OUT'
        this.rollBack(d, 'a PAUSE hook timed out')
      }
      return false
    }
    return now >= d.stageAt + this.stageMs(d)
  }

  private stageMs(d: Deployment): number {
    if (d.stage === 'BAKE_TIME') return this.config.bakeMs
    if (
      d.stage === 'PRODUCTION_TRAFFIC_SHIFT' &&
      d.weight < 100 &&
      this.config.strategy !== 'BLUE_GREEN'
    ) {
      return this.config.stepBakeMs ?? STAGE_MS
    }
    return STAGE_MS
  }

  /** The end of a stage's time: its next weight, its hooks, or the next stage. */
  private step(d: Deployment): void {
    if (d.status === 'ROLLBACK_IN_PROGRESS') {
      d.status = 'ROLLBACK_SUCCESSFUL'
      d.finishedAt = d.stageAt + STAGE_MS
      this.serviceRevision = d.previous
      return
    }
    if (d.stage === 'PRODUCTION_TRAFFIC_SHIFT' && d.weight < 100) {
      d.weight = this.nextWeight(d.weight)
      d.stageAt += this.stageMs(d)
      if (d.weight < 100) return
    }
    this.advance(d)
  }

  private nextWeight(weight: number): number {
    const { strategy, stepPercent = 100 } = this.config
    if (strategy === 'LINEAR') return Math.min(100, weight + stepPercent)
    if (strategy === 'CANARY') return weight === 0 ? stepPercent : 100
    return 100
  }

  /** Leaves the stage for the next one, whose hooks ECS invokes as it enters it. */
  private advance(d: Deployment): void {
    const now = Math.max(this.clock.now(), d.stageAt)
    const next = STAGES[STAGES.indexOf(d.stage) + 1]
    if (!next) {
      d.status = 'SUCCESSFUL'
      d.finishedAt = now
      this.liveTg = this.liveTg === BLUE_TG ? GREEN_TG : BLUE_TG
      d.weight = 0
      return
    }
    d.stage = next
    d.stageAt = now
    this.enter(d, now)
    if (d.failAt?.stage === next) {
      d.triggeredAlarms = d.failAt.alarms
      this.stopped.push({
        arn: `${ACCOUNT}:task/prod/failed${this.stopped.length + 1}`,
        taskDefinitionArn: d.taskDefinitionArn,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'app', exitCode: 1 }]
      })
      this.rollBack(d, d.failAt.reason)
    }
  }

  /** The hooks of the stage `d` enters: a Lambda succeeds, a PAUSE awaits an action. */
  private enter(d: Deployment, now: number): void {
    this.config.hooks.forEach((hook, index) => {
      if (hook.stage !== d.stage) return
      d.hooks.push({
        id: `hook-${index}`,
        stage: d.stage,
        targetType: hook.type,
        status: hook.type === 'PAUSE' ? 'AWAITING_ACTION' : 'SUCCEEDED',
        ...(hook.type === 'PAUSE'
          ? { expiresAt: now + (hook.timeoutMs ?? 3_600_000), timeoutAction: 'ROLLBACK' }
          : {})
      })
    })
  }

  private rollBack(d: Deployment, reason: string): void {
    d.status = 'ROLLBACK_IN_PROGRESS'
    d.rollbackReason = reason
    d.weight = 0
    d.stageAt = this.clock.now()
  }
}

function isOver(d: Deployment): boolean {
  return ['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED'].includes(d.status)
}
