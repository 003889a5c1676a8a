import { listenerOf } from '../discover.js'
import { formatDuration } from '../duration.js'
import { RolloutLockedError, TopologyError } from '../errors.js'
import type { Clock, LockPort, TaggedRule } from '../ports.js'
import type { Settings } from '../settings.js'
import { heldWords, judgeLock, staleAfter } from './lock.js'
import { ownerWords, type Owner } from './record.js'
import type { StoredState } from './store.js'
import { fits, TAG_PREFIX } from './tags.js'

/** Lock rules sit at the bottom of the listener's priorities, where real rules rarely are. */
const LOWEST = 50_000
/** Between a forced taker's delete of the old lock rule and the create of its own. */
const HOLDER_SETTLE_MS = 1000
const HOLDER_LOOKS = 4
const RANGE = 1000
/** Creates and deletes of lock rules with no answer tried again this often, waits doubling. */
const UNANSWERED = 4
const RETRY_FIRST_MS = 1000
/** Refusals of a lock call that asking again cannot change. */
const FINAL =
  /Validation|InvalidParameter|AccessDenied|TooMany|ListenerNotFound|InputError|TopologyError/

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : ''
}

const LOCK_KEYS = {
  route: `${TAG_PREFIX}lock`,
  owner: `${TAG_PREFIX}owner`,
  claimed: `${TAG_PREFIX}claimed`,
  runUrl: `${TAG_PREFIX}run-url`,
  runId: `${TAG_PREFIX}run-id`,
  purpose: `${TAG_PREFIX}purpose`
} as const

/** Why a run holds the lock: an abort stops whoever held it before, and says so. */
export type LockPurpose = 'rollout' | 'abort'

/** Who holds the lock now, as its rule's tags say. */
export interface LockHolder {
  owner: Owner
  purpose: LockPurpose
}

/**
 * The priority of a route's lock rule on its listener: fixed for the route (so that every run of
 * it contends for the same one), spread over the last thousand priorities (so that the pairs that
 * share a listener rarely share a lock). `lock-priority` chooses one by hand.
 */
export function lockPriority(settings: Pick<Settings, 'routeArn' | 'lockPriority'>): number {
  if (settings.lockPriority !== undefined) return settings.lockPriority
  let hash = 0x811c9dc5
  for (const char of settings.routeArn) {
    hash ^= char.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return LOWEST - (hash % RANGE)
}

/** How the lock of a route was found held by a run that may still be alive. */
export function lockOwner(rule: TaggedRule): string | undefined {
  return rule.tags[LOCK_KEYS.owner]
}

/**
 * One run's hold on the lock of a route. `acquire` creates the lock rule (atomic), or takes it
 * from a run that went silent by deleting that run's rule by its ARN (atomic too: one deleter
 * wins) and creating its own. The run holds the lock exactly while its rule exists.
 */
export class RouteLock {
  /** the lock rule while this run holds it */
  arn?: string
  /**
   * When this run deleted the lock rule of a run that may still be alive (last, if more than
   * once): a write that run sent before may land up to a request timeout later.
   */
  displacedAt?: number
  private purpose: LockPurpose = 'rollout'
  private readonly listenerArn: string
  private readonly priority: number

  constructor(
    private readonly port: LockPort,
    private readonly settings: Settings,
    private readonly owner: Owner,
    private readonly clock: Clock
  ) {
    this.listenerArn = listenerOf(settings.routeArn)
    this.priority = lockPriority(settings)
  }

  /**
   * Takes the lock. `state` is the record as read just before: a holder whose record shows it
   * alive keeps the lock, unless `force` (an abort, which stops whoever works on the rollout).
   * Throws RolloutLockedError when another run holds it.
   */
  async acquire(
    state: StoredState,
    force = false,
    purpose: LockPurpose = 'rollout'
  ): Promise<void> {
    this.purpose = purpose
    let wait = RETRY_FIRST_MS
    let unanswered = 0
    const again = async (error: unknown): Promise<void> => {
      if (++unanswered > UNANSWERED) throw error
      await this.clock.sleep(wait)
      wait *= 2
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = await this.create()
      if (claim.kind === 'created') {
        this.arn = claim.rule.arn
        return
      }
      if (claim.kind === 'unknown') {
        // sent, but whether it landed is not known yet: a late one is found by the next look
        await again(claim.error)
        attempt--
        continue
      }
      const holder = await this.port.ruleAt(this.listenerArn, this.priority)
      if (!holder) continue
      this.checkIsLock(holder)
      // our own CreateRule that landed although its answer was lost
      if (lockOwner(holder) === this.owner.token) {
        this.arn = holder.arn
        return
      }
      if (!force) this.refuseIfAlive(holder, state)
      // of two runs deleting the same silent holder, one wins; the other finds the winner's lock next
      this.displacedAt = this.clock.now()
      try {
        await this.port.deleteLockRule(holder.arn)
      } catch (error) {
        if (FINAL.test(errorName(error))) throw error
        // it may have landed, or land later (by ARN: it can only ever delete that rule); the
        // next create tells whether the priority is free
        await again(error)
        attempt--
      }
    }
    throw new RolloutLockedError(
      `the lock of ${this.settings.routeArn} changed hands while this run was starting; run it again`
    )
  }

  /**
   * Who holds the lock now that this run lost it. A forced taker deletes the old rule, then
   * creates its own: a read in between finds none, so it looks again for a few seconds.
   */
  async holder(): Promise<LockHolder | undefined> {
    for (let look = 0; look < HOLDER_LOOKS; look++) {
      const rule = await this.port.ruleAt(this.listenerArn, this.priority)
      const token = rule && lockOwner(rule)
      if (rule && token && rule.tags[LOCK_KEYS.route] === this.settings.routeArn) {
        return {
          owner: { token, ...runOf(rule) },
          purpose: rule.tags[LOCK_KEYS.purpose] === 'abort' ? 'abort' : 'rollout'
        }
      }
      if (look < HOLDER_LOOKS - 1) await this.clock.sleep(HOLDER_SETTLE_MS)
    }
    return undefined
  }

  /**
   * Creates the lock rule. A create whose answer was lost may still have landed: the rule at the
   * priority then carries this run's token, and it is this run's.
   */
  private async create(): Promise<
    { kind: 'created'; rule: TaggedRule } | { kind: 'taken' } | { kind: 'unknown'; error: unknown }
  > {
    try {
      return await this.port.createLockRule(this.listenerArn, this.priority, this.tags())
    } catch (error) {
      if (FINAL.test(errorName(error))) throw error
      const landed = await this.port.ruleAt(this.listenerArn, this.priority).catch(() => undefined)
      if (landed && lockOwner(landed) === this.owner.token) return { kind: 'created', rule: landed }
      // nothing there (yet): a create that lands late is refused once another rule has the
      // priority, or found to be this run's by the next try
      return landed ? { kind: 'taken' } : { kind: 'unknown', error }
    }
  }

  /** Takes over a lock this process's main step held (the post step). */
  adopt(arn: string): void {
    this.arn = arn
  }

  /** Gives the lock up; a rule already gone was taken by another run, which is fine too. */
  async release(): Promise<void> {
    const arn = this.arn
    if (!arn) return
    this.arn = undefined
    await this.port.deleteLockRule(arn)
  }

  private tags(): Record<string, string> {
    return {
      [LOCK_KEYS.route]: this.settings.routeArn,
      [LOCK_KEYS.owner]: this.owner.token,
      [LOCK_KEYS.claimed]: new Date(this.clock.now()).toISOString(),
      [LOCK_KEYS.purpose]: this.purpose,
      // a run id or URL a tag cannot hold (too long, or a character outside ELBv2's set) is left
      // out: CreateRule would refuse the whole lock for it, and the owner token names the run
      ...(this.owner.runId && fits(this.owner.runId)
        ? { [LOCK_KEYS.runId]: this.owner.runId }
        : {}),
      ...(this.owner.runUrl && fits(this.owner.runUrl)
        ? { [LOCK_KEYS.runUrl]: this.owner.runUrl }
        : {})
    }
  }

  /** A rule at the lock's priority that is not this route's lock is the user's: never touched. */
  private checkIsLock(rule: TaggedRule): void {
    const route = rule.tags[LOCK_KEYS.route]
    if (route === this.settings.routeArn) return
    const what = route
      ? `the lock of another route (${route})`
      : 'a rule that is not the action’s lock'
    throw new TopologyError(
      `priority ${this.priority} of ${this.listenerArn}, where the action keeps the lock of ` +
        `${this.settings.routeArn}, is held by ${rule.arn}, ${what}; set the input lock-priority ` +
        'to a priority (1-50000) that no rule of the listener uses. Nothing was changed'
    )
  }

  /** The holder stays while its record shows it alive, or while it is new and has none yet. */
  private refuseIfAlive(holder: TaggedRule, state: StoredState): void {
    const holderToken = lockOwner(holder)
    const limit = staleAfter(this.settings)
    const now = this.clock.now()
    if (state.kind === 'record' && state.record.owner.token === holderToken) {
      const verdict = judgeLock(state, now, limit)
      if (verdict.kind === 'held') {
        throw new RolloutLockedError(
          heldWords(verdict.record, verdict.silentMs, this.settings.routeArn)
        )
      }
      return
    }
    const claimed = Date.parse(holder.tags[LOCK_KEYS.claimed] ?? '')
    const silentMs = Number.isFinite(claimed) ? Math.max(0, now - claimed) : Infinity
    if (silentMs < limit) {
      const who = holderToken ? ownerWords({ token: holderToken, ...runOf(holder) }) : 'another run'
      throw new RolloutLockedError(
        `another rollout is starting on ${this.settings.routeArn}: ${who} took its lock ` +
          `${formatDuration(Math.round(silentMs / 1000) * 1000)} ago; wait for it to finish, or ` +
          'run the action with command: abort to stop it'
      )
    }
  }
}

function runOf(rule: TaggedRule): Partial<Owner> {
  const url = rule.tags[LOCK_KEYS.runUrl]
  const runId = rule.tags[LOCK_KEYS.runId]
  return { ...(url ? { runUrl: url } : {}), ...(runId ? { runId } : {}) }
}
