import type { SimClock } from '../core/clock.js'
import { AwsError } from '../core/errors.js'
import { ViolationLog } from '../core/violations.js'
import type { HealthProbe } from './probe.js'
import type { Action, Listener, LoadBalancer, Rule, TargetGroup } from './state.js'

/** Every ELBv2 resource of every region, keyed by ARN (ARNs carry the region). */
export class Elbv2Model {
  readonly loadBalancers = new Map<string, LoadBalancer>()
  readonly targetGroups = new Map<string, TargetGroup>()
  readonly listeners = new Map<string, Listener>()
  /** every rule, default rules included */
  readonly rules = new Map<string, Rule>()

  constructor(
    readonly clock: SimClock,
    readonly probe: HealthProbe,
    /** where writes that put weight on a group without a healthy target are recorded */
    readonly violations: ViolationLog = new ViolationLog()
  ) {}

  loadBalancer(arn: string): LoadBalancer {
    const found = this.loadBalancers.get(arn)
    if (!found) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found')
    return found
  }

  targetGroup(arn: string): TargetGroup {
    const found = this.targetGroups.get(arn)
    if (!found) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found')
    return found
  }

  listener(arn: string): Listener {
    const found = this.listeners.get(arn)
    if (!found) throw new AwsError('ListenerNotFound', 'One or more listeners not found')
    return found
  }

  rule(arn: string): Rule {
    const found = this.rules.get(arn)
    if (!found) throw new AwsError('RuleNotFound', 'One or more rules not found')
    return found
  }

  /** the listener's rules, by priority, the default rule last (as DescribeRules lists them) */
  rulesOf(listener: Listener): Rule[] {
    const rules = [...listener.ruleArns].map((arn) => this.rule(arn))
    rules.sort((a, b) => a.priority - b.priority)
    return [...rules, listener.defaultRule]
  }

  /**
   * Recomputes which load balancers use each target group. Called after every change to a
   * listener or rule, so that the per-tick health simulation reads a ready answer.
   */
  reindex(): void {
    for (const group of this.targetGroups.values()) group.loadBalancerArns.clear()
    for (const listener of this.listeners.values()) {
      for (const rule of [
        listener.defaultRule,
        ...[...listener.ruleArns].map((arn) => this.rule(arn))
      ]) {
        for (const arn of forwardedGroups(rule.actions)) {
          this.targetGroups.get(arn)?.loadBalancerArns.add(listener.loadBalancerArn)
        }
      }
    }
  }

  clear(): void {
    this.loadBalancers.clear()
    this.targetGroups.clear()
    this.listeners.clear()
    this.rules.clear()
  }
}

/** the target groups the forward actions among `actions` send to */
export function forwardedGroups(actions: Action[]): string[] {
  const arns: string[] = []
  for (const action of actions) {
    if (action.Type !== 'forward') continue
    const config = action.ForwardConfig as
      { TargetGroups?: { TargetGroupArn: string }[] } | undefined
    for (const group of config?.TargetGroups ?? []) arns.push(group.TargetGroupArn)
  }
  return arns
}
