import { formatDuration } from './duration.js'
import { errorText, interruption, type RunContext } from './context.js'
import { TakenOverError } from './errors.js'

/** Read errors back off, doubling, up to this. */
const MAX_BACKOFF_MS = 30_000
/** A zero interval would spin; nobody means that. */
const MIN_INTERVAL_MS = 100

export type PollResult<T> = { ok: true; value: T } | { ok: false; reason: string }

export interface PollSpec<S, T> {
  /** what is being read, for warnings: "web-green's health" */
  what: string
  /** where the run is, for a timeout or cancel: "during bake at 25%" */
  where: string
  read: () => Promise<S>
  /** a value ends the poll; undefined polls again */
  judge: (seen: S) => T | undefined
  /** a time to wake at even if the interval has not passed (the end of a bake) */
  wakeAt?: number
  /**
   * Something can change at any moment and the run should act on it at once: the new side's
   * targets turning healthy, or unhealthy while they take traffic. Reads then come this many times
   * a poll interval (WATCHFUL_READS); the reads themselves keep to about one AWS call each (see
   * IdleWatcher).
   */
  watchful?: number
}

/**
 * How much less often a run reads while AWS throttles its calls: AWS's buckets are per account, so
 * a hundred rollouts that keep reading at their own pace leave no tokens for the writes that move
 * them on (ELBv2 has one bucket of 10 calls a second for all of its calls).
 */
export const CROWDED_SLOWER = 3

/**
 * A watchful poll reads no more than once a second of its own accord: a poll-interval of a
 * second or less is read at as given, not several times within it.
 */
export const WATCHFUL_FLOOR_MS = 1_000

/**
 * How many times a poll interval a watchful poll reads. While baking, 2.5: at the default 5s
 * every 2 s, so a target turning unhealthy is noticed within a second at the median and a rollout
 * stays under one AWS call a second. While bringing up, 5: the new side turning healthy is what
 * the whole rollout waits on, and the bring-up is a small part of a rollout's calls.
 */
export const WATCHFUL_READS = { bake: 2.5, bringUp: 5 } as const

/**
 * Reads every poll interval until `judge` settles, the deadline passes or the run is cancelled.
 * A read that throws (throttling after the SDK's own retries, a network blip) is a warning and
 * another try after a backoff, never a verdict: only what was actually seen can fail a release.
 */
export async function pollUntil<S, T>(
  run: RunContext,
  spec: PollSpec<S, T>
): Promise<PollResult<T>> {
  const { clock, observer, signal } = run.deps
  const configured = Math.max(run.settings.pollIntervalMs, MIN_INTERVAL_MS)
  const watchful = spec.watchful
    ? Math.min(configured, Math.max(Math.round(configured / spec.watchful), WATCHFUL_FLOOR_MS))
    : configured
  let backoff = 0
  /** why the last read failed, while no read has succeeded since: part of a timeout's reason */
  let failing: string | undefined
  for (;;) {
    // first, so that an abort it notices stops this poll; it writes nothing once cancelled
    await run.deps.heartbeat?.()
    const stop = interruption(run, spec.where)
    if (stop) {
      const why = failing ? ` (could not read ${spec.what}: ${failing})` : ''
      return { ok: false, reason: `${stop}${why}` }
    }
    // a crowded account: every read this run saves is one another rollout can make progress with
    const interval = run.deps.crowded?.() ? configured * CROWDED_SLOWER : watchful
    let delay = interval
    try {
      const seen = await spec.read()
      backoff = 0
      failing = undefined
      const value = spec.judge(seen)
      if (value !== undefined) return { ok: true, value }
      if (spec.wakeAt !== undefined) delay = Math.min(delay, spec.wakeAt - clock.now())
    } catch (error) {
      // a run that lost the rollout stops at once; it is not a read to try again
      if (error instanceof TakenOverError) throw error
      // from the configured interval, not the watchful one: a throttled run must ease off
      backoff = Math.min(
        backoff === 0 ? configured * 2 : backoff * 2,
        Math.max(MAX_BACKOFF_MS, configured)
      )
      delay = backoff
      failing = errorText(error)
      observer.warn(
        `could not read ${spec.what}: ${errorText(error)}; trying again in ${formatDuration(backoff)}`
      )
    }
    delay = Math.min(delay, run.deadline - clock.now())
    await clock.sleep(Math.max(delay, 0), signal)
  }
}
