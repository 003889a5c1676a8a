import { errorText, type RolloutDeps } from '../context.js'
import { runRollout } from '../deploy.js'
import { RolloutLockedError, TakenOverError } from '../errors.js'
import type { TagPort } from '../ports.js'
import type { RolloutOutcome, Settings, TrafficStep } from '../settings.js'
import { moreChanged, type Changed, type RolloutState } from '../state.js'
import { doing, heartbeatEvery, heldWords, judgeLock, staleAfter } from './lock.js'
import { trafficOnLive } from './pair.js'
import { ownerWords, type Owner, type RecordPhase, type RolloutRecord } from './record.js'
import {
  clusterName,
  foreignTo,
  otherTagCount,
  restoreTags,
  writeHeartbeat,
  writeRecord,
  type StoredState
} from './store.js'
import { decodeRecord } from './tags.js'

/** What the commands that keep state in AWS run with. */
export interface DurableDeps extends RolloutDeps {
  tags: TagPort
  /** this process, as the owner of what it writes */
  owner: Owner
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

/** Between writing a claim and reading it back: two runs claiming at once both see who won. */
export const CLAIM_SETTLE_MS = 1000
/** How often a running rollout reads its state to see whether another run stepped in. */
const CHECK_MAX_MS = 5000

type Running = Extract<RolloutState, { release: unknown }>

/**
 * Keeps a rollout's state in the tags of its route while one run works on it: claims the route
 * before the first change, writes each phase and a heartbeat, notices when another run aborts
 * or takes the rollout over, and settles the record when the run ends.
 *
 * Writes never stand between a failure and its revert: a phase whose work could end in a
 * revert is not written once the run is cancelled or out of time, the revert itself is not
 * written (only the record it ends with), and a heartbeat is not written once the run is
 * cancelled or out of time either.
 */
export class Keeper {
  private readonly controller = new AbortController()
  private readonly rolloutId: string
  private owned = false
  /** the last record written */
  private record?: RolloutRecord
  private last?: Running
  private deadline = Infinity
  private lastBeat = 0
  private lastCheck = 0
  private others: number
  private warned = new Set<string>()

  constructor(
    private readonly settings: Settings,
    private readonly deps: DurableDeps,
    private readonly options: KeeperOptions
  ) {
    this.rolloutId =
      options.rolloutId ?? `${deps.clock.now().toString(36)}-${deps.owner.token}`.slice(0, 128)
    this.others = otherTagCount(options.found.tags)
  }

  /** The deps to run the rollout with: these writes, and a signal that also stops the run when another run aborts it. */
  rolloutDeps(): RolloutDeps {
    const { deps } = this
    return {
      ...deps,
      signal: deps.signal
        ? AbortSignal.any([deps.signal, this.controller.signal])
        : this.controller.signal,
      onState: async (state) => {
        await deps.onState?.(state)
        await this.onState(state)
      },
      heartbeat: () => this.heartbeat(),
      confirmOwner: async () => {
        if (this.owned) await this.confirmOwnership()
      }
    }
  }

  /** Runs the rollout from `state` (a resumed one) with these writes. */
  run(state: RolloutState, settings: Settings): Promise<RolloutOutcome> {
    this.note(state)
    return runRollout(state, settings, this.rolloutDeps())
  }

  /**
   * Takes the route for this run: only if the state is still what the run found, and still ours
   * after the other claims that may have raced it have landed. Throws RolloutLockedError.
   */
  async claim(record: RolloutRecord): Promise<void> {
    const { tags, clock, owner, signal } = this.deps
    const route = this.settings.routeArn
    const now = await this.readNow()
    if (!sameRollout(now, this.options.found)) {
      throw new RolloutLockedError(this.changedWords(now))
    }
    await writeRecord(tags, route, record, this.others)
    this.record = record
    this.lastBeat = clock.now()
    await clock.sleep(CLAIM_SETTLE_MS, signal)
    const after = await this.readNow()
    if (after.kind !== 'record' || after.record.owner.token !== owner.token) {
      throw new RolloutLockedError(this.changedWords(after))
    }
    this.owned = true
    this.lastCheck = clock.now()
  }

  /** Writes a record of this run's own making (an abort's), without a claim. */
  async overwrite(record: RolloutRecord): Promise<void> {
    await writeRecord(this.deps.tags, this.settings.routeArn, record, this.others)
    this.record = record
    this.owned = true
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
      case 'shift':
        // recorded before the weight is written: a run that dies during the write may have moved it
        return this.write(
          this.recordOf(state, 'shift', { step: state.step, changed: 'traffic' }),
          true
        )
      case 'scale-down':
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
    if (clock.now() - this.lastCheck >= this.checkEvery()) {
      await this.confirmOwnership()
      if (!this.owned) return
    }
    if (clock.now() - this.lastBeat < heartbeatEvery(this.settings) || this.interrupted()) return
    this.lastBeat = clock.now()
    try {
      await writeHeartbeat(this.deps.tags, this.settings.routeArn, clock.now())
    } catch (error) {
      this.warnOnce('heartbeat', `could not write the heartbeat: ${errorText(error)}`)
    }
  }

  private checkEvery(): number {
    return Math.min(CHECK_MAX_MS, heartbeatEvery(this.settings))
  }

  private interrupted(): boolean {
    return (
      Boolean(this.deps.signal?.aborted) ||
      this.controller.signal.aborted ||
      this.deps.clock.now() >= this.deadline
    )
  }

  /**
   * Writes a phase. `revertable`: its work may end in a revert, so once the run is cancelled or
   * out of time it is not written at all (the revert has to be the first change).
   */
  private async write(record: RolloutRecord, revertable: boolean): Promise<void> {
    if (!this.owned) return
    await this.confirmOwnership()
    if (!this.owned || (revertable && this.interrupted())) return
    try {
      await writeRecord(this.deps.tags, this.settings.routeArn, record, this.others)
      this.record = record
      this.lastBeat = this.deps.clock.now()
    } catch (error) {
      this.warnOnce('write', `could not write the rollout state: ${errorText(error)}`)
    }
  }

  /** Reads the state; another owner there means an abort (stop the run) or a takeover (throw). */
  private async confirmOwnership(): Promise<void> {
    let now: StoredState
    try {
      now = await this.readNow()
    } catch (error) {
      this.warnOnce('read', `could not read the rollout state: ${errorText(error)}`)
      return
    }
    this.lastCheck = this.deps.clock.now()
    if (now.kind !== 'record') {
      // someone removed or damaged the tags: the run goes on, and its next write puts them back
      this.warnOnce(
        'gone',
        `the rollout state on ${this.settings.routeArn} was changed by someone else`
      )
      return
    }
    const { record } = now
    if (record.owner.token === this.deps.owner.token) return
    this.owned = false
    if (record.phase === 'aborting' || record.phase === 'aborted') {
      this.deps.observer.warn(`${ownerWords(record.owner)} aborted this rollout`)
      this.controller.abort(`command: abort from ${ownerWords(record.owner)}`)
      return
    }
    throw new TakenOverError(
      `${ownerWords(record.owner)} took this rollout over and is ${doing(record)}; ` +
        'this run stopped without changing anything more'
    )
  }

  /** The record the run ends with. */
  private async settle(outcome: RolloutOutcome): Promise<void> {
    if (!this.owned) return
    const { tags } = this.deps
    const route = this.settings.routeArn
    try {
      if (this.record?.phase === 'register' || !this.last) {
        await restoreTags(tags, route, this.options.found.tags)
        return
      }
      const ended = await this.endRecord(outcome, this.last)
      if (ended) await writeRecord(tags, route, ended, this.others)
      else await restoreTags(tags, route, this.options.found.tags)
    } catch (error) {
      this.deps.observer.warn(`could not write the final rollout state: ${errorText(error)}`)
    }
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
          ...(outcome.scaleDown ? { reason: outcome.scaleDown } : {})
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
