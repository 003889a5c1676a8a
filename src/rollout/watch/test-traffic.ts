import { errorText, interruption, type RunContext } from '../context.js'
import { forwardWith, readsAs, weightsRead } from '../forward.js'
import type { ProbeAnswer } from '../ports.js'
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
