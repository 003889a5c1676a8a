import { errorText, interruption, type RolloutDeps, type RunContext } from '../context.js'
import { tgName } from '../discover.js'
import { forwardWith, readsAs, weightsRead } from '../forward.js'
import type { ProbeAnswer, Route } from '../ports.js'
import type { Pair } from '../state.js'
import { testTrafficRecord } from './probe-verdict.js'
import type { TestTrafficSettings } from './settings.js'

/**
 * After bring-up, before any production weight: points the test listener (or rule) at the new
 * side only and sends the test requests. Returns why the release failed them, or undefined.
 * The production route is never touched here, so a failure leaves nothing shifted.
 */
export async function runTestTraffic(
  run: RunContext,
  pair: Pair,
  test: TestTrafficSettings
): Promise<string | undefined> {
  const { deps } = run
  const where = `during test traffic to ${pair.idle.service}`
  deps.observer.phase('Test traffic')
  if (test.routeArn !== undefined) {
    const pointed = await pointTestRoute(run, pair, test.routeArn, where)
    if (pointed) return pointed
  }
  if (!deps.probe) throw new Error('rollout bug: test traffic without an HTTP client')
  const probe = deps.probe
  deps.observer.info(
    `sending ${test.requests} requests to ${test.url}, ${test.concurrency} at a time`
  )
  const answers: ProbeAnswer[] = []
  let next = 0
  let stop: string | undefined
  const worker = async (): Promise<void> => {
    while (next < test.requests && stop === undefined) {
      next++
      stop = interruption(run, where)
      if (stop) return
      answers.push(await probe.get(test.url, { headers: test.headers, timeoutMs: test.timeoutMs }))
    }
  }
  await Promise.all(Array.from({ length: Math.min(test.concurrency, test.requests) }, worker))
  if (stop) return stop
  const record = testTrafficRecord(answers, test)
  if (run.watching) run.watching.evidence.testTraffic = record
  deps.observer.info(`test traffic: ${record.passed} of ${record.sent} passed`)
  if (record.firstFailure === undefined) return undefined
  return (
    `test traffic to ${test.url}: ${record.sent - record.passed} of ${record.sent} requests ` +
    `failed (first: ${record.firstFailure}) ${where}`
  )
}

/** The test route forwards to the new side only: the pair with all weight on it. */
async function pointTestRoute(
  run: RunContext,
  pair: Pair,
  routeArn: string,
  where: string
): Promise<string | undefined> {
  const { elb, observer } = run.deps
  try {
    const route = await elb.readRoute(routeArn)
    const forward = forwardWith(route, pair.live.targetGroupArn, pair.idle.targetGroupArn, 100)
    await elb.writeForward(route, forward)
    const back = await elb.readRoute(routeArn)
    if (!readsAs(back, forward)) {
      const found = weightsRead(back, pair.live.targetGroupArn, pair.idle.targetGroupArn)
      return `the test listener ${routeArn} reads ${found} instead of 0/100 ${where}`
    }
    observer.info(`test listener forwards to ${pair.idle.targetGroupName} only`)
    return undefined
  } catch (error) {
    return `could not point the test listener ${routeArn} at ${pair.idle.targetGroupName} ${where}: ${errorText(error)}`
  }
}

/**
 * What restoreTestRoute needs to know of a rollout: its test listener (or rule), if it has one,
 * and the production route and pair whose traffic it follows. A TrafficCheckpoint is one.
 */
export interface TestRouteEnding {
  /** the `test-listener` input; nothing to restore without one */
  testRouteArn?: string
  routeArn: string
  liveTargetGroupArn: string
  idleTargetGroupArn: string
}

/** The TestRouteEnding of a run's rollout. */
export function testRouteEnding(run: Pick<RunContext, 'settings'>, pair: Pair): TestRouteEnding {
  const testRouteArn = run.settings.watch?.testTraffic?.routeArn
  return {
    ...(testRouteArn === undefined ? {} : { testRouteArn }),
    routeArn: pair.route.arn,
    liveTargetGroupArn: pair.live.targetGroupArn,
    idleTargetGroupArn: pair.idle.targetGroupArn
  }
}

/**
 * Points the test listener back when a rollout ends (promote, revert, abort, rollback, takeover,
 * post step): test traffic left it on the new side only, and a reverted side is scaled to 0.
 * It follows the production route as AWS reads it now: all of the test listener's weight goes to
 * the side that carries all production traffic (the previous side after a revert or an abort,
 * the new one after a promotion), the same two target groups, stickiness kept, and it is written
 * only when it does not already forward there. A production route still split between the
 * sides, or a test listener that forwards to other target groups, is left as it is. Never
 * throws: a test listener must not stand between a rollout and its ending.
 */
export async function restoreTestRoute(
  ending: TestRouteEnding,
  deps: Pick<RolloutDeps, 'elb' | 'observer'>
): Promise<void> {
  const { testRouteArn, routeArn, liveTargetGroupArn: a, idleTargetGroupArn: b } = ending
  if (testRouteArn === undefined || testRouteArn === routeArn) return
  const { elb, observer } = deps
  const left = (why: string): void =>
    observer.warn(`the test listener ${testRouteArn} is left as it is: ${why}`)
  let side: string | undefined
  try {
    const production = await elb.readRoute(routeArn)
    side = soleSide(production, a, b)
    if (side === undefined) {
      left(`${routeArn} reads ${weightsRead(production, a, b)}, not all traffic on one side`)
      return
    }
    const route = await elb.readRoute(testRouteArn)
    const groups = route.forward?.targetGroups ?? []
    if (
      groups.length === 0 ||
      groups.some((g) => g.targetGroupArn !== a && g.targetGroupArn !== b)
    ) {
      left(`it no longer forwards to ${tgName(a)} and ${tgName(b)} only`)
      return
    }
    if (soleSide(route, a, b) === side) return
    const forward = forwardWith(route, side, side === a ? b : a, 0)
    await elb.writeForward(route, forward)
    const back = await elb.readRoute(testRouteArn)
    if (!readsAs(back, forward)) {
      left(`it reads ${weightsRead(back, side, side === a ? b : a)} after writing 100/0`)
      return
    }
    observer.info(`test listener forwards to ${tgName(side)} again`)
  } catch (error) {
    observer.warn(
      `could not point the test listener ${testRouteArn} back${side ? ` at ${tgName(side)}` : ''}: ${errorText(error)}`
    )
  }
}

/** The one of the two groups that has all the route's weight, if one has. */
function soleSide(route: Route, a: string, b: string): string | undefined {
  const groups = route.forward?.targetGroups ?? []
  const weight = (arn: string): number =>
    groups.filter((group) => group.targetGroupArn === arn).reduce((sum, g) => sum + g.weight, 0)
  const others = groups.some((group) => group.targetGroupArn !== a && group.targetGroupArn !== b)
  if (others) return undefined
  if (weight(a) > 0 && weight(b) === 0) return a
  if (weight(b) > 0 && weight(a) === 0) return b
  return undefined
}
