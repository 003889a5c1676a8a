import type { Clock } from '../../src/rollout/ports.js'

/** Sleeps beyond this many mean a loop that never ends; fail the test instead of hanging it. */
const MAX_SLEEPS = 200_000

/**
 * Virtual time: `sleep` moves the clock forward at once, so a 30-minute rollout runs in
 * milliseconds. Alarms set with `at` fire when a sleep passes their time (a cancel at minute 7),
 * and a sleep whose signal they abort ends there, as a real one would.
 */
export class FakeClock implements Clock {
  private time: number
  private alarms: { at: number; fire: () => void }[] = []
  private stall?: { at: number; reached: () => void }
  sleeps = 0

  constructor(start = Date.UTC(2026, 10, 2, 9, 0, 0)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  /** runs `fire` when virtual time reaches `at` */
  at(at: number, fire: () => void): void {
    this.alarms.push({ at, fire })
    this.alarms.sort((a, b) => a.at - b.at)
  }

  /**
   * The first sleep to reach `at` never returns, as if the process running it was killed there;
   * the promise resolves when that happens. Sleeps after it run as usual (another runner).
   */
  stallAt(at: number): Promise<void> {
    return new Promise((reached) => {
      this.stall = { at, reached }
    })
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (++this.sleeps > MAX_SLEEPS) throw new Error('FakeClock: too many sleeps, a loop never ends')
    const until = this.time + Math.max(0, ms)
    const stall = this.stall
    if (stall && until >= stall.at) {
      this.stall = undefined
      this.time = stall.at
      stall.reached()
      return new Promise<void>(() => undefined)
    }
    while (!signal?.aborted) {
      const next = this.alarms[0]
      if (!next || next.at > until) {
        this.time = until
        break
      }
      this.alarms.shift()
      this.time = Math.max(this.time, next.at)
      next.fire()
    }
    // let other promises run, as a real timer would
    await Promise.resolve()
  }
}
