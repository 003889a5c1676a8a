import { errorText, noteScaling, recordTimeline, type RunContext } from './context.js'
import { allowZero, promoteScaling } from './scaling/restore.js'
import type { Observed } from './decide.js'
import { formatDuration } from './duration.js'
import { forwardWith, readsAs, weightsRead } from './forward.js'
import type { RolloutState } from './state.js'
import { restoreTestRoute, testRouteEnding } from './watch/test-traffic.js'

/** The scale-down delay is slept in pieces this long, each a chance to send a heartbeat (it throttles itself). */
const HEARTBEAT_WAIT_MS = 1000

/** All traffic is on the new side and it baked: the release is live. */
export async function promote(
  state: Extract<RolloutState, { phase: 'promote' }>,
  run: RunContext
): Promise<Observed> {
  const { deps } = run
  const { pair, release } = state
  deps.observer.phase('Promote')
  // the test listener follows the new side too, before the old one is scaled down
  await restoreTestRoute(testRouteEnding(run, pair), deps)
  // the new side scales under load from now on; the old one no longer does
  noteScaling(run, await promoteScaling(pair, deps))
  deps.observer.info(
    `${pair.idle.service} is live on ${release.label}; ${pair.live.service} keeps running until it is scaled down`
  )
  recordTimeline(run, pair, 'promoted', 100)
  return { kind: 'promoted', at: deps.clock.now() }
}

/**
 * A scale-down due within this long after promotion is waited for in the run. One due later (the
 * default "auto" is the deregistration delay + 5s: 305s with AWS's default) does not hold the
 * runner when the rollout is kept in a record: the record holds the due time, the old side stays
 * warm until then, and the next run on the route (or `command: tidy`) scales it down once due.
 */
export const IN_RUN_SCALE_DOWN_MAX_MS = 30_000

/** "14:05:09 UTC" */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`
}

/** What a scale-down left to a later run says: when, and who does it. */
export function laterWords(service: string, due: number, now: number): string {
  const when = due > now ? ` (in ${formatDuration(Math.ceil((due - now) / 1000) * 1000)})` : ''
  return (
    `old side ${service} scaled to 0 at ${utcTime(due)}${when}, by the next run on this ` +
    'listener or command: tidy'
  )
}

/**
 * Scales the old side to 0 after the delay, so that a rollback stays instant until then. Only
 * when the route still reads 0/100: anything else means someone moved traffic back meanwhile,
 * and the old side is what serves it. A cancel here does not undo the promotion. A scale-down due
 * later than IN_RUN_SCALE_DOWN_MAX_MS is left to the next run when the rollout is kept in a
 * record (`deferScaleDown`), and so is one this run could not finish (cancel, timeout, an error).
 */
export async function scaleDown(
  state: Extract<RolloutState, { phase: 'scale-down' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { clock, signal, observer } = deps
  const { pair } = state
  const old = pair.live
  const fresh = pair.idle
  const delay = pair.scaleDownDelayMs
  const still = `${old.service} still runs ${old.desiredCount} tasks`
  if (delay === null) {
    return {
      kind: 'scaled-down',
      note: `${old.service} kept warm with ${old.desiredCount} tasks (scale-down-delay: never)`
    }
  }
  observer.phase('Scale down old side')
  const due = state.dueAt ?? state.promotedAt + delay
  const defer = deps.deferScaleDown === true
  if (defer && due - clock.now() > IN_RUN_SCALE_DOWN_MAX_MS) {
    const text = laterWords(old.service, due, clock.now())
    observer.info(`${text}; it stays warm until then, so a rollback is instant`)
    return { kind: 'scaled-down', note: text, dueAt: due }
  }
  if (due > clock.now())
    observer.info(`scaling ${old.service} to 0 in ${formatDuration(due - clock.now())}`)
  while (clock.now() < due && !signal?.aborted && clock.now() < run.deadline) {
    await deps.heartbeat?.()
    const wake = Math.min(due, run.deadline, clock.now() + HEARTBEAT_WAIT_MS)
    await clock.sleep(wake - clock.now(), signal)
  }
  // a scale-down this run could not do is left to the next run, when a record can say so
  const pending = defer ? { dueAt: due } : {}
  const later = defer ? `; ${laterWords(old.service, due, clock.now())}` : ''
  const note = (text: string, left = true): Observed => {
    observer.warn(left ? `${text}${later}` : text)
    return { kind: 'scaled-down', note: left ? `${text}${later}` : text, ...(left ? pending : {}) }
  }
  if (clock.now() < due) {
    const why = signal?.aborted
      ? 'the run was cancelled'
      : `the timeout (${formatDuration(settings.timeoutMs)}) ran out`
    return note(`not scaled down: ${why} before the scale-down delay ended; ${still}`)
  }
  let route
  try {
    route = await deps.elb.readRoute(pair.route.arn)
  } catch (error) {
    return note(`not scaled down: could not read the listener (${errorText(error)}); ${still}`)
  }
  if (!readsAs(route, forwardWith(route, fresh.targetGroupArn, old.targetGroupArn, 0))) {
    const found = weightsRead(route, old.targetGroupArn, fresh.targetGroupArn)
    // the old side serves traffic again: someone moved it back, and it is theirs now
    return note(
      `not scaled down: the listener reads ${found} on ${old.service}/${fresh.service} instead of 0/100; ${still}`,
      false
    )
  }
  // a rollback from another run may be bringing the old side back up right now
  await deps.confirmOwner?.()
  const floor = await allowZero(pair, deps)
  if (floor) noteScaling(run, floor)
  try {
    await deps.ecs.updateService(pair.cluster, old.service, { desiredCount: 0 })
  } catch (error) {
    return note(`not scaled down: ${errorText(error)}; ${still}`)
  }
  recordTimeline(run, pair, `scaled down ${old.service}`, 100)
  // a later run says how long after promotion it really was
  const after = state.dueAt === undefined ? delay : Math.max(0, clock.now() - state.promotedAt)
  const text = `${old.service} scaled to 0, ${formatDuration(after)} after promotion`
  observer.info(text)
  return { kind: 'scaled-down', note: text, dueAt: due, doneAt: clock.now() }
}
