/**
 * Simulated time. Every duration the emulator simulates (task start, health check intervals,
 * draining) is measured on `simNow()`, which runs 1/timeScale times faster than the wall clock.
 * Timestamps returned through the API are wall-clock (`wallNow()`), so that a client comparing
 * them with its own clock is not confused by the scaling.
 *
 * A manual clock (`new SimClock({ manual: true })`) stands still until `advance()` moves it, so
 * that model tests decide exactly how much time passes; its wall clock moves with it.
 */
export class SimClock {
  private readonly manual: boolean
  /** manual mode: the real milliseconds that have "passed" */
  private manualElapsed = 0
  private readonly origin = Date.now()
  private realAnchor: number
  private simAnchor: number
  private scale = 1

  constructor(options: { timeScale?: number; manual?: boolean } = {}) {
    this.manual = options.manual ?? false
    this.realAnchor = this.realNow()
    this.simAnchor = this.realAnchor
    if (options.timeScale !== undefined) this.timeScale = options.timeScale
  }

  get timeScale(): number {
    return this.scale
  }

  set timeScale(value: number) {
    if (!(value > 0)) throw new Error(`timeScale must be a number above 0, got ${value}`)
    this.simAnchor = this.simNow()
    this.realAnchor = this.realNow()
    this.scale = value
  }

  /** simulated milliseconds; only differences between two readings mean anything */
  simNow(): number {
    return this.simAnchor + (this.realNow() - this.realAnchor) / this.scale
  }

  wallNow(): number {
    return this.realNow()
  }

  /** the wall-clock time at which the simulation was (or will be) at `simMs` */
  wallAt(simMs: number): number {
    return this.wallNow() - (this.simNow() - simMs) * this.scale
  }

  /** manual mode only: lets `simMs` simulated milliseconds pass */
  advance(simMs: number): void {
    if (!this.manual)
      throw new Error('advance() needs a manual clock: new SimClock({ manual: true })')
    if (!(simMs >= 0)) throw new Error(`advance() takes milliseconds of 0 or more, got ${simMs}`)
    this.manualElapsed += simMs * this.scale
  }

  private realNow(): number {
    return this.manual ? this.origin + this.manualElapsed : Date.now()
  }
}
