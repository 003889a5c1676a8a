import type { Forward } from '../../src/rollout/ports.js'
import type { BlueGreen } from '../support/blue-green.js'
import type { Call } from '../support/call-log.js'
import type { Actor, CallMeta, LockHolder } from './actor.js'

export interface Violation {
  at: number
  /** a: traffic only on healthy sides; b: one actor at a time; c: recoverable; crash: a bug thrown */
  rule: 'a' | 'b' | 'c' | 'forward' | 'crash'
  what: string
}

/** The record and the pair: what only the lock holder may change (lock calls themselves aside). */
const HELD_OPS = new Set([
  'registerTaskDefinition',
  'updateService',
  'writeForward',
  'writeTags',
  'removeTags'
])

const TICK_MS = 1000

/**
 * Checks the safety invariants after every call that takes effect (a late one when it lands)
 * and whenever virtual time moves, not only at the end:
 *
 * a. No weight on a target group without a healthy target for longer than the detection window
 *    (the poll interval and a tick, plus `slackMs` for the retries and slow calls the schedule
 *    injects on the way to the revert), counted only while someone can act: a live actor holds
 *    the lock, or nobody does. A dead runner's route is its post step's (or an abort's, or a
 *    takeover's after stale-after), and their window starts when they start. Never a write that
 *    gives weight to a group with no healthy target, never a scale to 0 of a service whose group
 *    carries weight, never a new revision on a side that carries weight.
 * b. Every change to the pair or the record comes from the actor whose lock rule exists at the
 *    instant it is sent (a post step is its dead run's token). For a call that lands at once this
 *    is the instant it lands, unless another actor's late write lands in between (the window
 *    between a check and a write, which no AWS API closes); a slow or late one is judged then too.
 * Also: the forward action is always the same two groups with weights summing to 100.
 */
export class Invariants {
  readonly violations: Violation[] = []
  private weights: Record<string, number>
  private chargedSince = new Map<string, number>()
  private readonly t0: number

  constructor(
    private readonly bg: BlueGreen,
    private readonly actors: () => Actor[],
    private readonly meta: WeakMap<Call, CallMeta>,
    private readonly holder: LockHolder,
    private readonly windowMs: number
  ) {
    this.weights = this.route()
    this.t0 = bg.clock.now()
  }

  static windowFor(pollIntervalMs: number, slackMs: number): number {
    return pollIntervalMs + TICK_MS + slackMs
  }

  attach(): void {
    this.bg.aws.log.observe((call) => this.onCall(call))
  }

  /** virtual time moved: the world catches up, late writes due land, the state is checked */
  onAdvance(): void {
    this.bg.aws.catchUp()
    this.bg.aws.log.landLate()
    this.checkState()
  }

  /** after every actor ended: traffic left on a dead side with nobody alive holding the route */
  checkEnd(): void {
    this.checkState(true)
  }

  violate(rule: Violation['rule'], what: string): void {
    this.violations.push({ at: this.bg.clock.now() - this.t0, rule, what })
  }

  private onCall(call: Call): void {
    const meta = this.meta.get(call)
    const who = meta?.actor.name ?? call.actor ?? 'the harness'
    if (HELD_OPS.has(call.op) && meta) {
      // judged when the actor sent it: a check and the write after it are two AWS calls, and
      // another actor's lock change that lands late can fall between them (no AWS API makes
      // the pair atomic); the run that took the lock must cope with such writes (abort re-reads)
      const held = meta.heldAtIssue
      if (!held) {
        this.violate(
          'b',
          `${call.op} ${brief(call, this.bg)} by ${who} landed while the lock was ` +
            `${this.holder() ?? 'free'}'s${call.late || meta.slowed ? ` (sent at +${meta.issuedAt - this.t0}ms, not holding it either)` : ''}`
        )
      }
    }
    if (call.op === 'writeForward') this.onWeights(call, who)
    if (call.op === 'updateService') this.onScale(call, who)
    this.checkState()
  }

  private onWeights(call: Call, who: string): void {
    const { forward } = call.input as { forward: Forward }
    const groups = forward.targetGroups.map((group) => group.targetGroupArn).sort()
    const pair = [this.bg.blueTg, this.bg.greenTg].sort()
    const sum = forward.targetGroups.reduce((total, group) => total + group.weight, 0)
    if (groups.join() !== pair.join() || sum !== 100) {
      this.violate('forward', `${who} wrote ${brief(call, this.bg)}`)
    }
    const before = this.weights
    this.weights = this.route()
    for (const [group, weight] of Object.entries(this.weights)) {
      if (weight > (before[group] ?? 0) && this.healthy(group) === 0) {
        this.violate(
          'a',
          `${who} gave weight to ${this.name(group)}, which has no healthy target: ${brief(call, this.bg)}`
        )
      }
    }
  }

  private onScale(call: Call, who: string): void {
    const { service, desiredCount, taskDefinitionArn } = call.input as {
      service: string
      desiredCount?: number
      taskDefinitionArn?: string
    }
    const group = service === this.bg.blue ? this.bg.blueTg : this.bg.greenTg
    const weight = this.weights[group] ?? 0
    if (weight === 0) return
    if (desiredCount === 0) {
      this.violate('a', `${who} scaled ${service} to 0 while it carries ${weight}% of the traffic`)
    }
    if (taskDefinitionArn) {
      this.violate(
        'a',
        `${who} changed the revision of ${service} while it carries ${weight}% of the traffic`
      )
    }
  }

  private checkState(atEnd = false): void {
    const now = this.bg.clock.now()
    // only writeForward moves weights, and onWeights keeps this up to date as each one lands
    const route = this.weights
    const owner = this.holder()
    const someoneCanAct =
      owner === undefined || this.actors().some((actor) => actor.token === owner && actor.alive)
    for (const group of [this.bg.blueTg, this.bg.greenTg]) {
      const weight = route[group] ?? 0
      if (weight === 0 || this.healthy(group) > 0 || !someoneCanAct) {
        this.chargedSince.delete(group)
        continue
      }
      const since = this.chargedSince.get(group) ?? now
      this.chargedSince.set(group, since)
      if (now - since > this.windowMs || (atEnd && owner === undefined)) {
        this.violate(
          'a',
          `${weight}% of the traffic has been on ${this.name(group)}, which has no healthy ` +
            `target, for ${now - since}ms (${owner ? `the lock is ${owner}'s` : 'nobody holds the lock'})`
        )
        // one report per episode
        this.chargedSince.set(group, Infinity)
      }
    }
  }

  private route(): Record<string, number> {
    const forward = this.bg.aws.elbWorld.readRoute(this.bg.routeArn).forward
    return Object.fromEntries(
      (forward?.targetGroups ?? []).map((group) => [group.targetGroupArn, group.weight])
    )
  }

  private healthy(group: string): number {
    return this.bg.aws.elbWorld
      .describeTargetHealth(group)
      .filter((target) => target.state === 'healthy').length
  }

  private name(group: string): string {
    return this.bg.aws.elbWorld.targetGroupName(group)
  }
}

/** a call in a few words, for a report */
export function brief(call: Call, bg: BlueGreen): string {
  if (call.op === 'writeForward') {
    const { forward } = call.input as { forward: Forward }
    return forward.targetGroups
      .map((group) => `${bg.aws.elbWorld.targetGroupName(group.targetGroupArn)}=${group.weight}`)
      .join(' ')
  }
  if (call.op === 'updateService') {
    const { service, desiredCount, taskDefinitionArn } = call.input as {
      service: string
      desiredCount?: number
      taskDefinitionArn?: string
    }
    return [
      service,
      taskDefinitionArn?.split('/').at(-1),
      desiredCount !== undefined ? `x${desiredCount}` : ''
    ]
      .filter(Boolean)
      .join(' ')
  }
  if (call.op === 'writeTags') {
    const { tags } = call.input as { tags: Record<string, string> }
    return tags['ecs-blue-green:phase'] ?? Object.keys(tags).join(',')
  }
  return ''
}
