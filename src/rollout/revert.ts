import {
  errorText,
  noteScaling,
  recordTimeline,
  withCallPatience,
  type RolloutDeps,
  type RunContext
} from './context.js'
import { restoreScaling } from './scaling/restore.js'
import { tgName } from './discover.js'
import { formatDuration } from './duration.js'
import { TakenOverError } from './errors.js'
import { forwardWith, readsAs, weightOf, weightsRead } from './forward.js'
import type { Clock, EcsPort, ElbPort, RolloutObserver, Route } from './ports.js'
import type { Observed } from './decide.js'
import type { RolloutState } from './state.js'
import { restoreTestRoute, testRouteEnding } from './watch/test-traffic.js'

/**
 * The write that returns traffic is the one that must land: keep trying this long, and let each
 * call of it wait out throttling as long, whatever is left of the run's timeout.
 */
const RETURN_BUDGET_MS = 120_000
const FIRST_RETRY_MS = 1000
const MAX_RETRY_MS = 30_000
const SCALE_ATTEMPTS = 3
/**
 * A weight write whose answer never came (a timeout, a reset) may still be applied by AWS after
 * the revert's own write: longer than any request the SDK keeps in flight (its request timeout).
 */
export const LATE_WRITE_GRACE_MS = 15_000
/** Late writes of this run put right this many times at most before the new side is scaled down. */
const RECHECKS = 3

type Landed = { landed: true; route: Route } | { landed: false; error: string }

/**
 * Writes all weight back to the live side (100/0, stickiness kept) until a read shows exactly
 * that, retrying with backoff for up to about two minutes. Deliberately deaf to the run's
 * cancel signal and deadline: a cancel is what brought the run here. Never onto a side with no
 * healthy target: traffic stays where it is then, and the error says why. A run that lost the
 * rollout to another one stops at once (TakenOverError).
 */
export async function returnTraffic(
  route: Route,
  liveTargetGroupArn: string,
  idleTargetGroupArn: string,
  deps: { elb: ElbPort; clock: Clock; observer: RolloutObserver } & Pick<RolloutDeps, 'patientFor'>,
  budgetMs = RETURN_BUDGET_MS
): Promise<Landed> {
  return withCallPatience(deps, budgetMs, () =>
    returnTrafficNow(route, liveTargetGroupArn, idleTargetGroupArn, deps, budgetMs)
  )
}

async function returnTrafficNow(
  route: Route,
  liveTargetGroupArn: string,
  idleTargetGroupArn: string,
  deps: { elb: ElbPort; clock: Clock; observer: RolloutObserver },
  budgetMs: number
): Promise<Landed> {
  const { elb, clock, observer } = deps
  const started = clock.now()
  let latest = route
  let delay = FIRST_RETRY_MS
  for (let attempt = 1; ; attempt++) {
    const forward = forwardWith(latest, liveTargetGroupArn, idleTargetGroupArn, 0)
    let error: string
    try {
      const refused = await unservable(elb, liveTargetGroupArn)
      if (refused?.final) return { landed: false, error: refused.why }
      if (refused) throw new Error(refused.why)
      await elb.writeForward(latest, forward)
      const back = await elb.readRoute(latest.arn)
      if (readsAs(back, forward)) return { landed: true, route: back }
      error = `the route reads ${weightsRead(back, liveTargetGroupArn, idleTargetGroupArn)} after writing 100/0`
      latest = back
    } catch (caught) {
      if (caught instanceof TakenOverError) throw caught
      error = errorText(caught)
    }
    if (clock.now() - started + delay > budgetMs) return { landed: false, error }
    observer.warn(
      `returning all traffic to ${tgName(liveTargetGroupArn)} failed (attempt ${attempt}): ${error}; ` +
        `trying again in ${formatDuration(delay)}`
    )
    await clock.sleep(delay)
    delay = Math.min(delay * 2, MAX_RETRY_MS)
  }
}

/**
 * After this run had a weight write with no answer, waits until such a write can no longer land,
 * then reads the route again: what it says if the idle side has weight again, else undefined.
 */
async function lateWeight(
  run: RunContext,
  pair: Extract<RolloutState, { phase: 'revert' }>['pair']
): Promise<string | undefined> {
  const { clock, elb } = run.deps
  if (run.uncertainWriteAt === undefined) return undefined
  const wait = run.uncertainWriteAt + LATE_WRITE_GRACE_MS - clock.now()
  run.uncertainWriteAt = undefined
  if (wait > 0) await clock.sleep(wait)
  const route = await elb.readRoute(pair.route.arn)
  if (!weightOf(route, pair.idle.targetGroupArn)) return undefined
  return (
    `a weight write of this run landed late: the route reads ` +
    `${weightsRead(route, pair.live.targetGroupArn, pair.idle.targetGroupArn)}; returning all traffic again`
  )
}

/**
 * Why the side must not get the traffic, if it must not: no target healthy in its group. `final`
 * when no task is even on its way (an empty group): waiting would not change that.
 */
async function unservable(
  elb: ElbPort,
  targetGroupArn: string
): Promise<{ why: string; final: boolean } | undefined> {
  const targets = await elb.describeTargetHealth(targetGroupArn)
  if (targets.some((target) => target.state === 'healthy')) return undefined
  const coming = targets.filter((target) => target.state === 'initial').length
  const why =
    `${tgName(targetGroupArn)} has no healthy target` +
    (coming > 0 ? ` (${coming} still starting)` : ' (no task is registered in it)') +
    ', so the traffic was left where it is'
  return { why, final: coming === 0 }
}

/** Scales a service to 0, a few tries; returns the last error, if it never worked. */
export async function scaleToZero(
  ecs: EcsPort,
  clock: Clock,
  cluster: string,
  service: string
): Promise<string | undefined> {
  let error = ''
  for (let attempt = 1; attempt <= SCALE_ATTEMPTS; attempt++) {
    try {
      await ecs.updateService(cluster, service, { desiredCount: 0 })
      return undefined
    } catch (caught) {
      if (caught instanceof TakenOverError) throw caught
      error = errorText(caught)
      if (attempt < SCALE_ATTEMPTS) await clock.sleep(FIRST_RETRY_MS * 2 ** (attempt - 1))
    }
  }
  return error
}

/**
 * Undoes what the run changed, traffic first: only once the route reads 100/0 is the idle side
 * scaled to 0 (so a crash-looping release stops), because scaling it while it still takes
 * traffic would turn a bad release into an outage.
 */
export function revert(
  state: Extract<RolloutState, { phase: 'revert' }>,
  run: RunContext
): Promise<Observed> {
  // after the timeout too: the revert is what the timeout calls for
  return withCallPatience(run.deps, RETURN_BUDGET_MS, () => revertNow(state, run))
}

async function revertNow(
  state: Extract<RolloutState, { phase: 'revert' }>,
  run: RunContext
): Promise<Observed> {
  const { deps } = run
  const { pair } = state
  deps.observer.phase('Revert')
  deps.observer.warn(`reverting: ${state.failure.reason}`)
  if (state.changed === 'traffic') {
    for (let attempt = 1; ; attempt++) {
      const result = await returnTraffic(
        pair.route,
        pair.live.targetGroupArn,
        pair.idle.targetGroupArn,
        deps
      )
      if (!result.landed) {
        deps.observer.warn(`could not return all traffic to ${pair.live.service}: ${result.error}`)
        return { kind: 'reverted', landed: false, error: result.error }
      }
      deps.observer.info(`all traffic is back on ${pair.live.service}`)
      // before the new side loses its tasks: no write of this run may still be on its way
      const late = await lateWeight(run, pair)
      if (!late) break
      if (attempt >= RECHECKS) {
        return { kind: 'reverted', landed: false, error: late }
      }
      deps.observer.warn(late)
    }
  }
  await restoreTestRoute(testRouteEnding(run, pair), deps)
  if (state.migrationTask) await stopMigration(state.migrationTask, pair.cluster, deps)
  if (state.changed !== 'nothing') {
    const error = await scaleToZero(deps.ecs, deps.clock, pair.cluster, pair.idle.service)
    if (error) deps.observer.warn(`could not scale ${pair.idle.service} to 0: ${error}`)
    else deps.observer.info(`scaled ${pair.idle.service} to 0`)
  }
  // scaling was held from the bring-up on: once the new side is down it may act again
  noteScaling(run, await restoreScaling(pair, deps))
  recordTimeline(run, pair, 'reverted', 0)
  return { kind: 'reverted', landed: true }
}

/**
 * Stops the rollout's one-off task if it still runs: a migration must not go on against a
 * release that is being taken back. Best effort: a failure is warned about, the revert goes on.
 */
export async function stopMigration(
  taskArn: string,
  cluster: string,
  deps: { ecs: EcsPort; observer: RolloutObserver }
): Promise<void> {
  const { ecs, observer } = deps
  const id = taskArn.slice(taskArn.lastIndexOf('/') + 1)
  try {
    const [task] = await ecs.describeTasks(cluster, [taskArn])
    if (task?.lastStatus === 'STOPPED') return
    await ecs.stopTask(cluster, taskArn, 'ecs-blue-green: the rollout was reverted')
    observer.info(`stopped migration task ${id}`)
  } catch (error) {
    if (error instanceof TakenOverError) throw error
    observer.warn(`could not stop migration task ${id}, which may still run: ${errorText(error)}`)
  }
}
