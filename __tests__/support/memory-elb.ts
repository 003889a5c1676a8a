import type {
  Forward,
  Route,
  TaggedRule,
  TargetGroupView,
  TargetView
} from '../../src/rollout/ports.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'

interface Target extends TargetView {
  /** a deregistered target drains until then, and is gone after */
  drainUntil?: number
}

interface TargetGroup {
  arn: string
  name: string
  deregistrationDelaySeconds: number
  targets: Target[]
}

interface StoredRoute {
  arn: string
  kind: 'listener' | 'rule'
  listenerArn: string
  /** action types in order; 'forward' marks where the forward action is */
  actionTypes: string[]
  forward: Forward | null
}

/** Listeners, rules and target groups, with ALB's own validation of a forward action. */
export class MemoryElb {
  private readonly groups = new Map<string, TargetGroup>()
  private readonly routes = new Map<string, StoredRoute>()
  private readonly tags = new Map<string, Record<string, string>>()
  /** rules that only hold a priority (the action's locks): listener -> priority -> rule ARN */
  private readonly priorities = new Map<string, Map<number, string>>()
  private ids = 0

  addTargetGroup(name: string, deregistrationDelaySeconds = 300): string {
    const arn = `${ARN}:targetgroup/${name}/${(++this.ids).toString(16).padStart(16, '0')}`
    this.groups.set(arn, { arn, name, deregistrationDelaySeconds, targets: [] })
    return arn
  }

  addRoute(kind: 'listener' | 'rule', actionTypes: string[], forward: Forward | null): string {
    const id = (++this.ids).toString(16).padStart(16, '0')
    const listenerArn = `${ARN}:listener/app/web/50dc6c495c0c9188/${id}`
    const arn =
      kind === 'rule'
        ? `${ARN}:listener-rule/app/web/50dc6c495c0c9188/${id}/9683b2d02a6cabee`
        : listenerArn
    this.routes.set(arn, { arn, kind, listenerArn, actionTypes, forward })
    return arn
  }

  readRoute(arn: string): Route {
    const route = this.route(arn)
    return { ...structuredClone(route), raw: { actionTypes: route.actionTypes } }
  }

  writeForward(route: Route, forward: Forward): void {
    const stored = this.route(route.arn)
    if (!stored.forward)
      throw new Error('ValidationError: the route has no forward action to modify')
    for (const group of forward.targetGroups) {
      if (!this.groups.has(group.targetGroupArn)) {
        throw new Error(`TargetGroupNotFound: ${group.targetGroupArn}`)
      }
      if (!Number.isInteger(group.weight) || group.weight < 0 || group.weight > 999) {
        throw new Error(`ValidationError: weight ${group.weight} is not an integer from 0 to 999`)
      }
    }
    stored.forward = {
      targetGroups: forward.targetGroups.map((group) => ({ ...group })),
      // like the adapter: stickiness not given is kept as it was
      stickiness: forward.stickiness ? { ...forward.stickiness } : stored.forward.stickiness
    }
  }

  /** someone else's change, written straight to the route */
  setForward(arn: string, forward: Forward): void {
    this.route(arn).forward = structuredClone(forward)
  }

  readTags(arn: string): Record<string, string> {
    this.tagged(arn)
    return { ...(this.tags.get(arn) ?? {}) }
  }

  /** AddTags as ELBv2 checks it: at most 50 tags, values of at most 256 allowed characters. */
  writeTags(arn: string, tags: Record<string, string>): void {
    this.tagged(arn)
    const current = this.tags.get(arn) ?? {}
    checkTagValues(tags)
    const next = { ...current, ...tags }
    if (Object.keys(next).length > 50) throw new Error('TooManyTags: at most 50 tags a listener')
    this.tags.set(arn, next)
  }

  removeTags(arn: string, keys: string[]): void {
    this.tagged(arn)
    const current = { ...(this.tags.get(arn) ?? {}) }
    for (const key of keys) delete current[key]
    this.tags.set(arn, current)
  }

  /**
   * CreateRule at a priority, with its tags in the same call: PriorityInUse when it is taken; its
   * tags held to the rules of AddTags
   */
  createRule(listenerArn: string, priority: number, tags: Record<string, string>): TaggedRule {
    const rules = this.priorities.get(listenerArn) ?? new Map<number, string>()
    this.priorities.set(listenerArn, rules)
    if (rules.has(priority))
      throw named('PriorityInUse', `Priority '${priority}' is currently in use`)
    checkTagValues(tags)
    const arn = `${listenerArn.replace(':listener/', ':listener-rule/')}/${(++this.ids).toString(16).padStart(16, '0')}`
    rules.set(priority, arn)
    this.tags.set(arn, { ...tags })
    return { arn, tags: { ...tags } }
  }

  ruleAt(listenerArn: string, priority: number): TaggedRule | undefined {
    const arn = this.priorities.get(listenerArn)?.get(priority)
    return arn ? { arn, tags: { ...(this.tags.get(arn) ?? {}) } } : undefined
  }

  deleteRule(arn: string): void {
    for (const rules of this.priorities.values()) {
      for (const [priority, held] of rules) {
        if (held !== arn) continue
        rules.delete(priority)
        this.tags.delete(arn)
        return
      }
    }
    throw named('RuleNotFound', 'One or more rules not found')
  }

  /** DescribeTags of several resources: RuleNotFound when one of them is gone */
  readTagsOf(arns: string[]): Record<string, string>[] {
    return arns.map((arn) => this.readTags(arn))
  }

  describeTargetHealth(arn: string): TargetView[] {
    return this.group(arn).targets.map(({ drainUntil: _drain, ...target }) => ({ ...target }))
  }

  describeTargetGroups(arns: string[]): TargetGroupView[] {
    return arns.map((arn) => {
      const group = this.group(arn)
      return {
        arn,
        name: group.name,
        port: 8080,
        protocol: 'HTTP',
        loadBalancerArns: [`${ARN}:loadbalancer/app/web/50dc6c495c0c9188`],
        deregistrationDelaySeconds: group.deregistrationDelaySeconds
      }
    })
  }

  /** the target group's share of the route's traffic, in percent */
  percentOf(targetGroupArn: string): number {
    for (const route of this.routes.values()) {
      const groups = route.forward?.targetGroups ?? []
      const total = groups.reduce((sum, group) => sum + group.weight, 0)
      const own = groups.find((group) => group.targetGroupArn === targetGroupArn)
      if (own && total > 0) return (own.weight / total) * 100
    }
    return 0
  }

  setTarget(arn: string, id: string, port: number, state: string, reason?: string): void {
    const group = this.group(arn)
    const existing = group.targets.find((target) => target.id === id && target.port === port)
    const next: Target = { id, port, state, ...(reason ? { reason } : {}) }
    if (existing) Object.assign(existing, { reason: undefined }, next)
    else group.targets.push(next)
  }

  deregister(arn: string, id: string, port: number, at: number): void {
    const group = this.group(arn)
    const target = group.targets.find((entry) => entry.id === id && entry.port === port)
    if (!target || target.drainUntil !== undefined) return
    Object.assign(target, {
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      drainUntil: at + group.deregistrationDelaySeconds * 1000
    })
  }

  /** drained targets leave their group */
  tick(at: number): void {
    for (const group of this.groups.values()) {
      group.targets = group.targets.filter(
        (target) => target.drainUntil === undefined || target.drainUntil > at
      )
    }
  }

  targetGroupName(arn: string): string {
    return this.group(arn).name
  }

  private tagged(arn: string): void {
    if (this.routes.has(arn)) return
    for (const rules of this.priorities.values()) {
      for (const held of rules.values()) if (held === arn) return
    }
    throw named(
      arn.includes(':listener-rule/') ? 'RuleNotFound' : 'ListenerNotFound',
      `One or more resources not found: ${arn}`
    )
  }

  private route(arn: string): StoredRoute {
    const route = this.routes.get(arn)
    if (!route) throw new Error(`ListenerNotFound: ${arn}`)
    return route
  }

  private group(arn: string): TargetGroup {
    const group = this.groups.get(arn)
    if (!group) throw new Error(`TargetGroupNotFound: ${arn}`)
    return group
  }
}

/** an error named as the SDK names AWS's error codes */
function named(name: string, message: string): Error {
  const error = new Error(`${name}: ${message}`)
  error.name = name
  return error
}

/** Tag values as ELBv2 takes them: at most 256 letters, numbers, spaces and `_.:/=+-@`. */
function checkTagValues(tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (value.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) {
      throw new Error(`ValidationError: tag value of ${key} is not allowed: ${value}`)
    }
  }
}
