import {
  errorText,
  recordTimeline,
  type RolloutDeps,
  type RunContext,
  type TrafficCheckpoint
} from './context.js'
import { tgName } from './discover.js'
import { formatDuration } from './duration.js'
import { TopologyError } from './errors.js'
import { forwardWith, readsAs, weightsRead } from './forward.js'
import type { Clock, EcsPort, ElbPort, RolloutObserver, Route } from './ports.js'
import { systemClock } from './clock.js'
import type { Observed } from './decide.js'
import type { RolloutState } from './state.js'
import { restoreTestRoute, testRouteEnding } from './watch/test-traffic.js'

/** The write that returns traffic is the one that must land: keep trying this long. */
const RETURN_BUDGET_MS = 120_000
const FIRST_RETRY_MS = 1000
const MAX_RETRY_MS = 30_000
const SCALE_ATTEMPTS = 3

type Landed = { landed: true; route: Route } | { landed: false; error: string }

/**
 * Writes all weight back to the live side (100/0, stickiness kept) until a read shows exactly
 * that, retrying with backoff for up to about two minutes. Deliberately deaf to the run's
 * cancel signal and deadline: a cancel is what brought the run here.
 */
export async function returnTraffic(
  route: Route,
  liveTargetGroupArn: string,
  idleTargetGroupArn: string,
  deps: { elb: ElbPort; clock: Clock; observer: RolloutObserver },
  budgetMs = RETURN_BUDGET_MS
): Promise<Landed> {
  const { elb, clock, observer } = deps
  const started = clock.now()
  let latest = route
  let delay = FIRST_RETRY_MS
  for (let attempt = 1; ; attempt++) {
    const forward = forwardWith(latest, liveTargetGroupArn, idleTargetGroupArn, 0)
    let error: string
    try {
      await elb.writeForward(latest, forward)
      const back = await elb.readRoute(latest.arn)
      if (readsAs(back, forward)) return { landed: true, route: back }
      error = `the route reads ${weightsRead(back, liveTargetGroupArn, idleTargetGroupArn)} after writing 100/0`
      latest = back
    } catch (caught) {
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
export async function revert(
  state: Extract<RolloutState, { phase: 'revert' }>,
  run: RunContext
): Promise<Observed> {
  const { deps } = run
  const { pair } = state
  deps.observer.phase('Revert')
  deps.observer.warn(`reverting: ${state.failure.reason}`)
  if (state.changed === 'traffic') {
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
    deps.onCheckpoint?.(null)
  }
  await restoreTestRoute(testRouteEnding(run, pair), deps)
  if (state.changed !== 'nothing') {
    const error = await scaleToZero(deps.ecs, deps.clock, pair.cluster, pair.idle.service)
    if (error) deps.observer.warn(`could not scale ${pair.idle.service} to 0: ${error}`)
    else deps.observer.info(`scaled ${pair.idle.service} to 0`)
  }
  recordTimeline(run, pair, 'reverted', 0)
  return { kind: 'reverted', landed: true }
}

/**
 * For the action's post: step, when the main step died mid-rollout: puts all traffic back on
 * the side that was live, unless it already is. Refuses to touch a route that no longer
 * forwards to the pair: someone has changed it since, and their change wins.
 */
export async function restoreTraffic(
  checkpoint: TrafficCheckpoint,
  deps: Pick<RolloutDeps, 'elb' | 'observer'> & { clock?: Clock }
): Promise<'restored' | 'already-restored'> {
  const { elb, observer } = deps
  const clock = deps.clock ?? systemClock
  const { liveTargetGroupArn: live, idleTargetGroupArn: idle } = checkpoint
  const route = await elb.readRoute(checkpoint.routeArn)
  const groups = route.forward?.targetGroups ?? []
  const weight = (arn: string): number | undefined =>
    groups.find((group) => group.targetGroupArn === arn)?.weight
  const liveWeight = weight(live)
  const idleWeight = weight(idle)
  if (groups.length !== 2 || liveWeight === undefined || idleWeight === undefined) {
    throw new TopologyError(
      `${checkpoint.routeArn} no longer forwards to ${tgName(live)} and ${tgName(idle)} ` +
        `(it reads ${weightsRead(route, live, idle)}); left as it is`
    )
  }
  if (idleWeight === 0 && liveWeight > 0) return 'already-restored'
  observer.warn(
    `the rollout did not finish: ${liveWeight}/${idleWeight} on ${tgName(live)}/${tgName(idle)}; ` +
      `returning all traffic to ${tgName(live)}`
  )
  const result = await returnTraffic(route, live, idle, { elb, observer, clock })
  if (!result.landed) {
    throw new Error(`could not return all traffic to ${tgName(live)}: ${result.error}`)
  }
  observer.info(`all traffic is back on ${tgName(live)}`)
  return 'restored'
}
