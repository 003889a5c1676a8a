/** What the run watches besides target health: alarms, load balancer metrics, test traffic. */
export interface WatchSettings {
  /** CloudWatch alarm names; empty: no alarm gate */
  alarms: string[]
  /** an alarm already in ALARM when the run starts: refuse to start, or ignore it until it has been OK */
  alarmsAtStart: 'block' | 'ignore-until-ok'
  /** undefined: no metric analysis */
  metrics?: MetricThresholds
  /** undefined: no test traffic */
  testTraffic?: TestTrafficSettings
}

/** Each limit is optional; at least one is set when metric analysis is on. */
export interface MetricThresholds {
  /** the new side's 5xx share, in percent (1 = 1%) */
  maxErrorRate?: number
  /** the new side's 5xx share at most the live side's plus this many percentage points */
  maxErrorRateIncrease?: number
  maxP95Ms?: number
  maxP99Ms?: number
  /** the new side's p95 and p99 at most the live side's plus this many percent */
  maxLatencyIncrease?: number
  /** fewer requests than this to the new side in a window: no verdict ("not enough traffic") */
  minRequests: number
  /** this many bad windows in a run revert it */
  failureLimit: number
  /** the length of one analysis window */
  windowMs: number
  /** how long after a window ends CloudWatch is asked for it (ALB metrics arrive late) */
  delayMs: number
}

export interface TestTrafficSettings {
  /** a listener or listener rule pointed at the idle side after bring-up; undefined: the URL reaches it already */
  routeArn?: string
  url: string
  headers: Record<string, string>
  /** statuses that pass, e.g. [200] or 200-299 as a range */
  expectStatus: { min: number; max: number }[]
  /** a regular expression the body must match */
  expectBody?: string
  requests: number
  concurrency: number
  /** per request */
  timeoutMs: number
}
