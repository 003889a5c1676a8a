import { tgName } from './discover.js'
import { NotCarriedOutError, TakenOverError } from './errors.js'
import type { ElbPort } from './ports.js'
import { errorText, interruption, recordTimeline, withOneTry, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { forwardWith, readsAs, weightsRead } from './forward.js'
import { bakeVerdict } from './gates.js'
import { failed, gateFor, watcherFor } from './idle-side.js'
import { trafficSteps, percentAt } from './plan.js'
import { followLive, joiningNow, noteInterruptions, noteSteady } from './scaling/follow.js'
import { pollUntil } from './poll.js'
import type { StoppedTaskReport } from './settings.js'
import type { RolloutState } from './state.js'

/** Waits between tries of a weight write that AWS throttled: doubling, as the call budget's. */
const FIRST_WAIT_MS = 1_000
const LONGEST_WAIT_MS = 10_000

/**
 * Writes the step's weights (the pair in the order read, summing to 100, stickiness kept) and
 * reads them back: a route that does not read exactly what was written is someone else's change
 * racing this run, and the run stops there.
 */
export async function shift(
  state: Extract<RolloutState, { phase: 'shift' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair, startedAt } = state
  const percent = percentAt(trafficSteps(settings.steps), state.step)
  const where = `during the shift to ${percent}%`
  deps.observer.phase(`Shift to ${percent}%`)
  const forward = forwardWith(
    pair.route,
    pair.live.targetGroupArn,
    pair.idle.targetGroupArn,
    percent
  )
  const weights = `${100 - percent}/${percent}`
  // a cancel that arrived while the phase began must not be followed by a write that moves traffic
  const stop = interruption(run, where)
  if (stop) return failed(run, startedAt, state.changed, stop)
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    // health is read again right before the write: the last poll may be seconds old
    const unfit = await stillHealthy(state, run, `before the shift to ${percent}%`, where)
    if (unfit) return failed(run, startedAt, state.changed, unfit.reason, unfit.stoppedTasks)
    try {
      // tried once: a write retried seconds later would land on a side no check saw healthy
      await withOneTry(deps, () => deps.elb.writeForward(pair.route, forward))
      break
    } catch (error) {
      if (error instanceof TakenOverError) throw error
      if (error instanceof NotCarriedOutError && deps.clock.now() + wait < run.deadline) {
        deps.observer.warn(`${errorText(error)}; checking ${pair.idle.service} again first`)
        await deps.clock.sleep(wait, deps.signal)
        const stopped = interruption(run, where)
        if (stopped) return failed(run, startedAt, state.changed, stopped)
        continue
      }
      // refused or not, the answer is lost: the write may land yet
      run.uncertainWriteAt = deps.clock.now()
      return failed(
        run,
        startedAt,
        'traffic',
        `could not write ${weights} ${where}: ${errorText(error)}`
      )
    }
  }
  const read = await pollUntil(run, {
    what: 'the listener',
    where,
    read: () => deps.elb.readRoute(pair.route.arn),
    judge: (route) => route
  })
  if (!read.ok) return failed(run, startedAt, 'traffic', read.reason)
  if (!readsAs(read.value, forward)) {
    const found = weightsRead(read.value, pair.live.targetGroupArn, pair.idle.targetGroupArn)
    return failed(
      run,
      startedAt,
      'traffic',
      `the listener reads ${found} instead of ${weights} ${where}; someone else is changing it`
    )
  }
  deps.observer.info(`${pair.live.service} ${100 - percent}%, ${pair.idle.service} ${percent}%`)
  recordTimeline(run, pair, `shifted to ${percent}%`, percent)
  return { kind: 'shifted', route: read.value, at: deps.clock.now() }
}

/** Why the side must not get more traffic now, if it must not: a target of it not healthy. */
async function notAllHealthy(elb: ElbPort, targetGroupArn: string): Promise<string | undefined> {
  let targets
  try {
    targets = await elb.describeTargetHealth(targetGroupArn)
  } catch (error) {
    return `could not read the health of ${tgName(targetGroupArn)} (${errorText(error)})`
  }
  const serving = targets.filter(
    (target) => target.state !== 'draining' && target.state !== 'unused'
  )
  const healthy = serving.filter((target) => target.state === 'healthy').length
  if (serving.length > 0 && healthy === serving.length) return undefined
  return `${tgName(targetGroupArn)} has ${healthy} of ${serving.length} targets healthy`
}

/**
 * What is wrong with the idle side right before weight goes its way, if anything. Seen more than
 * a poll ago (the record announcing this shift had to be retried, say), it is read again whole and
 * must still pass the bake's gate; seen within a poll, one read of its targets' health is enough.
 */
async function stillHealthy(
  state: Extract<RolloutState, { phase: 'shift' }>,
  run: RunContext,
  where: string,
  during: string
): Promise<{ reason: string; stoppedTasks: StoppedTaskReport[] } | undefined> {
  const { deps, settings } = run
  const { pair, release } = state
  if (run.last && deps.clock.now() - run.last.at <= settings.pollIntervalMs) {
    const unready = await notAllHealthy(deps.elb, pair.idle.targetGroupArn)
    return unready ? { reason: `${unready} ${during}`, stoppedTasks: [] } : undefined
  }
  const watcher = watcherFor(run, pair, release)
  const gate = gateFor(pair, release, where)
  // a side still getting tasks (following the live side) is waited for, not failed
  const result = await pollUntil(run, {
    what: `${pair.idle.service}'s health`,
    where,
    read: () => watcher.read().then((seen) => followLive(run, pair, release, seen)),
    judge: (snapshot) => {
      run.last = snapshot
      noteInterruptions(run, snapshot)
      const verdict = bakeVerdict(snapshot, { ...gate, joining: joiningNow(run, snapshot) })
      if (verdict.kind === 'waiting') return undefined
      if (verdict.kind === 'ready') noteSteady(run, snapshot)
      return verdict
    }
  })
  if (!result.ok) return { reason: result.reason, stoppedTasks: [] }
  return result.value.kind === 'failed' ? result.value : undefined
}
