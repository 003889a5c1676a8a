/**
 * Safety watched at every instant: the backend models report here each write that, at the moment
 * it takes effect (after any injected latency), leaves traffic where it must not be. The control
 * API serves the record as `GET /_emulator/violations`; `reset` clears it. No HTTP here: a model
 * passes what it knows, the caller's User-Agent included (from its CallContext).
 */

export const VIOLATION_KINDS = [
  /** ModifyListener/ModifyRule gave weight > 0 to a target group with no healthy target */
  'weight-on-unhealthy-target-group',
  /** UpdateService set desiredCount 0 on a service whose target group carries weight > 0 */
  'scaled-to-zero-while-carrying-weight'
] as const
export type ViolationKind = (typeof VIOLATION_KINDS)[number]

/** One target group a violation is about, with the weight it was (or is) given. */
export interface WeightedTargetGroup {
  targetGroupArn: string
  weight: number
  /** weight-on-unhealthy-target-group: how many of its targets are in each health state */
  targetStates?: Record<string, number>
  /** scaled-to-zero-while-carrying-weight: the listener whose default actions, or rule whose forward action, carries the weight */
  listenerArn?: string
  ruleArn?: string
}

/** One entry of `GET /_emulator/violations`. */
export interface Violation {
  kind: ViolationKind
  /** 'elbv2' | 'ecs' */
  service: string
  /** the API operation, e.g. ModifyListener */
  operation: string
  /** what the call wrote: the listener or rule ARN, or the ECS service ARN */
  resource: string
  /** elbv2: the listener written (ModifyListener) or whose rule was written (ModifyRule) */
  listenerArn?: string
  /** ModifyRule: the rule written */
  ruleArn?: string
  /** ecs: the service's cluster ARN and the service's ARN and name */
  clusterArn?: string
  serviceArn?: string
  serviceName?: string
  targetGroups: WeightedTargetGroup[]
  /** the caller's User-Agent header: the action's calls carry `ecs-blue-green-action/` */
  userAgent: string
  /** when the call took effect, ISO 8601 on the emulator's clock */
  at: string
  message: string
}

export interface ViolationFilter {
  kind?: string
  /** a part of the User-Agent, e.g. `ecs-blue-green-action` or a run's `app/<id>` */
  userAgent?: string
}

/** Every violation in the order the calls took effect. */
export class ViolationLog {
  private records: Violation[] = []

  record(violation: Violation): void {
    this.records.push(violation)
  }

  list(filter: ViolationFilter = {}): Violation[] {
    return this.records
      .filter(
        (v) =>
          (filter.kind === undefined || v.kind === filter.kind) &&
          (filter.userAgent === undefined || v.userAgent.includes(filter.userAgent))
      )
      .map((v) => structuredClone(v))
  }

  clear(): void {
    this.records = []
  }
}
