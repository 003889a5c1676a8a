/**
 * What the ECS simulation needs from the load balancers: whether a service's target group can be
 * used, and registering its tasks as targets and reading their health, as ECS does through the
 * ELBv2 API on the service's behalf.
 */
export interface TargetGroupFacts {
  arn: string
  port?: number
  targetType: string
  /** the load balancers whose listeners or rules forward to the group */
  loadBalancerArns: string[]
}

/** A listener's default actions or a rule forwarding to a target group with weight > 0. */
export interface CarriedWeight {
  targetGroupArn: string
  weight: number
  listenerArn: string
  /** absent when the listener's default actions carry the weight */
  ruleArn?: string
}

/** A listener rule (a listener's default rule too) and the target groups its forward action weighs. */
export interface RuleFacts {
  arn: string
  listenerArn: string
  loadBalancerArn: string
  /** the forward action's target groups with their weights, in the action's order */
  forward: { targetGroupArn: string; weight: number }[]
}

export interface LoadBalancing {
  targetGroup(arn: string): TargetGroupFacts | undefined
  register(targetGroupArn: string, ip: string, port: number, simNow: number): void
  /** starts draining; the target is gone once `targetState` returns undefined */
  deregister(targetGroupArn: string, ip: string, port: number, simNow: number): void
  /** initial | healthy | unhealthy | unused | draining | unavailable, or undefined when not registered */
  targetState(targetGroupArn: string, ip: string, port: number): string | undefined
  /** every listener default action and rule that gives the group weight > 0 now */
  weightCarried(targetGroupArn: string): CarriedWeight[]
  /** a rule by ARN, default rules included */
  rule(arn: string): RuleFacts | undefined
  /**
   * Rewrites the weights of the rule's forward action as ECS does for a blue/green deployment
   * (through ModifyRule, on the service's behalf): exactly these groups with these weights, the
   * stickiness and every other action kept.
   */
  setForwardWeights(ruleArn: string, weights: { targetGroupArn: string; weight: number }[]): void
}
