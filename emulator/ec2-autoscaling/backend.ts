import type { SimClock } from '../core/clock.js'
import type { CallContext, ServiceBackend } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { describeScalingActivitiesOp } from './activities.js'
import {
  createAutoScalingGroupOp,
  deleteAutoScalingGroupOp,
  describeAutoScalingGroupsOp,
  setDesiredCapacityOp,
  updateAutoScalingGroupOp
} from './groups.js'
import {
  createLaunchConfigurationOp,
  deleteLaunchConfigurationOp,
  describeLaunchConfigurationsOp
} from './launch-configurations.js'
import { AutoScalingModel } from './model.js'
import type { Params } from './params.js'

type Operation = (model: AutoScalingModel, params: Params, ctx: CallContext) => object

const OPERATIONS: Record<string, Operation> = {
  CreateAutoScalingGroup: createAutoScalingGroupOp,
  DescribeAutoScalingGroups: describeAutoScalingGroupsOp,
  UpdateAutoScalingGroup: updateAutoScalingGroupOp,
  SetDesiredCapacity: setDesiredCapacityOp,
  DeleteAutoScalingGroup: deleteAutoScalingGroupOp,
  DescribeScalingActivities: describeScalingActivitiesOp,
  CreateLaunchConfiguration: createLaunchConfigurationOp,
  DescribeLaunchConfigurations: describeLaunchConfigurationsOp,
  DeleteLaunchConfiguration: deleteLaunchConfigurationOp
}

/** Amazon EC2 Auto Scaling groups, in memory; their instances boot and join ECS through the sink. */
export class Ec2AutoScalingBackend implements ServiceBackend {
  readonly service = 'autoscaling'
  readonly model: AutoScalingModel

  constructor(clock: SimClock) {
    this.model = new AutoScalingModel(clock)
  }

  handles(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation)
  }

  isMutating(operation: string): boolean {
    return !/^Describe/.test(operation)
  }

  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown {
    const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (!run)
      throw new AwsError(
        'InvalidAction',
        `The action ${operation} is not valid for this web service.`
      )
    return run(this.model, params ?? {}, ctx)
  }

  advance(simNow: number): void {
    this.model.advance(simNow)
  }

  reset(): void {
    this.model.clear()
  }
}
