import type { CloudWatchModel } from '../cloudwatch/model.js'
import type { SimClock } from '../core/clock.js'
import type { CallContext, ServiceBackend } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import type { Elbv2Model } from '../elbv2/model.js'
import { describeScalingActivitiesOp } from './activities.js'
import type { EcsScaling } from './links.js'
import { AasModel } from './model.js'
import type { Params } from './params.js'
import { deleteScalingPolicyOp, describeScalingPoliciesOp, putScalingPolicyOp } from './policies.js'
import {
  deregisterScalableTargetOp,
  describeScalableTargetsOp,
  registerScalableTargetOp
} from './targets.js'
import { advanceScaling } from './watch.js'

type Operation = (model: AasModel, params: Params, ctx: CallContext) => object

const OPERATIONS: Record<string, Operation> = {
  RegisterScalableTarget: registerScalableTargetOp,
  DeregisterScalableTarget: deregisterScalableTargetOp,
  DescribeScalableTargets: describeScalableTargetsOp,
  PutScalingPolicy: putScalingPolicyOp,
  DescribeScalingPolicies: describeScalingPoliciesOp,
  DeleteScalingPolicy: deleteScalingPolicyOp,
  DescribeScalingActivities: describeScalingActivitiesOp
}

/**
 * Application Auto Scaling for ECS services, in memory: scalable targets, target tracking and
 * step scaling policies, and the scaling activities they cause, driven by the emulator's
 * CloudWatch alarms on the simulation's clock.
 */
export class ApplicationAutoScalingBackend implements ServiceBackend {
  /** the SDK's signing name, and the name in the call log and fault rules */
  readonly service = 'application-autoscaling'
  readonly model: AasModel

  constructor(clock: SimClock, cloudwatch: CloudWatchModel, elbv2: Elbv2Model, ecs: EcsScaling) {
    this.model = new AasModel(clock, cloudwatch, elbv2, ecs)
  }

  handles(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation)
  }

  isMutating(operation: string): boolean {
    return !/^Describe/.test(operation)
  }

  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown {
    const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (!run) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`)
    return run(this.model, params ?? {}, ctx)
  }

  /** invokes the policies whose alarms are in ALARM by simulated time `simNow` */
  advance(simNow: number): void {
    advanceScaling(this.model, simNow)
  }

  reset(): void {
    this.model.clear()
  }
}
