/**
 * AWS throttles each account and region as a whole: with many rollouts (or other tools) at
 * once, a write can be throttled more times in a row than the SDK's own retries cover. A
 * throttled call was not carried out, so trying it again is always safe; giving up would turn a
 * good release into a revert.
 */

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown'
])

export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return THROTTLING.has(error.name) || status === 429
}

const FIRST_WAIT_MS = 1000
const LONGEST_WAIT_MS = 10_000
/** on top of the SDK's own retries, which already waited up to about half a minute */
const BUDGET_MS = 60_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `call`, trying again while AWS throttles it, with growing, jittered waits (so that the
 * runs throttled together do not come back together), for up to a minute.
 */
export async function throttlingTolerated<T>(
  call: () => Promise<T>,
  budgetMs = BUDGET_MS
): Promise<T> {
  const started = Date.now()
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    try {
      return await call()
    } catch (error) {
      const pause = wait / 2 + Math.random() * (wait / 2)
      if (!isThrottling(error) || Date.now() - started + pause > budgetMs) throw error
      await sleep(pause)
    }
  }
}
