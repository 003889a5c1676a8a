import type { AlarmView, Clock, MetricsPort, RolloutObserver, SideFigures } from '../ports.js'
import type { Pair } from '../state.js'
import { alarmsAtStart, firingWords, judgeAlarms } from './alarms.js'
import { judgeWindow, ms, percent, errorRate } from './analysis.js'
import { loadBalancerDimension, targetGroupDimension } from './dimensions.js'
import { emptyEvidence, type Evidence } from './evidence.js'
import type { WatchSettings } from './settings.js'

export interface WindowSpan {
  from: number
  to: number
}

export interface WindowFigures {
  span: WindowSpan
  idle: SideFigures
  live: SideFigures
}

const NOTHING: SideFigures = { requests: 0, errors5xx: 0 }

/**
 * What a run watches besides target health, and what it has seen so far: the alarms (which
 * ones are ignored since the start), the metric windows of the current step and the bad
 * windows of the whole run. Reads at most one DescribeAlarms and one GetMetricData a poll.
 */
export class Watching {
  readonly evidence: Evidence
  private ignoring: string[] = []
  private started = false
  private windowStart = 0
  private badWindows = 0
  private alarmsReadAt?: number

  constructor(
    readonly settings: WatchSettings,
    private readonly deps: { metrics?: MetricsPort; clock: Clock; observer: RolloutObserver }
  ) {
    this.evidence = emptyEvidence(settings.alarms)
  }

  get watchesAlarms(): boolean {
    return this.settings.alarms.length > 0
  }

  /**
   * The alarms as the run starts: a reason to refuse the start, or undefined. A run that never
   * called this (a promote picking a rollout up) treats its first read as the start.
   */
  async start(): Promise<string | undefined> {
    if (!this.watchesAlarms || this.started) return undefined
    return this.atStart(await this.port().describeAlarms(this.settings.alarms))
  }

  /**
   * One DescribeAlarms, or nothing when no alarm is watched or they were read within `everyMs`
   * (an alarm's state moves once an evaluation period, a minute or 10 seconds at the least: the
   * watchful polls of target health need not read it each time).
   */
  async readAlarms(everyMs = 0): Promise<AlarmView[] | undefined> {
    if (!this.watchesAlarms) return undefined
    const now = this.deps.clock.now()
    if (this.alarmsReadAt !== undefined && now - this.alarmsReadAt < everyMs) return undefined
    const seen = await this.port().describeAlarms(this.settings.alarms)
    this.alarmsReadAt = now
    return seen
  }

  /** Why the run must revert now because of an alarm, if it must. */
  judgeAlarms(seen: AlarmView[] | undefined, where: string): string | undefined {
    if (seen === undefined) return undefined
    if (!this.started) {
      const blocked = this.atStart(seen)
      return blocked === undefined ? undefined : `${blocked} ${where}`
    }
    this.evidence.alarmChecks++
    const poll = judgeAlarms(seen, this.ignoring)
    for (const name of poll.recovered) {
      this.note(`${name} is OK again ${where}: watched from now on`)
    }
    this.ignoring = poll.ignoring
    if (poll.firing.length === 0) return undefined
    const reason = `${firingWords(poll.firing)} ${where}`
    this.evidence.alarmNotes.push(reason)
    return reason
  }

  // ---------- metric windows ----------

  get analyses(): boolean {
    return this.settings.metrics !== undefined
  }

  /** A step's windows start when its weight was written. */
  beginStep(at: number): void {
    this.windowStart = at
  }

  /** The window to read now, if one has ended (and its figures have had time to arrive). */
  dueWindow(now: number, stepEnd: number): WindowSpan | undefined {
    const limits = this.settings.metrics
    if (!limits) return undefined
    const to = Math.min(this.windowStart + limits.windowMs, stepEnd)
    if (to <= this.windowStart || now < to + limits.delayMs) return undefined
    return { from: this.windowStart, to }
  }

  /** Every window up to the end of the step has been judged. */
  caughtUp(stepEnd: number): boolean {
    return !this.analyses || this.windowStart >= stepEnd
  }

  /** One GetMetricData for both sides and every figure. */
  async readWindow(pair: Pair, span: WindowSpan): Promise<WindowFigures> {
    const idle = targetGroupDimension(pair.idle.targetGroupArn)
    const live = targetGroupDimension(pair.live.targetGroupArn)
    const figures = await this.port().sideFigures({
      loadBalancer: loadBalancerDimension(pair.route.arn),
      targetGroups: [idle, live],
      from: span.from,
      to: span.to
    })
    return { span, idle: figures[idle] ?? NOTHING, live: figures[live] ?? NOTHING }
  }

  /**
   * Judges a window read (once: the next window starts where it ended). A reason to revert when
   * the bad windows of the run reach failure-limit.
   */
  judgeWindow(read: WindowFigures, weight: number, where: string): string | undefined {
    const limits = this.settings.metrics
    if (!limits || read.span.from !== this.windowStart) return undefined
    this.windowStart = read.span.to
    const verdict = judgeWindow(read.idle, read.live, limits)
    this.evidence.windows.push({
      percent: weight,
      from: read.span.from,
      to: read.span.to,
      idle: read.idle,
      live: read.live,
      judgement: verdict.judgement,
      reasons: verdict.reasons
    })
    this.deps.observer.info(windowLine(read, verdict.judgement, verdict.reasons))
    if (verdict.judgement !== 'bad') return undefined
    this.badWindows++
    const count = `bad window ${this.badWindows} of failure-limit ${limits.failureLimit}`
    if (this.badWindows < limits.failureLimit) {
      this.deps.observer.warn(`${verdict.reasons.join('; ')} ${where} (${count})`)
      return undefined
    }
    return `metric analysis: ${verdict.reasons.join('; ')} ${where} (${count})`
  }

  // ---------- helpers ----------

  private atStart(seen: AlarmView[]): string | undefined {
    this.started = true
    this.evidence.alarmChecks++
    const verdict = alarmsAtStart(this.settings.alarms, seen, this.settings.alarmsAtStart)
    if (verdict.kind === 'blocked') {
      this.evidence.alarmNotes.push(verdict.reason)
      return verdict.reason
    }
    this.ignoring = verdict.ignoring
    for (const note of verdict.notes) this.note(note)
    return undefined
  }

  private note(text: string): void {
    this.evidence.alarmNotes.push(text)
    this.deps.observer.warn(text)
  }

  private port(): MetricsPort {
    if (!this.deps.metrics)
      throw new Error('rollout bug: alarms or metrics watched without CloudWatch')
    return this.deps.metrics
  }
}

/** "window 12:00:05-12:01:05: new 1000 requests, 5xx 0.2%, p95 31ms, p99 48ms; live ...: good" */
function windowLine(read: WindowFigures, judgement: string, reasons: string[]): string {
  const side = (figures: SideFigures): string =>
    `${figures.requests} requests, 5xx ${percent(errorRate(figures))}` +
    (figures.p95Ms === undefined ? '' : `, p95 ${ms(figures.p95Ms)}`) +
    (figures.p99Ms === undefined ? '' : `, p99 ${ms(figures.p99Ms)}`)
  const why = reasons.length > 0 ? ` (${reasons.join('; ')})` : ''
  return `metrics: new side ${side(read.idle)}; live side ${side(read.live)}: ${judgement}${why}`
}
