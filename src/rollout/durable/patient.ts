import type { Clock } from '../ports.js'

/**
 * Refusals that say the request itself is wrong, and a run that lost its lock (TakenOverError,
 * AbortedByOtherError): asking again gets the same answer.
 */
const FINAL =
  /Validation|TooManyTags|DuplicateTagKeys|AccessDenied|NotFound|InvalidParameter|TakenOver|AbortedByOther/

function finalWrite(error: unknown): boolean {
  return FINAL.test(error instanceof Error ? error.name : '')
}

/**
 * On top of the SDK's own retries (up to 8 attempts with backoff): long enough to outlast a burst
 * of throttling, short against any stale-after.
 */
const BUDGET_MS = 30_000
const FIRST_WAIT_MS = 500
const LONGEST_WAIT_MS = 8000

/**
 * Runs a write of the rollout's record, trying again on anything that may pass (throttling, a
 * 5xx, a reset connection) for up to half a minute more: a run stops changing AWS when its record
 * cannot be written, so giving up early would turn a passing throttle into a revert.
 */
export async function patiently<T>(
  clock: Clock,
  write: () => Promise<T>,
  budgetMs = BUDGET_MS,
  final: (error: unknown) => boolean = finalWrite
): Promise<T> {
  const started = clock.now()
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    try {
      return await write()
    } catch (error) {
      if (final(error) || clock.now() - started + wait > budgetMs) throw error
      await clock.sleep(wait)
    }
  }
}
