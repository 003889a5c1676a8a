import { isThrottling } from './patience.js'

/**
 * How long a run keeps trying calls that AWS throttles. AWS throttles each account and region as
 * a whole, so when a hundred rollouts (or other tools) share it, one call can be throttled for
 * longer than the SDK's own eight attempts cover, and the SDK's retry quota (500 tokens, 5 per
 * throttled retry) runs dry after a hundred such retries. A throttled call was not carried out:
 * trying it again is always safe, and giving up would turn a good release into a revert or a
 * run with no result. So every call of a run waits out throttling, with growing jittered waits,
 * as long as the run's own timeout allows; only then does it fail, naming the call.
 */
export interface CallBudget {
  /** the last moment a throttled read is tried again */
  readsUntil(): number
  /** the last moment a throttled write is tried again: later, so that a revert still lands */
  writesUntil(): number
  /** told of every attempt AWS throttled, the SDK's own retries included */
  throttled?(): void
}

/** How long after a throttled attempt a run counts as crowded. */
export const CROWDED_FOR_MS = 30_000

/** What a write may take past the run's timeout: the revert's budget for returning traffic. */
export const WRITE_GRACE_MS = 120_000

/**
 * A run's budget: its `timeout` from now for reads, plus the revert's grace for writes; and
 * whether AWS throttled any of its calls in the last CROWDED_FOR_MS.
 */
export function runBudget(
  timeoutMs: number,
  now: () => number = Date.now
): CallBudget & { crowded(): boolean } {
  const end = now() + timeoutMs
  let throttledAt = -Infinity
  return {
    readsUntil: () => end,
    writesUntil: () => end + WRITE_GRACE_MS,
    throttled: () => {
      throttledAt = now()
    },
    crowded: () => now() - throttledAt < CROWDED_FOR_MS
  }
}

/** A call that AWS kept throttling until the run's budget for it ran out. */
export class ThrottledTooLongError extends Error {
  constructor(
    readonly operation: string,
    readonly throttledMs: number,
    override readonly cause: unknown
  ) {
    super(
      `AWS kept throttling ${operation} for ${Math.round(throttledMs / 1000)} s ` +
        `(${cause instanceof Error ? cause.message : String(cause)}), so the run could not go on`
    )
    this.name = 'ThrottledTooLongError'
  }
}

export interface PatienceOptions {
  firstWaitMs: number
  longestWaitMs: number
  now: () => number
  sleep: (ms: number) => Promise<void>
  random: () => number
}

const DEFAULTS: PatienceOptions = {
  firstWaitMs: 1_000,
  longestWaitMs: 10_000,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random
}

/**
 * The calls of the rollout's lock and record (tags and the lock rule), which the budget leaves to
 * the SDK's retries and to the rollout's own, bounded patience (src/rollout/durable/patient.ts):
 * a run about to return traffic gives its record a second and a half, then returns the traffic
 * anyway; a record write that waited here until the timeout would hold the traffic on a failing
 * side for as long. A lock or record write held back too long is also one that may land after
 * another run took the rollout over.
 */
const OWN_PATIENCE = new Set(['AddTags', 'RemoveTags', 'DescribeTags', 'CreateRule', 'DeleteRule'])

/** Describe*, List* and Get* change nothing; every other call is a write. */
export function isRead(operation: string): boolean {
  return /^(Describe|List|Get)/.test(operation)
}

/**
 * Runs `call` (one AWS operation, with the SDK's own retries inside it) until it is not
 * throttled or the budget for its kind runs out. Waits double up to 10 s, jittered between
 * half and all of it, so that the runs throttled together do not come back together.
 */
export async function withinBudget<T>(
  operation: string,
  budget: CallBudget,
  call: () => Promise<T>,
  options: Partial<PatienceOptions> = {}
): Promise<T> {
  const { firstWaitMs, longestWaitMs, now, sleep, random } = { ...DEFAULTS, ...options }
  const until = isRead(operation) ? budget.readsUntil() : budget.writesUntil()
  const started = now()
  for (let wait = firstWaitMs; ; wait = Math.min(wait * 2, longestWaitMs)) {
    try {
      return await call()
    } catch (error) {
      if (!isThrottling(error)) throw error
      const pause = wait / 2 + random() * (wait / 2)
      if (now() + pause > until) throw new ThrottledTooLongError(operation, now() - started, error)
      await sleep(pause)
    }
  }
}

/** The client's middleware stack, as far as this module needs it. */
interface Stack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string }
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize' | 'finalizeRequest'; name: string; priority: 'high' | 'low' }
  ): void
}

/** Puts every call of `client` under the budget, outside the SDK's own retries. */
export function applyBudget(
  client: { middlewareStack: unknown },
  budget: CallBudget,
  options: Partial<PatienceOptions> = {}
): void {
  ;(client.middlewareStack as Stack).add(
    (next, context) => (args) => {
      const operation = (context.commandName ?? 'a call').replace(/Command$/, '')
      if (OWN_PATIENCE.has(operation)) return next(args)
      return withinBudget(operation, budget, () => next(args), options)
    },
    { step: 'initialize', name: 'ecsBlueGreenCallBudget', priority: 'high' }
  )
  // inside the SDK's retry middleware (finalizeRequest, high): sees every attempt
  ;(client.middlewareStack as Stack).add(
    (next) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        if (isThrottling(error)) budget.throttled?.()
        throw error
      }
    },
    { step: 'finalizeRequest', name: 'ecsBlueGreenThrottleWatch', priority: 'low' }
  )
}
