/** Every call the in-memory AWS received, in order, so tests assert on what the engine did. */
export interface Call {
  op: string
  input: unknown
  at: number
  mutating: boolean
  /** it threw (an injected fault or a refused request) */
  failed: boolean
}

export interface Fault {
  /** how many matching calls fail; default: all of them */
  times?: number
  error?: string
  when?: (input: never) => boolean
}

const MUTATING = new Set([
  'registerTaskDefinition',
  'updateService',
  'writeForward',
  'writeTags',
  'removeTags',
  'createLockRule',
  'deleteLockRule'
])

export class CallLog {
  readonly calls: Call[] = []
  private faults: { op: string; fault: Fault }[] = []
  private hooks: { op: string; run: (input: never) => void }[] = []

  constructor(private readonly now: () => number) {}

  /** the next matching calls of `op` throw, as AWS does when throttling or refusing */
  fail(op: string, fault: Fault = {}): void {
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

  async record<T>(op: string, input: unknown, perform: () => T): Promise<T> {
    const call: Call = {
      op,
      input: structuredClone(input),
      at: this.now(),
      mutating: MUTATING.has(op),
      failed: false
    }
    this.calls.push(call)
    // answers arrive on a later tick, as over the network
    await Promise.resolve()
    const fault = this.faults.find(
      (entry) =>
        entry.op === op &&
        (entry.fault.times === undefined || entry.fault.times > 0) &&
        (!entry.fault.when || entry.fault.when(input as never))
    )
    try {
      if (fault) {
        if (fault.fault.times !== undefined) fault.fault.times--
        throw new Error(fault.fault.error ?? `${op}: Throttling: Rate exceeded`)
      }
      const result = perform()
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
}
