/** Every call the in-memory AWS received, in order, so tests assert on what the engine did. */
export interface Call {
  op: string
  input: unknown
  /** when the call was made (for a late one: issued; `landedAt` says when it took effect) */
  at: number
  mutating: boolean
  /** it threw (an injected fault or a refused request) */
  failed: boolean
  /** who made it, when the caller said so (see CallLog.attribute) */
  actor?: string
  /** when it took effect, once it has (a call that threw before taking effect never has) */
  landedAt?: number
  /** its effect was held back by a `late` fault */
  late?: boolean
}

export interface Fault {
  /** how many matching calls fail; default: all of them */
  times?: number
  error?: string
  when?: (input: never, call: Call) => boolean
  /** a lost response: AWS applies the call, but the caller gets the error */
  applyThenFail?: boolean
  /**
   * A write that lands late: the caller gets the error at once (its request timed out), and AWS
   * applies it only after `calls` more calls (by anyone) or once `ms` of virtual time have
   * passed, whichever comes first (one of them is required).
   */
  late?: { calls?: number; ms?: number }
}

const MUTATING = new Set([
  'registerTaskDefinition',
  'updateService',
  'writeForward',
  'writeTags',
  'removeTags',
  'createLockRule',
  'deleteLockRule',
  'registerScalableTarget',
  'putScalingPolicy',
  'runTask',
  'stopTask',
  'deregisterTaskDefinition'
])

interface Pending {
  call: Call
  perform: () => unknown
  /** lands before the call with this index is performed, or once the clock reaches `dueAt` */
  beforeCall: number
  dueAt: number
}

export class CallLog {
  readonly calls: Call[] = []
  private faults: { op: string; fault: Fault }[] = []
  private hooks: { op: string; run: (input: never) => void }[] = []
  private observers: ((call: Call) => void)[] = []
  private pending: Pending[] = []
  private caller?: string

  constructor(private readonly now: () => number) {}

  /** the next matching calls of `op` (`*`: any) throw, as AWS does when throttling or refusing */
  fail(op: string, fault: Fault = {}): void {
    if (fault.late && fault.late.calls === undefined && fault.late.ms === undefined) {
      throw new Error('CallLog: a late fault needs `calls` or `ms`')
    }
    this.faults.push({ op, fault: { ...fault } })
  }

  /** the fault has passed */
  clearFaults(): void {
    this.faults = []
  }

  /** runs after each successful call of `op`: someone else acting on AWS meanwhile */
  after(op: string, run: (input: never) => void): void {
    this.hooks.push({ op, run })
  }

  /** runs each time a call takes effect (a lost or late one too), right after it did */
  observe(run: (call: Call) => void): void {
    this.observers.push(run)
  }

  /**
   * The calls made synchronously inside `make` are attributed to `actor` (each port method logs
   * its call before its first await, so this holds even with many callers interleaved).
   */
  attribute<T>(actor: string, make: () => T): T {
    const before = this.caller
    this.caller = actor
    try {
      return make()
    } finally {
      this.caller = before
    }
  }

  /** late calls still waiting to take effect */
  get lateCount(): number {
    return this.pending.length
  }

  /** Lands the late calls that are due by now (all of them with `all`), in the order issued. */
  landLate(all = false, beforeCall = this.calls.length): void {
    const now = this.now()
    const due = this.pending.filter(
      (entry) => all || entry.dueAt <= now || entry.beforeCall <= beforeCall
    )
    if (due.length === 0) return
    this.pending = this.pending.filter((entry) => !due.includes(entry))
    for (const entry of due) {
      try {
        entry.perform()
      } catch {
        // refused when it landed: the caller had its error long ago
        continue
      }
      this.landed(entry.call)
    }
  }

  async record<T>(op: string, input: unknown, perform: () => T): Promise<T> {
    const call: Call = {
      op,
      input: structuredClone(input),
      at: this.now(),
      mutating: MUTATING.has(op),
      failed: false,
      ...(this.caller !== undefined ? { actor: this.caller } : {})
    }
    const index = this.calls.length
    this.calls.push(call)
    // answers arrive on a later tick, as over the network
    await Promise.resolve()
    this.landLate(false, index)
    const fault = this.faults.find(
      (entry) =>
        (entry.op === op || entry.op === '*') &&
        (entry.fault.times === undefined || entry.fault.times > 0) &&
        (!entry.fault.when || entry.fault.when(input as never, call))
    )
    try {
      if (fault) {
        if (fault.fault.times !== undefined) fault.fault.times--
        const error = new Error(fault.fault.error ?? `${op}: Throttling: Rate exceeded`)
        // an AWS error code alone (`AccessDeniedException`) is the error's name, as the SDK sets it
        if (fault.fault.error && /^[A-Z][A-Za-z]+$/.test(fault.fault.error))
          error.name = fault.fault.error
        const { late } = fault.fault
        if (late) {
          call.late = true
          this.pending.push({
            call,
            perform,
            beforeCall: late.calls === undefined ? Infinity : index + 1 + late.calls,
            dueAt: late.ms === undefined ? Infinity : this.now() + late.ms
          })
        } else if (fault.fault.applyThenFail) {
          try {
            perform()
            this.landed(call)
          } catch {
            // refused anyway: the caller gets the injected error all the same
          }
        }
        throw error
      }
      const result = perform()
      this.landed(call)
      for (const hook of this.hooks) if (hook.op === op) hook.run(input as never)
      return structuredClone(result)
    } catch (error) {
      call.failed = true
      throw error
    }
  }

  mutations(): Call[] {
    return this.calls.filter((call) => call.mutating)
  }

  private landed(call: Call): void {
    call.landedAt = this.now()
    for (const observer of this.observers) observer(call)
  }
}
