import { errorText, type RunContext } from './context.js'
import { tgName } from './discover.js'
import { TakenOverError } from './errors.js'
import { forwardWith, forwardsAlone, readsAs, weightOf, weightsRead } from './forward.js'
import type { Observed } from './decide.js'
import type { OwnWrite } from './own-writes.js'
import type { GateContext } from './gates.js'
import { IdleWatcher, type IdleSnapshot } from './observe.js'
import type { StoppedTaskReport } from './settings.js'
import type { Changed, Pair, Release } from './state.js'

/** ECS keeps events newest first; past a handful they are history, not the cause. */
const EVENTS_KEPT = 5
/** ECS stamps events with its own clock; the runner's may be a little ahead. */
const CLOCK_SKEW_MS = 60_000

/** One watcher a run, shared by bring-up and every bake, so its task cache carries over. */
export function watcherFor(run: RunContext, pair: Pair, release: Release): IdleWatcher {
  run.watcher ??= new IdleWatcher(
    run.deps.ecs,
    run.deps.elb,
    pair,
    release.taskDefinitionArn,
    () => run.deps.clock.now(),
    run.settings.pollIntervalMs
  )
  return run.watcher
}

export function gateFor(
  pair: Pair,
  release: Release,
  where: string,
  ownWrite?: OwnWrite
): GateContext {
  return {
    service: pair.idle.service,
    targetGroupName: pair.idle.targetGroupName,
    containerPort: pair.idle.containerPort,
    taskDefinitionArn: release.taskDefinitionArn,
    where,
    ...(ownWrite ? { ownWrite } : {})
  }
}

/** The idle service's events since the run started, newest first. */
export function recentEvents(snapshot: IdleSnapshot | undefined, since: number): string[] {
  if (!snapshot) return []
  return snapshot.service.events
    .filter((event) => event.at >= since - CLOCK_SKEW_MS)
    .slice(0, EVENTS_KEPT)
    .map((event) => event.message)
}

export function failed(
  run: RunContext,
  startedAt: number,
  changed: Changed,
  reason: string,
  stoppedTasks: StoppedTaskReport[] = []
): Observed {
  return {
    kind: 'failed',
    changed,
    reason,
    stoppedTasks,
    serviceEvents: recentEvents(run.last, startedAt)
  }
}

/** Logs the line when it differs from the last one: one line a poll at most, none when idle. */
export function changeLogger(run: RunContext): (line: string) => void {
  let last = ''
  return (line) => {
    if (line === last) return
    last = line
    run.deps.observer.info(line)
  }
}

/**
 * A route whose forward names the live side's target group alone (a listener before its first
 * blue/green deploy) is first written in the weighted form, the live group at 100 and the idle
 * one at 0, stickiness and every other action kept: no traffic moves, but ALB health-checks only
 * target groups a listener or rule forwards to, so the idle side's tasks would otherwise stay
 * `unused` and never turn healthy. Only a route read in the single form is read again, fresh, and
 * written unless it is in the weighted form by then.
 * Returns why it could not be done, if it could not; the route is then as it was (or 100/0).
 */
export async function weightedForm(
  run: RunContext,
  pair: Pair,
  where: string
): Promise<string | undefined> {
  const { elb, observer } = run.deps
  const live = pair.live.targetGroupArn
  const idle = pair.idle.targetGroupArn
  // the usual case, a route that named both groups when the run read it: nothing to write
  if (weightOf(pair.route, idle) !== undefined) return undefined
  try {
    const route = await elb.readRoute(pair.route.arn)
    if (weightOf(route, idle) !== undefined) return undefined
    if (!forwardsAlone(route, live)) {
      return `the route reads ${weightsRead(route, live, idle)} ${where}; someone else is changing it`
    }
    const forward = forwardWith(route, live, idle, 0)
    observer.info(
      `the route forwards to ${tgName(live)} alone: writing it as ${tgName(live)}=100, ` +
        `${tgName(idle)}=0 so that the load balancer health-checks ${tgName(idle)} (no traffic moves)`
    )
    await elb.writeForward(route, forward)
    const back = await elb.readRoute(route.arn)
    if (readsAs(back, forward)) return undefined
    return `the route reads ${weightsRead(back, live, idle)} after writing 100/0 ${where}; someone else is changing it`
  } catch (error) {
    if (error instanceof TakenOverError) throw error
    return `could not add ${tgName(idle)} to the route at weight 0 ${where}: ${errorText(error)}`
  }
}
