import type { RunContext } from '../context.js'
import { interruption, type IdleSnapshot } from '../observe.js'
import type { Pair, Release } from '../state.js'
import { OWN_WRITE_VISIBLE_WITHIN_MS } from '../own-writes.js'

/**
 * The count the new side follows the live side up to, now that the live side wants `liveNow`
 * tasks. Without `desired-count`, the live side's count itself. With it, the new side keeps the
 * size it was given plus the tasks the live side has added since the run found it (a scale-out
 * under load while the rollout runs), so that an explicit count is neither overridden nor left
 * behind by the load.
 */
export function followTarget(
  explicit: number | undefined,
  liveAtStart: number,
  liveNow: number
): number {
  if (explicit === undefined) return liveNow
  return explicit + Math.max(0, liveNow - liveAtStart)
}

/**
 * Until promotion the new side follows the live side's desired count up: if the live side scaled
 * out (its scale-out stays on during the rollout), the new side is raised to the same count
 * (with `desired-count`: by as many tasks as the live side added, see followTarget) before it
 * gets more traffic, so that a promotion never leaves fewer tasks than the load that
 * scaled the live side out needs. Never down: more capacity for a while costs little, too little
 * costs users. Only while the new side runs the release and has tasks (a side someone scaled to
 * 0, or that runs something else, fails the gates instead).
 */
export async function followLive(
  run: RunContext,
  pair: Pair,
  release: Release,
  snapshot: IdleSnapshot
): Promise<IdleSnapshot> {
  const liveNow = snapshot.live?.desiredCount
  const wanted =
    liveNow === undefined
      ? undefined
      : followTarget(run.settings.desiredCount, pair.live.desiredCount, liveNow)
  const seen = ownCountShown(run, snapshot)
  const now = seen.service.desiredCount
  if (wanted === undefined || wanted <= now || now === 0) return seen
  if (snapshot.primary?.taskDefinitionArn !== release.taskDefinitionArn) return seen
  await run.deps.ecs.updateService(pair.cluster, pair.idle.service, { desiredCount: wanted })
  run.followed = { count: wanted, at: run.deps.clock.now() }
  run.deps.observer.info(
    `${pair.live.service} scaled out to ${liveNow} tasks: ${pair.idle.service} follows, from ${now} to ${wanted}`
  )
  return { ...snapshot, service: { ...snapshot.service, desiredCount: wanted } }
}

/**
 * ECS reads are eventually consistent: for a while after the run raised the new side, a read may
 * still show the count from before. That count is not the service's: the run's own stands (so it
 * is neither written again nor taken for the side's size), for OWN_WRITE_VISIBLE_WITHIN_MS at most.
 */
function ownCountShown(run: RunContext, snapshot: IdleSnapshot): IdleSnapshot {
  const own = run.followed
  const shown = snapshot.service.desiredCount
  if (!own || shown === 0 || shown >= own.count) return snapshot
  if (snapshot.at - own.at >= OWN_WRITE_VISIBLE_WITHIN_MS) return snapshot
  return { ...snapshot, service: { ...snapshot.service, desiredCount: own.count } }
}

/**
 * How many of the new side's wanted tasks may be on their way instead of serving: those it was
 * raised by since it last had every task serving, and the replacements of tasks interrupted
 * since (a scaling activity, a Spot interruption).
 */
export function joiningNow(run: RunContext, snapshot: IdleSnapshot): number {
  const steady = run.capacity ?? { serving: snapshot.service.desiredCount, interrupted: 0 }
  const raised = Math.max(0, snapshot.service.desiredCount - steady.serving)
  return raised + Math.max(0, snapshot.interrupted.length - steady.interrupted)
}

/** Every wanted task serves: from here on a task missing is a failure again. */
export function noteSteady(run: RunContext, snapshot: IdleSnapshot): void {
  run.capacity = {
    serving: snapshot.service.desiredCount,
    interrupted: snapshot.interrupted.length
  }
}

/** Says once, for each, that a task stopped by something else than the release fails nothing. */
export function noteInterruptions(run: RunContext, snapshot: IdleSnapshot): void {
  const told = (run.interruptionsTold ??= new Set<string>())
  for (const task of snapshot.interrupted) {
    if (told.has(task.arn)) continue
    told.add(task.arn)
    const id = task.arn.split('/').at(-1) ?? task.arn
    const words =
      `task ${id} of ${snapshot.service.name} was stopped by ${interruption(task) ?? 'ECS'} ` +
      `(${task.stoppedReason ?? task.stopCode ?? 'no reason given'})`
    ;(run.interruptedTasks ??= []).push(words)
    run.deps.observer.info(`${words}: ECS replaces it; not a failure of the release`)
  }
}
