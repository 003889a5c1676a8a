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
 * Scales the old side to 0 after the delay, so that a rollback stays instant until then. Only
 * when the route still reads 0/100: anything else means someone moved traffic back meanwhile,
 * and the old side is what serves it. A cancel here does not undo the promotion.
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
  const due = state.promotedAt + delay
  if (due > clock.now())
    observer.info(`scaling ${old.service} to 0 in ${formatDuration(due - clock.now())}`)
  while (clock.now() < due && !signal?.aborted && clock.now() < run.deadline) {
    await deps.heartbeat?.()
    const wake = Math.min(due, run.deadline, clock.now() + HEARTBEAT_WAIT_MS)
    await clock.sleep(wake - clock.now(), signal)
  }
  const note = (text: string): Observed => {
    observer.warn(text)
    return { kind: 'scaled-down', note: text }
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
    return note(
      `not scaled down: the listener reads ${found} on ${old.service}/${fresh.service} instead of 0/100; ${still}`
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
  const text = `${old.service} scaled to 0, ${formatDuration(delay)} after promotion`
  observer.info(text)
  return { kind: 'scaled-down', note: text }
}
