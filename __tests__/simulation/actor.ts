import type { DurableDeps, PostStepHold } from '../../src/rollout/durable/keeper.js'
import type { Clock, EcsPort, ElbPort, LockPort, TagPort } from '../../src/rollout/ports.js'
import type { BlueGreen } from '../support/blue-green.js'
import type { Call } from '../support/call-log.js'
import { recorder } from '../support/recorder.js'
import type { DeathPlan, FaultPlan } from './schedule.js'
import type { SimClock } from './sim-clock.js'

export type ActorStatus = 'waiting' | 'running' | 'done' | 'dead'

/** What the invariants need to know about a call, beyond what the log keeps. */
export interface CallMeta {
  actor: Actor
  /** the actor's count of its own calls, and of its own mutating calls */
  nth: number
  nthMutation: number
  nthWriteTags: number
  issuedAt: number
  /** the actor's lock rule existed when it sent the call */
  heldAtIssue: boolean
  /** it took virtual time to land (a slow call) */
  slowed: boolean
}

/** Who holds the route's lock right now, read straight from the world (no call logged). */
export type LockHolder = () => string | undefined

const MUTATING = new Set([
  'registerTaskDefinition',
  'updateService',
  'writeForward',
  'writeTags',
  'removeTags',
  'createLockRule',
  'deleteLockRule'
])

/**
 * One process acting on the shared world: its own view of the ports (every call attributed to
 * it, slowed, faulted or cut short as its plan says) and of the clock (a dead runner's sleeps
 * never end). The world, the log and virtual time stay one.
 */
export class Actor {
  status: ActorStatus = 'waiting'
  /** the last hold the run saved for its post step (undefined: it never saved one) */
  hold: PostStepHold | null | undefined
  diedAt?: number
  outcome?: unknown
  error?: unknown
  /** told when the runner dies (the harness schedules its post step) */
  onDeath?: () => void
  readonly record = recorder()
  private calls = 0
  private mutations = 0
  private tagWrites = 0

  constructor(
    readonly name: string,
    readonly token: string,
    private readonly bg: BlueGreen,
    private readonly clock: SimClock,
    private readonly meta: WeakMap<Call, CallMeta>,
    private readonly holder: LockHolder,
    private readonly plan: {
      faults?: FaultPlan[]
      slow?: { nth: number; ms: number }[]
      death?: DeathPlan
    } = {}
  ) {
    for (const fault of plan.faults ?? []) this.inject(fault)
  }

  get alive(): boolean {
    return this.status === 'running'
  }

  /** Starts `work` now; the status follows it, and a death plan by time is armed. */
  start(work: (deps: DurableDeps) => Promise<unknown>): void {
    this.status = 'running'
    const death = this.plan.death
    if (death && 'afterMs' in death) {
      this.clock.at(this.clock.now() + death.afterMs, () => {
        if (this.status === 'running') this.die()
      })
    }
    work(this.deps()).then(
      (outcome) => {
        if (this.status !== 'running') return
        this.status = 'done'
        this.outcome = outcome
      },
      (error: unknown) => {
        if (this.status !== 'running') return
        this.status = 'done'
        this.error = error
      }
    )
  }

  deps(): DurableDeps {
    const aws = this.bg.aws
    const ecs = this.wrap(aws.ecs)
    const elb = this.wrap(aws.elb)
    return this.bg.durableDeps(this.token, {
      ecs,
      elb,
      tags: elb as TagPort,
      lock: this.wrap(aws.lock),
      clock: this.clockView(),
      observer: this.record.observer,
      onState: undefined,
      onPostStep: (hold) => {
        this.hold = hold
      }
    })
  }

  private die(): void {
    this.status = 'dead'
    this.diedAt = this.clock.now()
    this.onDeath?.()
  }

  /** a promise that never settles: the process is gone */
  private gone<T>(): Promise<T> {
    return new Promise<T>(() => undefined)
  }

  private clockView(): Clock {
    return {
      now: () => this.clock.now(),
      sleep: async (ms, signal) => {
        if (this.status !== 'running') return this.gone()
        await this.clock.sleep(ms, signal)
        if (this.status !== 'running') return this.gone()
      }
    }
  }

  private wrap<P extends EcsPort | ElbPort | LockPort | TagPort>(port: P): P {
    const wrapped: Record<string, unknown> = {}
    for (const [op, method] of Object.entries(port) as [
      string,
      (...args: unknown[]) => unknown
    ][]) {
      wrapped[op] = (...args: unknown[]) => this.call(op, () => method(...args) as Promise<unknown>)
    }
    return wrapped as P
  }

  private async call(op: string, send: () => Promise<unknown>): Promise<unknown> {
    if (this.status !== 'running') return this.gone()
    const nth = this.calls++
    const mutating = MUTATING.has(op)
    const nthMutation = mutating ? this.mutations++ : -1
    const nthWriteTags = op === 'writeTags' ? this.tagWrites++ : -1
    const death = this.plan.death
    const dies = death !== undefined && 'atCall' in death && death.atCall === nth
    if (dies && !death.sent) {
      this.die()
      return this.gone()
    }
    const issuedAt = this.clock.now()
    const heldAtIssue = this.holder() === this.token
    const slow = this.plan.slow?.find((entry) => entry.nth === nth)
    if (slow) {
      await this.clock.sleep(slow.ms)
      if (this.status !== 'running') return this.gone()
    }
    const log = this.bg.aws.log
    const answer = log.attribute(this.name, send)
    const call = log.calls.at(-1)!
    this.meta.set(call, {
      actor: this,
      nth,
      nthMutation,
      nthWriteTags,
      issuedAt,
      heldAtIssue,
      slowed: Boolean(slow)
    })
    if (dies) {
      // sent: AWS applies it, the runner is gone before the answer
      answer.catch(() => undefined)
      this.die()
      return this.gone()
    }
    try {
      return await answer
    } finally {
      if (this.status !== 'running') await this.gone()
    }
  }

  private inject(fault: FaultPlan): void {
    const log = this.bg.aws.log
    const mine = (call: Call): CallMeta | undefined => {
      const meta = this.meta.get(call)
      return meta?.actor === this ? meta : undefined
    }
    switch (fault.kind) {
      case 'lost':
      case 'late':
        log.fail('*', {
          times: 1,
          when: (_input, call) =>
            mine(call)?.nthMutation === fault.nth &&
            (fault.kind !== 'late' || fault.weights === true || call.op !== 'writeForward'),
          ...(fault.kind === 'lost'
            ? { applyThenFail: true, error: 'socket hang up (the answer was lost)' }
            : {
                late: { calls: fault.calls, ms: fault.ms },
                error: 'TimeoutError: the request timed out'
              })
        })
        return
      case 'throttle':
        log.fail('*', { times: 1, when: (_input, call) => mine(call)?.nth === fault.nth })
        return
      case 'tags-throttled':
        log.fail('writeTags', {
          times: fault.times,
          when: (_input, call) => (mine(call)?.nthWriteTags ?? -1) >= fault.nth
        })
        return
    }
  }
}
