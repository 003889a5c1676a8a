import { formatDuration } from '../duration.js'
import { patientDeps } from '../durable/patient-reads.js'
import { Keeper, type DurableDeps } from '../durable/keeper.js'
import { doing } from '../durable/lock.js'
import { changedNow, recordedPair, recordedRelease, trafficOnLive } from '../durable/pair.js'
import { ownerWords, type RolloutRecord } from '../durable/record.js'
import { resumption } from '../durable/resume.js'
import type { StoredState } from '../durable/store.js'
import type { RolloutOutcome, Settings } from '../settings.js'

/**
 * A deploy found a rollout whose run went silent. Before anything of its own, it takes the lock
 * from that run (atomic: of two runs taking over at once, one wins and the other is refused) and
 * settles its rollout: one past promotion is finished (the rest of its scale-down); any other has
 * its traffic returned to the side that was live, unless `on-interrupted: resume` asks to carry
 * it on from its step. `goOn`: the route is settled again, and the deploy can start its own.
 */
export async function takeOver(
  record: RolloutRecord,
  silentMs: number,
  stored: StoredState,
  settings: Settings,
  given: DurableDeps
): Promise<{ outcome?: RolloutOutcome; goOn: boolean }> {
  // every read patient: a read that fails for a moment does not end the command halfway
  const deps = patientDeps(given)
  const { observer, clock } = deps
  // it had not changed anything yet: the deploy's own claim takes its lock over
  if (record.phase === 'register') return { goOn: true }
  const silent = `${ownerWords(record.owner)} stopped ${doing(record)} and has sent no heartbeat for ${formatDuration(Math.round(silentMs / 1000) * 1000)}`
  const found = await recordedPair(record, settings, deps)
  const resume = settings.onInterrupted === 'resume' || record.phase === 'scale-down'
  const next =
    resume && record.phase !== 'aborting' ? resumption(record, found, clock.now()) : undefined
  const steps = next?.steps ?? record.steps
  const keeper = new Keeper({ ...settings, steps }, deps, {
    kind: record.kind,
    found: stored,
    steps,
    rolloutId: record.rolloutId,
    startedAt: record.startedAt
  })
  if (next) {
    await keeper.claim({
      ...record,
      phase: next.phase,
      ...(next.step === undefined ? {} : { step: next.step }),
      owner: deps.owner,
      heartbeatAt: clock.now()
    })
    observer.warn(`${silent}: carrying its rollout on`)
    const outcome = await keeper.run(next.state, { ...settings, steps })
    return { outcome, goOn: outcome.result === 'promoted' }
  }
  // the lock first: the revert is then this run's, and no other run can act meanwhile
  await keeper.claim({ ...record, owner: deps.owner, heartbeatAt: clock.now() }, 'revert')
  observer.warn(`${silent}: returning its traffic to ${record.live.service}`)
  const outcome = await keeper.run(
    {
      phase: 'revert',
      startedAt: clock.now(),
      pair: found.pair,
      release: recordedRelease(record),
      changed: changedNow(found),
      failure: {
        reason: silent,
        stoppedTasks: [],
        serviceEvents: []
      },
      ...(record.migrationTask ? { migrationTask: record.migrationTask } : {})
    },
    settings
  )
  return { outcome, goOn: await trafficOnLive(deps.elb, found.pair) }
}
