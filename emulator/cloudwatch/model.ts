import type { SimClock } from '../core/clock.js'
import { MetricStore } from './metric-store.js'
import type { CompositeAlarm } from './composite-alarms.js'
import type { Alarm } from './state.js'

/** Every metric and alarm of every region. */
export class CloudWatchModel {
  readonly metrics = new MetricStore()
  /** by `${region}/${name}` */
  readonly alarms = new Map<string, Alarm>()
  /** composite alarms, by `${region}/${name}` too: one name is one alarm of either kind */
  readonly composites = new Map<string, CompositeAlarm>()

  constructor(readonly clock: SimClock) {}

  /**
   * The simulated time at a wall-clock instant, for timestamps callers send (StartTime,
   * EndTime, a datum's Timestamp). Exact while timeScale stays as it is; a change of timeScale
   * moves where earlier instants fall.
   */
  simAt(wallMs: number): number {
    return this.clock.simNow() - (this.clock.wallNow() - wallMs) / this.clock.timeScale
  }

  /** the wall-clock instant of a simulated time, as a Date the JSON protocol writes in seconds */
  dateAt(simMs: number): Date {
    return new Date(Math.round(this.clock.wallAt(simMs)))
  }

  clear(): void {
    this.metrics.clear()
    this.alarms.clear()
    this.composites.clear()
  }
}
