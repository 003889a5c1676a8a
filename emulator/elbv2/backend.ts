import type { SimClock } from '../core/clock.js'
import type { CallContext, ServiceBackend } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import type { ViolationLog } from '../core/violations.js'
import type { LoadBalancing } from '../ecs/load-balancing.js'
import { describeTargetGroupAttributesOp, modifyTargetGroupAttributesOp } from './attributes.js'
import { linkForEcs } from './ecs-link.js'
import { advanceHealth } from './health.js'
import {
  createListenerOp,
  deleteListenerOp,
  describeListenersOp,
  modifyListenerOp
} from './listeners.js'
import { createLoadBalancerOp, describeLoadBalancersOp } from './load-balancers.js'
import { Elbv2Model } from './model.js'
import type { Params } from './params.js'
import type { HealthProbe } from './probe.js'
import {
  createRuleOp,
  deleteRuleOp,
  describeRulesOp,
  modifyRuleOp,
  setRulePrioritiesOp
} from './rules.js'
import { addTagsOp, describeTagsOp, removeTagsOp } from './tags.js'
import {
  createTargetGroupOp,
  deleteTargetGroupOp,
  describeTargetGroupsOp
} from './target-groups.js'
import { deregisterTargetsOp, describeTargetHealthOp, registerTargetsOp } from './targets.js'

type Operation = (model: Elbv2Model, params: Params, ctx: CallContext) => object

const OPERATIONS: Record<string, Operation> = {
  CreateLoadBalancer: createLoadBalancerOp,
  DescribeLoadBalancers: describeLoadBalancersOp,
  CreateTargetGroup: createTargetGroupOp,
  DescribeTargetGroups: describeTargetGroupsOp,
  DeleteTargetGroup: deleteTargetGroupOp,
  DescribeTargetGroupAttributes: describeTargetGroupAttributesOp,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributesOp,
  CreateListener: createListenerOp,
  DescribeListeners: describeListenersOp,
  ModifyListener: modifyListenerOp,
  DeleteListener: deleteListenerOp,
  CreateRule: createRuleOp,
  DescribeRules: describeRulesOp,
  ModifyRule: modifyRuleOp,
  DeleteRule: deleteRuleOp,
  SetRulePriorities: setRulePrioritiesOp,
  RegisterTargets: registerTargetsOp,
  DeregisterTargets: deregisterTargetsOp,
  DescribeTargetHealth: describeTargetHealthOp,
  AddTags: addTagsOp,
  RemoveTags: removeTagsOp,
  DescribeTags: describeTagsOp
}

/** Elastic Load Balancing v2 (application load balancers), in memory. */
export class Elbv2Backend implements ServiceBackend {
  readonly service = 'elbv2'
  readonly model: Elbv2Model
  /** what the ECS simulation uses to register its tasks and read their health */
  readonly forEcs: LoadBalancing

  constructor(clock: SimClock, probe: HealthProbe, violations?: ViolationLog) {
    this.model = new Elbv2Model(clock, probe, violations)
    this.forEcs = linkForEcs(this.model)
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
        `Could not find operation ${operation} for version 2015-12-01`
      )
    return run(this.model, params, ctx)
  }

  /** runs the health checks due up to simulated time `simNow` */
  advance(simNow: number): void {
    advanceHealth(this.model, simNow)
  }

  reset(): void {
    this.model.clear()
  }
}
