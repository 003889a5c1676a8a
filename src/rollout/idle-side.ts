import type { RunContext } from './context.js'
import type { Observed } from './decide.js'
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
  run.watcher ??= new IdleWatcher(run.deps.ecs, run.deps.elb, pair, release.taskDefinitionArn, () =>
    run.deps.clock.now()
  )
  return run.watcher
}

export function gateFor(pair: Pair, release: Release, where: string): GateContext {
  return {
    service: pair.idle.service,
    targetGroupName: pair.idle.targetGroupName,
    containerPort: pair.idle.containerPort,
    taskDefinitionArn: release.taskDefinitionArn,
    where
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
