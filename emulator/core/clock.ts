/**
 * Simulated time. Every duration the emulator simulates (task start, health check intervals,
 * draining) is measured on `simNow()`, which runs 1/timeScale times faster than the wall clock.
 * Timestamps returned through the API are wall-clock (`wallNow()`), so that a client comparing
 * them with its own clock is not confused by the scaling.
 */
export class SimClock {
  private realAnchor = Date.now()
  private simAnchor = Date.now()
  private scale = 1

  get timeScale(): number {
    return this.scale
  }

  set timeScale(value: number) {
    if (!(value > 0)) throw new Error(`timeScale must be a number above 0, got ${value}`)
    this.simAnchor = this.simNow()
    this.realAnchor = Date.now()
    this.scale = value
  }

  /** simulated milliseconds; only differences between two readings mean anything */
  simNow(): number {
    return this.simAnchor + (Date.now() - this.realAnchor) / this.scale
  }

  wallNow(): number {
    return Date.now()
  }
}
