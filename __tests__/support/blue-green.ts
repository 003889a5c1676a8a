import { deploy, type RolloutDeps, type RolloutState } from '../../src/rollout/deploy.js'
import type { DurableDeps, PostStepHold } from '../../src/rollout/durable/keeper.js'
import type {
  Forward,
  ScalableTarget,
  Stickiness,
  TaskDefinition
} from '../../src/rollout/ports.js'
import type { RolloutOutcome, Settings } from '../../src/rollout/settings.js'
import { FakeClock } from './fake-clock.js'
import type { MemoryEc2 } from './memory-ec2.js'
import { MemoryAws, type ImageBehavior } from './memory-aws.js'
import { recorder, type Recorder } from './recorder.js'

export const OLD_IMAGE = 'registry.example.com/web:1.0.0'
export const NEW_IMAGE = 'registry.example.com/web:2.0.0'
export const MINUTE = 60_000

export interface PairSetup {
  /** weights as the route reads them, blue first (default 100/0: blue live) */
  blueWeight?: number
  greenWeight?: number
  /** order of the target groups in the forward action (default blue first) */
  greenFirst?: boolean
  desiredCount?: number
  stickiness?: Stickiness
  deregistrationDelaySeconds?: number
  kind?: 'listener' | 'rule'
  /** replaces the forward action (null: none), for refusals */
  forward?: (tgs: { blue: string; green: string }) => Forward | null
  actionTypes?: string[]
  /** the virtual time to run on (default: a FakeClock of its own) */
  clock?: FakeClock
  /** EC2 instead of Fargate: bridge-mode tasks on these instances, instance target groups */
  ec2?: MemoryEc2
}

/**
 * A blue/green pair in a fresh in-memory AWS: web-blue and web-green in cluster prod, on
 * web-blue-tg and web-green-tg, both on web:41 (OLD_IMAGE); blue carries the traffic and runs
 * healthy tasks, green is at 0.
 */
export class BlueGreen {
  readonly clock: FakeClock
  readonly aws: MemoryAws
  readonly cluster = 'prod'
  readonly blue = 'web-blue'
  readonly green = 'web-green'
  readonly blueTg: string
  readonly greenTg: string
  readonly routeArn: string
  readonly liveRevision: string
  readonly definition: TaskDefinition = {
    family: 'web',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [
      {
        name: 'web',
        image: OLD_IMAGE,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'MODE', value: 'production' }]
      }
    ]
  }
  /** what the post step was told to settle, in order (null: nothing) */
  readonly postStepHolds: (PostStepHold | null)[] = []
  readonly controller = new AbortController()
  /** every state the rollout entered, as it was told */
  readonly states: RolloutState[] = []
  record: Recorder

  constructor(readonly setup: PairSetup = {}) {
    this.clock = setup.clock ?? new FakeClock()
    this.aws = new MemoryAws(this.clock)
    const elb = this.aws.elbWorld
    this.blueTg = elb.addTargetGroup('web-blue-tg', setup.deregistrationDelaySeconds ?? 300)
    this.greenTg = elb.addTargetGroup('web-green-tg', setup.deregistrationDelaySeconds ?? 300)
    const groups = [
      { targetGroupArn: this.blueTg, weight: setup.blueWeight ?? 100 },
      { targetGroupArn: this.greenTg, weight: setup.greenWeight ?? 0 }
    ]
    if (setup.greenFirst) groups.reverse()
    const forward: Forward | null = setup.forward
      ? setup.forward({ blue: this.blueTg, green: this.greenTg })
      : { targetGroups: groups, ...(setup.stickiness ? { stickiness: setup.stickiness } : {}) }
    this.routeArn = elb.addRoute(
      setup.kind ?? 'listener',
      setup.actionTypes ?? ['forward'],
      forward
    )
    if (setup.ec2) {
      this.aws.ecsWorld.ec2 = setup.ec2
      Object.assign(this.definition, { networkMode: 'bridge', requiresCompatibilities: ['EC2'] })
      this.definition.containerDefinitions[0]!.portMappings = [
        { containerPort: 8080, hostPort: 0, protocol: 'tcp' }
      ]
    }
    this.liveRevision = this.aws.ecsWorld.seedRevision(this.definition, 41)
    const blueLive = (setup.blueWeight ?? 100) > 0 || (setup.greenWeight ?? 0) === 0
    const count = setup.desiredCount ?? 2
    this.aws.ecsWorld.addService({
      name: this.blue,
      taskDefinitionArn: this.liveRevision,
      desiredCount: blueLive ? count : 0,
      targetGroupArn: this.blueTg
    })
    this.aws.ecsWorld.addService({
      name: this.green,
      taskDefinitionArn: this.liveRevision,
      desiredCount: blueLive ? 0 : count,
      targetGroupArn: this.greenTg
    })
    this.record = recorder()
  }

  get startedAt(): number {
    return this.aws.log.calls[0]?.at ?? this.clock.now()
  }

  image(behavior: ImageBehavior, image = NEW_IMAGE): this {
    this.aws.ecsWorld.setImage(image, behavior)
    return this
  }

  settings(overrides: Partial<Settings> = {}): Settings {
    return {
      command: 'deploy',
      cluster: this.cluster,
      services: [this.blue, this.green],
      routeArn: this.routeArn,
      routeKind: this.setup.kind ?? 'listener',
      release: { image: NEW_IMAGE, environment: [] },
      steps: [10, 25, 50, 100].map((percent) => ({ kind: 'weight', percent })),
      stepWaitMs: MINUTE,
      timeoutMs: 30 * MINUTE,
      scaleDownDelayMs: undefined,
      pollIntervalMs: 5000,
      dryRun: false,
      githubToken: '',
      ...overrides
    }
  }

  /** Aborts the run (as a SIGTERM would) when the named phase starts. */
  cancelAtPhase(name: string): this {
    this.record = recorder((phase) => {
      if (phase === name) this.controller.abort('SIGTERM')
    })
    return this
  }

  /** Aborts the run (as a SIGTERM would) this long after it starts. */
  cancelAfter(ms: number): this {
    this.clock.at(this.clock.now() + ms, () => this.controller.abort('SIGTERM'))
    return this
  }

  deploy(overrides: Partial<Settings> = {}): Promise<RolloutOutcome> {
    return deploy(this.settings(overrides), this.deps())
  }

  deps(): RolloutDeps {
    return {
      ecs: this.aws.ecs,
      elb: this.aws.elb,
      scaling: this.aws.scaling,
      capacity: this.aws.capacity,
      revisions: this.aws.revisions,
      clock: this.clock,
      observer: this.record.observer,
      signal: this.controller.signal,
      onState: (state) => {
        this.states.push(state)
      }
    }
  }

  /** Ports for the commands that keep state in tags, as the process `token` (another runner: another token). */
  durableDeps(token = 'runner-1', overrides: Partial<DurableDeps> = {}): DurableDeps {
    return {
      ...this.deps(),
      tags: this.aws.elb,
      lock: this.aws.lock,
      onPostStep: (hold) => {
        this.postStepHolds.push(hold)
      },
      owner: {
        token,
        runId: token.replace(/\D/g, '') || '1',
        runUrl: `https://github.com/acme/web/actions/runs/${token}`
      },
      ...overrides
    }
  }

  /** the state tags on the route now */
  tags(): Record<string, string> {
    return this.aws.elbWorld.readTags(this.routeArn)
  }

  /** the mutating calls, as `op service/target-group weights` lines, for readable assertions */
  mutations(): string[] {
    return this.aws.log.mutations().map((call) => describe(call.op, call.input, this.aws))
  }
}

function describe(op: string, input: unknown, aws: MemoryAws): string {
  if (op === 'writeForward') {
    const { forward } = input as { forward: Forward }
    const weights = forward.targetGroups
      .map((group) => `${aws.elbWorld.targetGroupName(group.targetGroupArn)}=${group.weight}`)
      .join(' ')
    return `writeForward ${weights}`
  }
  if (op === 'updateService') {
    const { service, taskDefinitionArn, desiredCount } = input as {
      service: string
      taskDefinitionArn?: string
      desiredCount?: number
    }
    const revision = taskDefinitionArn ? ` ${taskDefinitionArn.split('/').at(-1)}` : ''
    const count = desiredCount !== undefined ? ` x${desiredCount}` : ''
    return `updateService ${service}${revision}${count}`
  }
  if (op === 'writeTags') {
    const { tags } = input as { tags: Record<string, string> }
    const phase = tags['ecs-blue-green:phase']
    if (phase !== undefined) return `writeTags ${phase || '(cleared)'}`
    return `writeTags ${Object.keys(tags)
      .map((key) => key.replace('ecs-blue-green:', ''))
      .join(' ')}`
  }
  if (op === 'registerTaskDefinition')
    return `registerTaskDefinition ${(input as TaskDefinition).family}`
  if (op === 'registerScalableTarget') {
    const { service, min, max, suspended } = input as { service: string } & Partial<ScalableTarget>
    const flags = suspended
      ? ` suspended=${
          (['dynamicIn', 'dynamicOut', 'scheduled'] as const)
            .filter((flag) => suspended[flag])
            .join('+') || 'none'
        }`
      : ''
    const limits = `${min === undefined ? '' : ` min=${min}`}${max === undefined ? '' : ` max=${max}`}`
    return `registerScalableTarget ${service}${limits}${flags}`
  }
  if (op === 'runTask') {
    const { taskDefinitionArn, container, command } = input as {
      taskDefinitionArn: string
      container: string
      command: string[]
    }
    return `runTask ${taskDefinitionArn.split('/').at(-1)} ${container} ${command.join(' ')}`
  }
  if (op === 'stopTask') return 'stopTask'
  if (op === 'putScalingPolicy') {
    const { service, policy } = input as { service: string; policy: { name: string } }
    return `putScalingPolicy ${service} ${policy.name}`
  }
  return op
}
