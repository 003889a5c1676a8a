import { errorText, withCallPatience, type RolloutDeps } from '../context.js'
import { deploy, runRollout } from '../deploy.js'
import { AbortedByOtherError, RecordError, RolloutLockedError, TakenOverError } from '../errors.js'
import type { LockPort, TagPort } from '../ports.js'
import type { RolloutOutcome, Settings, TrafficStep } from '../settings.js'
import { moreChanged, type Changed, type RolloutState } from '../state.js'
import { guardedPorts } from './guarded.js'
import { CROWDED_SLOWER } from '../poll.js'
import {
  doing,
  heartbeatEvery,
  heldWords,
  judgeLock,
  LOOK_PATIENCE_MS,
  staleAfter
} from './lock.js'
import { trafficOnLive } from './pair.js'
import { patiently } from './patient.js'
import { impatient, patientDeps } from './patient-reads.js'
import { ownerWords, type Owner, type RecordPhase, type RolloutRecord } from './record.js'
import {
  checkRoom,
  clusterName,
  foreignTo,
  otherTagCount,
  restoreTags,
  writeHeartbeat,
  writeRecord,
  type StoredState
} from './store.js'
import { RouteLock } from './route-lock.js'
import { decodeRecord, TAG_PREFIX } from './tags.js'

/** What the commands that keep state in AWS run with. */
export interface DurableDeps extends RolloutDeps {
  tags: TagPort
  /** the route's lock, a listener rule */
  lock: LockPort
  /** this process, as the owner of what it writes */
  owner: Owner
  /** told when the post step has a rollout of this run's to settle, should the run die (null: none) */
  onPostStep?: (hold: PostStepHold | null) => void
}

/** What the post step needs to settle a rollout its main step left in flight. */
export interface PostStepHold {
  routeArn: string
  lockArn: string
  ownerToken: string
  /** the action's tags as the run found them, to put back if it changed nothing */
  found?: Record<string, string>
}

export interface KeeperOptions {
  kind: 'deploy' | 'rollback'
  /** the state as the run found it: a claim expects it unchanged, and puts it back if the run changes nothing */
  found: StoredState
  /** the steps to record (a resumed rollout keeps the ones it was started with) */
  steps: TrafficStep[]
  /** a resumed rollout keeps its id and start */
  rolloutId?: string
  startedAt?: number
}

/** How long a run that is to return traffic tries its record first, before it returns it anyway. */
const REVERT_RECORD_BUDGET_MS = 1500

/**
 * How often a running rollout reads its state to see whether another run stepped in. Only to stop
 * waiting sooner: every change the run makes reads it fresh first, so a run that lost the rollout
 * changes nothing more whatever this is. Every 15 s keeps the read to a tenth of a poll's calls.
 */
const CHECK_MAX_MS = 15_000

type Running = Extract<RolloutState, { release: unknown }>

/**
 * Keeps a rollout's state in AWS while one run works on it: takes the route's lock (a listener
 * rule, atomic) before the first change, writes each phase before the change it announces (and
 * makes no change when that write fails), checks before every mutating call that the run still
 * holds the lock, sends a heartbeat, and settles the record and gives the lock up when the run ends.
 *
 * Writes never stand between a failure and its revert: a phase whose work could end in a
 * revert is not written once the run is cancelled or out of time, the revert itself is not
 * written (only the record it ends with), and a heartbeat is not written once the run is
 * cancelled or out of time either.
 */
export class Keeper {
  readonly lock: RouteLock
  private readonly rolloutId: string
  /** the last record written */
  private record?: RolloutRecord
  private last?: Running
  private deadline = Infinity
  private lastBeat = 0
  private lastCheck = 0
  private others: number
  private warned = new Set<string>()
  /** why the run no longer holds the rollout, once it lost it */
  private lost?: TakenOverError
  /** with patient reads: a read that fails for a moment does not end the command */
  private readonly deps: DurableDeps

  constructor(
    private readonly settings: Settings,
    deps: DurableDeps,
    private readonly options: KeeperOptions
  ) {
    this.deps = patientDeps(deps)
    this.rolloutId =
      options.rolloutId ?? `${deps.clock.now().toString(36)}-${deps.owner.token}`.slice(0, 128)
    this.others = otherTagCount(options.found.tags)
    this.lock = new RouteLock(this.deps.lock, settings, deps.owner, deps.clock)
  }

  private get owned(): boolean {
    return this.lock.arn !== undefined
  }

  /**
   * The deps to run the rollout with: these writes, and ports whose every mutating call is
   * preceded by a fresh check that this run still holds the lock.
   */
  rolloutDeps(): RolloutDeps {
    const { deps } = this
    const guarded = guardedPorts(deps.ecs, deps.elb, () => this.beforeChange(), deps.scaling)
    return {
      ...deps,
      ...guarded,
      onState: async (state) => {
        await deps.onState?.(state)
        await this.onState(state)
      },
      heartbeat: () => this.heartbeat(),
      // the record holds a long scale-down's due time: the next run on the route does it
      deferScaleDown: true,
      // a look, not a guard: a read that fails here is only warned about
      confirmOwner: async () => {
        if (this.owned) await this.look()
      }
    }
  }

  /** Runs the rollout from `state` (a resumed one) with these writes. */
  async run(state: RolloutState, settings: Settings): Promise<RolloutOutcome> {
    this.note(state)
    return this.settledOnThrow(() => runRollout(state, settings, this.rolloutDeps()))
  }

  /** Runs a whole deploy with these writes (it claims the route when it reaches `register`). */
  deploy(settings: Settings): Promise<RolloutOutcome> {
    return this.settledOnThrow(() => deploy(settings, this.rolloutDeps()))
  }

  /**
   * Takes the route for this run: only if the state is still what the run found, and only with
   * the lock, which one run at a time can hold. Then records `record`; if that cannot be written,
   * the lock is given back and nothing was changed. Throws RolloutLockedError or RecordError.
   *
   * A claim to return traffic (`revert`: a takeover of a silent run; `abort`, which also takes
   * the lock by force from a run that is alive) has a rollout in flight that nobody else watches
   * any more: its record is tried briefly, and if it cannot be written the run keeps the lock and
   * the answer is false. The record in place still says the rollout is in flight, which announces
   * its revert already (as a failed run's revert is never written before it is made), so the run
   * can still return the traffic; the record it ends with is written before the lock goes back.
   */
  async claim(record: RolloutRecord, mode: 'abort' | 'revert' | false = false): Promise<boolean> {
    const now = await this.readNow()
    if (mode !== 'abort' && !sameRollout(now, this.options.found)) {
      throw new RolloutLockedError(this.changedWords(now))
    }
    // a record that cannot be stored is refused before the lock is even taken
    this.checkFits(record)
    await this.lock.acquire(now, mode === 'abort', mode === 'abort' ? 'abort' : 'rollout')
    this.holding()
    try {
      // not waited for long: it must not stand between the lock and the return of the traffic
      await (mode
        ? withCallPatience(this.deps, REVERT_RECORD_BUDGET_MS, () =>
            this.writeOrThrow(record, REVERT_RECORD_BUDGET_MS)
          )
        : this.writeOrThrow(record))
    } catch (error) {
      if (mode && error instanceof RecordError && this.owned) {
        this.deps.observer.warn(error.message)
        return false
      }
      await this.giveUp()
      throw error
    }
    return true
  }

  /** Carries on the rollout of this process's main step, whose lock it still holds (the post step). */
  adopt(lockArn: string, record: RolloutRecord | undefined): void {
    this.lock.adopt(lockArn)
    this.record = record
  }

  /** Writes a record of this run's own making (an abort's), while holding the lock. */
  async overwrite(record: RolloutRecord): Promise<void> {
    await this.confirmOwnership()
    await this.writeOrThrow(record)
  }

  /** Ends this run's hold: the record says how it ended already. */
  async release(): Promise<void> {
    if (!this.owned) return
    try {
      await this.lock.release()
    } catch (error) {
      // a lock left behind is taken over once the record shows the rollout settled
      this.deps.observer.warn(`could not remove the rollout's lock rule: ${errorText(error)}`)
    }
    this.deps.onPostStep?.(null)
  }

  /** A record of this rollout as of `state`. */
  recordOf(
    state: Running | Extract<RolloutState, { phase: 'register' }>,
    phase: RecordPhase,
    fields: Partial<RolloutRecord> = {}
  ): RolloutRecord {
    const { pair } = state
    const release = 'release' in state ? state.release : undefined
    return {
      rolloutId: this.rolloutId,
      kind: this.options.kind,
      phase,
      cluster: clusterName(pair.cluster),
      live: { service: pair.live.service, targetGroupArn: pair.live.targetGroupArn },
      idle: { service: pair.idle.service, targetGroupArn: pair.idle.targetGroupArn },
      ...(release ? { revision: release.taskDefinitionArn } : {}),
      previousRevision: release?.previousTaskDefinitionArn ?? pair.live.taskDefinitionArn,
      steps: this.options.steps,
      changed: 'nothing',
      startedAt: this.options.startedAt ?? state.startedAt,
      scaleDownDelayMs: pair.scaleDownDelayMs,
      ...(pair.scaling ? { scaling: pair.scaling } : {}),
      owner: this.deps.owner,
      heartbeatAt: this.deps.clock.now(),
      ...fields
    }
  }

  /** What the run is doing now, for the deadline and the record it ends with. */
  private note(state: RolloutState): void {
    if ('startedAt' in state) this.deadline = state.startedAt + this.settings.timeoutMs
    if ('release' in state) this.last = state
  }

  async onState(state: RolloutState): Promise<void> {
    this.note(state)
    switch (state.phase) {
      case 'register':
        if (!this.owned) await this.claim(this.recordOf(state, 'register'))
        return
      case 'bring-up':
        return this.write(
          this.recordOf(state, 'bring-up', { changed: moreChanged(state.changed, 'idle') }),
          true
        )
      case 'migrate':
        // recorded before RunTask, then again with the task's ARN once it answered, before the
        // task is waited for: a run that takes the rollout over follows that task, never
        // starting a second one (see migrate.ts)
        return this.write(
          this.recordOf(state, 'migrate', {
            changed: moreChanged(state.changed, 'idle'),
            ...(state.taskArn ? { migrationTask: state.taskArn } : {})
          }),
          // once started, the task's ARN is recorded even when the run is being stopped: the
          // revert that follows stops that task, and a post step must be able to find it
          state.taskArn === undefined
        )
      case 'shift':
        // recorded before the weight is written: a run that dies during the write may have moved it
        return this.write(
          this.recordOf(state, 'shift', { step: state.step, changed: 'traffic' }),
          true
        )
      case 'scale-down':
        // the promotion is on record before the old side is touched, or the old side is left running
        return this.write(
          this.recordOf(state, 'scale-down', {
            changed: 'traffic',
            step: this.record?.step,
            promotedAt: state.promotedAt
          }),
          false
        )
      case 'done':
        return this.settle(state.outcome)
      default:
        return
    }
  }

  /** Called on every poll of a long wait: checks now and then that the rollout is still ours, and beats. */
  async heartbeat(): Promise<void> {
    if (!this.owned) return
    const { clock } = this.deps
    const beat = clock.now() - this.lastBeat >= this.beatEvery() && !this.interrupted()
    // a heartbeat is a write too: only right after a read shows the lock still this run's
    let fresh = false
    if (beat || clock.now() - this.lastCheck >= this.checkEvery()) {
      fresh = await this.look()
    }
    if (!beat || !fresh) return
    this.lastBeat = clock.now()
    try {
      await withCallPatience(this.deps, LOOK_PATIENCE_MS, () =>
        writeHeartbeat(this.deps.tags, this.settings.routeArn, clock.now())
      )
    } catch (error) {
      this.warnOnce('heartbeat', `could not write the heartbeat: ${errorText(error)}`)
    }
  }

  /** A lenient check of the lock during a wait, which a throttled account does not hold up long. */
  private look(): Promise<boolean> {
    return withCallPatience(this.deps, LOOK_PATIENCE_MS, () => this.confirmOwnership(true))
  }

  private checkEvery(): number {
    const every = Math.min(CHECK_MAX_MS, heartbeatEvery(this.settings))
    // the check only stops a wait sooner; while AWS throttles the account, progress comes first
    return this.deps.crowded?.() ? Math.max(every * CROWDED_SLOWER, this.beatEvery()) : every
  }

  /**
   * While AWS throttles the account, a heartbeat (and the check before it) comes three times less
   * often, but still three times within stale-after, so that no run takes a live one for silent.
   */
  private beatEvery(): number {
    const every = heartbeatEvery(this.settings)
    if (!this.deps.crowded?.()) return every
    return Math.min(every * CROWDED_SLOWER, Math.max(staleAfter(this.settings) / 3, every))
  }

  private interrupted(): boolean {
    return Boolean(this.deps.signal?.aborted) || this.deps.clock.now() >= this.deadline
  }

  /**
   * Writes a phase before the change it announces. `revertable`: its work may end in a revert,
   * so once the run is cancelled or out of time it is not written at all (the revert has to be
   * the first change; the work itself stops before changing anything). Throws RecordError when
   * the record cannot be written: the change is then not made.
   */
  private async write(record: RolloutRecord, revertable: boolean): Promise<void> {
    if (!this.owned) return
    try {
      await this.confirmOwnership()
    } catch (error) {
      if (error instanceof TakenOverError) throw error
      throw new RecordError(
        `could not read the lock of ${this.settings.routeArn} (${errorText(error)}), so the ` +
          'change it guards was not made'
      )
    }
    if (revertable && this.interrupted()) return
    await this.writeOrThrow(record)
  }

  private async writeOrThrow(record: RolloutRecord, budgetMs?: number): Promise<void> {
    const { tags, clock } = this.deps
    let attempt = 0
    try {
      await patiently(
        clock,
        async () => {
          // a retry comes after a wait, in which an abort or a takeover may have taken the lock
          if (attempt++ > 0) await this.confirmOwnership()
          await writeRecord(tags, this.settings.routeArn, record, this.others)
        },
        budgetMs
      )
    } catch (error) {
      if (error instanceof TakenOverError) throw error
      throw new RecordError(
        `could not record the rollout in the tags of ${this.settings.routeArn} ` +
          `(${errorText(error)}), so the change it was to announce was not made`
      )
    }
    this.record = record
    this.lastBeat = clock.now()
  }

  private checkFits(record: RolloutRecord): void {
    try {
      checkRoom(this.settings.routeArn, record, this.others)
    } catch (error) {
      throw new RecordError(
        `could not record the rollout in the tags of ${this.settings.routeArn} ` +
          `(${errorText(error)}), so the change it was to announce was not made`
      )
    }
  }

  /** Before each mutating call: the lock must still be this run's, read fresh. */
  private async beforeChange(): Promise<void> {
    if (this.lost) throw this.lost
    if (!this.owned) throw new Error('rollout bug: a change before the lock was taken')
    await this.confirmOwnership()
  }

  /**
   * Reads the lock and the record together. Lost lock: an abort or a takeover; the run stops
   * without changing anything more (TakenOverError). `lenient`: one try, and a failed read is
   * only warned about (a poll of a long wait, which must not stall); otherwise the read is
   * patient, and when it still fails it throws, and the change it guards is not made.
   * True when the read showed the lock still this run's.
   */
  private async confirmOwnership(lenient = false): Promise<boolean> {
    if (this.lost) throw this.lost
    if (!this.owned) return false
    let read: { route: Record<string, string>; lock?: Record<string, string> }
    const port = lenient ? impatient(this.deps.lock) : this.deps.lock
    try {
      read = await port.readWithLock(this.settings.routeArn, this.lock.arn ?? '')
    } catch (error) {
      if (!lenient) throw error
      this.warnOnce('read', `could not read the rollout state: ${errorText(error)}`)
      return false
    }
    this.lastCheck = this.deps.clock.now()
    this.others = otherTagCount(read.route)
    if (read.lock) return true
    this.lock.arn = undefined
    if (await this.retake(read.route)) return true
    this.deps.onPostStep?.(null)
    this.lost = await this.lostTo(read.route)
    throw this.lost
  }

  /**
   * The lock rule is gone, but nobody holds the lock and the record is still this run's rollout:
   * whoever deleted it did not take it (a taker that died between its delete and its create, a
   * delete that landed late). Nobody else acts on the rollout then, so this run takes the lock
   * again, as any run would (never from a holder that is alive), and carries on. True when it did.
   */
  private async retake(routeTags: Record<string, string>): Promise<boolean> {
    const decoded = decodeRecord(routeTags)
    if (decoded.kind !== 'record') return false
    const { record } = decoded
    if (record.owner.token !== this.deps.owner.token || record.rolloutId !== this.rolloutId) {
      return false
    }
    try {
      if ((await this.lock.holder()) !== undefined) return false
      await this.lock.acquire({ ...decoded, tags: routeTags })
    } catch {
      return false
    }
    if (!this.owned) return false
    this.deps.observer.warn(
      `the lock of ${this.settings.routeArn} was removed by a run that did not take it; this run ` +
        'took it again'
    )
    this.holding()
    return true
  }

  /** Why the lock is gone: the holder's lock rule says who took it, and whether to abort. */
  private async lostTo(routeTags: Record<string, string>): Promise<TakenOverError> {
    const holder = await this.lock.holder().catch(() => undefined)
    const stopped = 'this run stopped without changing anything more'
    // the record as it is after the taker had time to write its own
    const latest = await this.deps.tags.readTags(this.settings.routeArn).catch(() => routeTags)
    const decoded = decodeRecord(latest)
    const record = decoded.kind === 'record' ? decoded.record : undefined
    // an abort that holds the lock, or one that has finished with it already
    const aborter =
      holder?.purpose === 'abort'
        ? holder.owner
        : !holder &&
            record &&
            record.owner.token !== this.deps.owner.token &&
            (record.phase === 'aborting' || record.phase === 'aborted')
          ? record.owner
          : undefined
    if (aborter) {
      const who = ownerWords(aborter)
      this.deps.observer.warn(`${who} aborted this rollout`)
      return new AbortedByOtherError(
        `command: abort from ${who}`,
        `${who} aborted this rollout and returns its traffic; ${stopped}`
      )
    }
    if (holder) {
      const doingNow =
        record && record.owner.token === holder.owner.token ? ` and is ${doing(record)}` : ''
      return new TakenOverError(
        `${ownerWords(holder.owner)} took this rollout over${doingNow}; ${stopped}`
      )
    }
    // the run that took it over has finished with it already
    if (record && record.owner.token !== this.deps.owner.token) {
      return new TakenOverError(
        `${ownerWords(record.owner)} took this rollout over (it is ${doing(record)}); ${stopped}`
      )
    }
    return new TakenOverError(
      `the lock of ${this.settings.routeArn} was removed by someone else; ${stopped}`
    )
  }

  /** This run holds the lock: the post step settles the rollout if the run dies. */
  private holding(): void {
    if (!this.lock.arn) return
    this.lastCheck = this.deps.clock.now()
    this.deps.onPostStep?.({
      routeArn: this.settings.routeArn,
      lockArn: this.lock.arn,
      ownerToken: this.deps.owner.token,
      found: ownTags(this.options.found.tags)
    })
  }

  /** A run that changed nothing gives the route back as it found it. */
  private async giveUp(): Promise<void> {
    // a run that lost the lock meanwhile leaves the record to the run that took it
    if (!this.owned) return
    try {
      await this.guardedWrite(() =>
        restoreTags(this.deps.tags, this.settings.routeArn, this.options.found.tags)
      )
    } catch (error) {
      if (error instanceof TakenOverError) return
      this.deps.observer.warn(`could not put back the rollout state: ${errorText(error)}`)
    }
    await this.release()
  }

  /**
   * A write of the state at the end of the run, patiently, each try right after a read shows the
   * lock still this run's: the run may have lost it while it reverted, or while this write was
   * throttled (TakenOverError then, and nothing is written).
   */
  private async guardedWrite(write: () => Promise<void>): Promise<void> {
    await patiently(this.deps.clock, async () => {
      await this.confirmOwnership()
      await write()
    })
  }

  /** A throw that ends the run still settles what it holds: the lock goes back, the record says why. */
  private async settledOnThrow(run: () => Promise<RolloutOutcome>): Promise<RolloutOutcome> {
    try {
      return await run()
    } catch (error) {
      if (error instanceof TakenOverError || !this.owned) throw error
      if (!this.last || this.record?.phase === 'register') await this.giveUp()
      else {
        // an unexpected throw mid-rollout: the record stays open, stale at once, for abort or takeover
        await this.settle({ ...this.failedOutcome(), reason: errorText(error) })
      }
      throw error
    }
  }

  private failedOutcome(): RolloutOutcome {
    const last = this.last
    return {
      result: 'reverted',
      liveService: last?.pair.live.service ?? '',
      idleService: last?.pair.idle.service ?? '',
      stoppedTasks: [],
      serviceEvents: [],
      plan: []
    }
  }

  /** The record the run ends with, then the lock goes back. */
  private async settle(outcome: RolloutOutcome): Promise<void> {
    if (!this.owned) return
    const { tags } = this.deps
    const route = this.settings.routeArn
    try {
      if (this.record?.phase === 'register' || !this.last) {
        await this.giveUp()
        return
      }
      const ended = await this.endRecord(outcome, this.last)
      await this.guardedWrite(() =>
        ended
          ? writeRecord(tags, route, ended, this.others)
          : restoreTags(tags, route, this.options.found.tags)
      )
      if (ended) this.record = ended
    } catch (error) {
      // the run that took the lock meanwhile has the rollout now, and writes its record
      if (error instanceof TakenOverError) return
      this.deps.observer.warn(`could not write the final rollout state: ${errorText(error)}`)
      // the lock stays: the record does not say the rollout ended, so nobody may act as if it had
      return
    }
    await this.release()
  }

  private async endRecord(
    outcome: RolloutOutcome,
    last: Running
  ): Promise<RolloutRecord | undefined> {
    const reason = outcome.reason
    const found = this.options.found
    switch (outcome.result) {
      case 'paused': {
        const step = 'step' in last ? last.step : undefined
        const changed: Changed = 'changed' in last ? last.changed : 'traffic'
        return this.recordOf(last, 'paused', { step, changed })
      }
      case 'promoted':
        return this.recordOf(last, this.options.kind === 'rollback' ? 'rolled-back' : 'promoted', {
          changed: 'traffic',
          step: this.record?.step,
          promotedAt: this.record?.promotedAt ?? this.deps.clock.now(),
          ...(outcome.scaleDown ? { reason: outcome.scaleDown } : {}),
          ...(outcome.scaleDownAt === undefined ? {} : { scaleDownAt: outcome.scaleDownAt }),
          ...(outcome.scaledDownAt === undefined ? {} : { scaledDownAt: outcome.scaledDownAt })
        })
      case 'reverted':
        if (this.options.kind === 'rollback') {
          // the promotion stays on record, so that the rollback can be tried again
          if (found.kind !== 'record') return undefined
          return { ...found.record, reason: `rollback failed: ${reason ?? 'unknown reason'}` }
        }
        if (this.record && !(await this.trafficBack(last))) {
          // the revert did not land: the rollout stays open, and stale at once, so that an
          // abort or the next deploy puts the traffic back
          const stale = this.deps.clock.now() - staleAfter(this.settings)
          return { ...this.record, heartbeatAt: stale, ...(reason ? { reason } : {}) }
        }
        return this.recordOf(last, 'reverted', {
          changed: this.record?.changed ?? 'nothing',
          step: this.record?.step,
          ...(reason ? { reason } : {})
        })
      default:
        return undefined
    }
  }

  /** Whether the idle side has no weight any more (an unreadable route counts as not back). */
  private async trafficBack(last: Running): Promise<boolean> {
    if (this.record?.changed !== 'traffic') return true
    return trafficOnLive(this.deps.elb, last.pair)
  }

  private async readNow(): Promise<StoredState> {
    const tags = await this.deps.tags.readTags(this.settings.routeArn)
    this.others = otherTagCount(tags)
    const decoded = decodeRecord(tags)
    if (decoded.kind !== 'record') return { ...decoded, tags }
    const foreign = foreignTo(decoded.record, this.settings)
    return foreign ? { kind: 'unreadable', problem: foreign, tags } : { ...decoded, tags }
  }

  private changedWords(now: StoredState): string {
    const route = this.settings.routeArn
    if (now.kind === 'record' && now.record.owner.token !== this.deps.owner.token) {
      const verdict = judgeLock(now, this.deps.clock.now(), staleAfter(this.settings))
      if (verdict.kind === 'held') return heldWords(now.record, verdict.silentMs, route)
      return (
        `the rollout state on ${route} changed while this run was starting: ` +
        `${ownerWords(now.record.owner)} is ${doing(now.record)}; run this one again`
      )
    }
    return `the rollout state on ${route} changed while this run was starting; run it again`
  }

  private warnOnce(what: string, line: string): void {
    if (this.warned.has(what)) return
    this.warned.add(what)
    this.deps.observer.warn(line)
  }
}

/** Whether two reads of the state show the same rollout in the same hands and phase. */
function sameRollout(a: StoredState, b: StoredState): boolean {
  if (a.kind !== 'record' || b.kind !== 'record') return a.kind === b.kind
  return (
    a.record.rolloutId === b.record.rolloutId &&
    a.record.owner.token === b.record.owner.token &&
    a.record.phase === b.record.phase
  )
}

function ownTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([name]) => name.startsWith(TAG_PREFIX)))
}
