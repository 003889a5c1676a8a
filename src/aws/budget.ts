import { AsyncLocalStorage } from 'node:async_hooks'
import { NotCarriedOutError } from '../rollout/errors.js'
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
  /** the last moment a throttled call is tried again, unless its caller said otherwise (`patientFor`) */
  until(): number
  /** told of every attempt AWS throttled, the SDK's own retries included */
  throttled?(): void
}

/** How long after a throttled attempt a run counts as crowded. */
export const CROWDED_FOR_MS = 30_000

/** A run's budget: its `timeout` from now; and whether AWS throttled any of its calls lately. */
export function runBudget(
  timeoutMs: number,
  now: () => number = Date.now
): CallBudget & { crowded(): boolean } {
  const end = now() + timeoutMs
  let throttledAt = -Infinity
  return {
    until: () => end,
    throttled: () => {
      throttledAt = now()
    },
    crowded: () => now() - throttledAt < CROWDED_FOR_MS
  }
}

/** the patience a caller gave the calls it makes (see patientFor, once) */
const given = new AsyncLocalStorage<{ until: number; once?: boolean }>()

/**
 * Runs `work` with every AWS call it makes waiting out throttling until `ms` from now, instead of
 * until the run's timeout: longer for what returns traffic, which must land even after the
 * timeout; shorter for a write that must not hold a revert back, or a look that must not hold a
 * wait. The innermost caller decides.
 */
export function patientFor<T>(
  ms: number,
  work: () => Promise<T>,
  now: () => number = Date.now
): Promise<T> {
  return given.run({ until: now() + ms }, work)
}

/**
 * Runs `work` with every AWS call it makes tried exactly once: a throttled call is neither waited
 * out nor retried by the SDK, and fails with NotCarriedOutError. For a write that must land right
 * after the check before it: a retry seconds later would land on what the check no longer saw.
 */
export function once<T>(work: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  return given.run({ until: now(), once: true }, work)
}

/** A call that AWS kept throttling until the run's budget for it ran out. */
export class ThrottledTooLongError extends Error {
  constructor(
    readonly operation: string,
    readonly throttledMs: number,
    override readonly cause: unknown
  ) {
    super(
      `AWS kept throttling ${operation} for ${seconds(throttledMs)} s ` +
        `(${cause instanceof Error ? cause.message : String(cause)}), so the run could not go on`
    )
    this.name = 'ThrottledTooLongError'
  }
}

const seconds = (ms: number): string =>
  ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000))

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
 * Runs `call` (one AWS operation, with the SDK's own retries inside it) until it is not
 * throttled or `until` has come. Waits double up to 10 s, jittered between half and all of it,
 * so that the runs throttled together do not come back together.
 */
export async function waitOutThrottling<T>(
  operation: string,
  until: number,
  call: () => Promise<T>,
  options: Partial<PatienceOptions> = {}
): Promise<T> {
  const { firstWaitMs, longestWaitMs, now, sleep, random } = { ...DEFAULTS, ...options }
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
      const until = given.getStore()?.until ?? budget.until()
      return waitOutThrottling(operation, until, () => next(args), options)
    },
    { step: 'initialize', name: 'ecsBlueGreenCallBudget', priority: 'high' }
  )
  // inside the SDK's retry middleware (finalizeRequest, high): sees every attempt
  ;(client.middlewareStack as Stack).add(
    (next, context) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        if (!isThrottling(error)) throw error
        budget.throttled?.()
        if (!given.getStore()?.once) throw error
        // not a throttling error to the SDK's retry strategy: it is not retried
        const operation = (context.commandName ?? 'a call').replace(/Command$/, '')
        throw new NotCarriedOutError(
          `AWS throttled ${operation} (${(error as Error).message}); it was not carried out`,
          { cause: error }
        )
      }
    },
    { step: 'finalizeRequest', name: 'ecsBlueGreenThrottleWatch', priority: 'low' }
  )
}
