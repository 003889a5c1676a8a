import { randomBytes, randomUUID } from 'node:crypto'
import type { SimClock } from '../core/clock.js'
import type { CallContext } from '../core/contracts.js'
import type { CloudWatchModel } from '../cloudwatch/model.js'
import type { Elbv2Model } from '../elbv2/model.js'
import type { EcsScaling } from './links.js'
import type { Activity, ScalableTarget, ScalingPolicy } from './state.js'

/** DescribeScalingActivities covers six weeks; the emulator keeps the last ones of each target */
const MAX_ACTIVITIES_PER_TARGET = 1000

export interface TargetKey {
  region: string
  serviceNamespace: string
  resourceId: string
  scalableDimension: string
}

/** When a policy was last invoked by one alarm in ALARM (auto scaling actions repeat each minute). */
export interface Invocation {
  /** the alarm's StateTransitionedTimestamp then: a new transition invokes at once */
  transitionedAt: number
  lastSim: number
}

/**
 * Every scalable target, scaling policy and scaling activity of every region. It reads and
 * writes the CloudWatch model (a target tracking policy's alarms), reads ELBv2 (resource labels)
 * and reaches ECS through `ecs`.
 */
export class AasModel {
  /** by targetKey() */
  readonly targets = new Map<string, ScalableTarget>()
  /** by policy ARN */
  readonly policies = new Map<string, ScalingPolicy>()
  /** newest first */
  activities: Activity[] = []
  /** by `${policyArn} ${alarmName}` */
  readonly invocations = new Map<string, Invocation>()

  constructor(
    readonly clock: SimClock,
    readonly cloudwatch: CloudWatchModel,
    readonly elbv2: Elbv2Model,
    readonly ecs: EcsScaling
  ) {}

  target(key: TargetKey): ScalableTarget | undefined {
    return this.targets.get(targetKey(key))
  }

  policiesOf(target: ScalableTarget): ScalingPolicy[] {
    return [...this.policies.values()].filter((policy) => policy.target === target)
  }

  record(activity: Omit<Activity, 'id'>): Activity {
    const recorded: Activity = { id: randomUUID(), ...activity }
    this.activities.unshift(recorded)
    const mine = this.activities.filter((a) => sameTarget(a, recorded))
    if (mine.length > MAX_ACTIVITIES_PER_TARGET) {
      const oldest = mine.at(-1)
      this.activities = this.activities.filter((a) => a !== oldest)
    }
    return recorded
  }

  clear(): void {
    this.targets.clear()
    this.policies.clear()
    this.activities = []
    this.invocations.clear()
  }
}

export function targetKey(key: TargetKey): string {
  return JSON.stringify([key.region, key.serviceNamespace, key.scalableDimension, key.resourceId])
}

export function sameTarget(a: TargetKey, b: TargetKey): boolean {
  return targetKey(a) === targetKey(b)
}

/** `arn:aws:application-autoscaling:<region>:<account>:scalable-target/<36 characters>` */
export function scalableTargetArn(ctx: Pick<CallContext, 'region' | 'accountId'>): string {
  const id = randomBytes(18).toString('hex')
  return `arn:aws:application-autoscaling:${ctx.region}:${ctx.accountId}:scalable-target/${id}`
}

/** `arn:aws:autoscaling:<region>:<account>:scalingPolicy:<uuid>:resource/<ns>/<id>:policyName/<name>` */
export function scalingPolicyArn(target: ScalableTarget, name: string): string {
  return `arn:aws:autoscaling:${target.region}:${target.accountId}:scalingPolicy:${randomUUID()}:resource/${target.serviceNamespace}/${target.resourceId}:policyName/${name}`
}
