import { setImmediate } from 'node:timers'
import { FakeClock } from '../support/fake-clock.js'

/** Wake-ups beyond this many in one simulation mean a loop that never ends. */
const MAX_WAKES = 200_000

interface Wake {
  at: number
  seq: number
  fire: () => void
}

/**
 * Virtual time for several actors at once, as a discrete-event simulation: a sleep registers a
 * wake-up and returns only when the scheduler gets there. `run` lets everything that can run
 * finish (all pending promises, up to the next macrotask), then moves time to the earliest
 * wake-up and fires that one alone, and again. So one actor at a time runs until it waits on
 * virtual time, ties go in the order the sleeps were made, and the same schedule always gives
 * the same interleaving.
 */
export class SimClock extends FakeClock {
  private current: number
  private seq = 0
  private wakes: Wake[] = []
  fired = 0
  /** called whenever virtual time moves forward, before the next wake-up fires */
  onAdvance?: () => void

  constructor(start = Date.UTC(2026, 10, 2, 9, 0, 0)) {
    super(start)
    this.current = start
  }

  override now(): number {
    return this.current
  }

  /** runs `fire` when the scheduler reaches `at` (at once, if that is now or past) */
  override at(at: number, fire: () => void): void {
    const wake = { at: Math.max(at, this.current), seq: this.seq++, fire }
    let i = this.wakes.length
    while (i > 0 && this.wakes[i - 1]!.at > wake.at) i--
    this.wakes.splice(i, 0, wake)
  }

  override stallAt(): Promise<void> {
    throw new Error('SimClock: runner deaths are the actors’ own (see actor.ts)')
  }

  /** resolves when the scheduler reaches now + ms, or early (without throwing) on abort */
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      let done = false
      const finish = (): void => {
        if (done) return
        done = true
        signal?.removeEventListener('abort', finish)
        resolve()
      }
      signal?.addEventListener('abort', finish, { once: true })
      this.at(this.current + Math.max(0, ms), finish)
    })
  }

  /** Runs the simulation until nothing is left to wake (dead actors wait forever, unscheduled). */
  async run(): Promise<void> {
    for (;;) {
      await settled()
      const next = this.wakes.shift()
      if (!next) return
      if (++this.fired > MAX_WAKES)
        throw new Error('SimClock: too many wake-ups, a loop never ends')
      if (next.at > this.current) {
        this.current = next.at
        this.onAdvance?.()
      }
      next.fire()
    }
  }
}

/** Every pending promise callback has run: the next macrotask comes after all of them. */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
