import { runRollout } from '../deploy.js'
import { formatDuration } from '../duration.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { doing } from '../durable/lock.js'
import { changedNow, recordedPair, recordedRelease, trafficOnLive } from '../durable/pair.js'
import { ownerWords, type RolloutRecord } from '../durable/record.js'
import { resumption } from '../durable/resume.js'
import type { StoredState } from '../durable/store.js'
import type { RolloutOutcome, Settings } from '../settings.js'

/**
 * A deploy found a rollout whose run went silent. Before anything of its own, it settles that
 * one: a rollout past promotion is finished (the rest of its scale-down); any other has its
 * traffic returned to the side that was live, unless `on-interrupted: resume` asks to carry it
 * on from its step. `goOn`: the route is settled again, and the deploy can start its own.
 */
export async function takeOver(
  record: RolloutRecord,
  silentMs: number,
  stored: StoredState,
  settings: Settings,
  deps: DurableDeps
): Promise<{ outcome?: RolloutOutcome; goOn: boolean }> {
  const { observer, clock } = deps
  // it had not changed anything yet: the deploy's own claim replaces it
  if (record.phase === 'register') return { goOn: true }
  const silent = `${ownerWords(record.owner)} stopped ${doing(record)} and has sent no heartbeat for ${formatDuration(Math.round(silentMs / 1000) * 1000)}`
  const resume = settings.onInterrupted === 'resume' || record.phase === 'scale-down'
  if (resume && record.phase !== 'aborting') {
    const found = await recordedPair(record, settings, deps)
    const next = resumption(record, found, clock.now())
    if (next) {
      observer.warn(`${silent}: carrying its rollout on`)
      const keeper = new Keeper({ ...settings, steps: next.steps }, deps, {
        kind: record.kind,
        found: stored,
        steps: next.steps,
        rolloutId: record.rolloutId,
        startedAt: record.startedAt
      })
      await keeper.claim({
        ...record,
        phase: next.phase,
        ...(next.step === undefined ? {} : { step: next.step }),
        owner: deps.owner,
        heartbeatAt: clock.now()
      })
      const outcome = await keeper.run(next.state, { ...settings, steps: next.steps })
      return { outcome, goOn: outcome.result === 'promoted' }
    }
  }
  observer.warn(`${silent}: returning its traffic to ${record.live.service}`)
  const found = await recordedPair(record, settings, deps)
  // the revert is the first change, before any claim: two runs reverting at once do the same thing
  const outcome = await runRollout(
    {
      phase: 'revert',
      startedAt: clock.now(),
      pair: found.pair,
      release: recordedRelease(record),
      changed: changedNow(found),
      failure: { reason: silent, stoppedTasks: [], serviceEvents: [] }
    },
    settings,
    { ...deps, onState: undefined, heartbeat: undefined, confirmOwner: undefined }
  )
  if (!(await trafficOnLive(deps.elb, found.pair))) return { outcome, goOn: false }
  const keeper = new Keeper(settings, deps, {
    kind: record.kind,
    found: stored,
    steps: record.steps
  })
  await keeper.claim({
    ...record,
    phase: record.phase === 'aborting' ? 'aborted' : 'reverted',
    owner: deps.owner,
    heartbeatAt: clock.now(),
    reason: `${silent}; its traffic was returned to ${record.live.service}`
  })
  return { outcome, goOn: true }
}
