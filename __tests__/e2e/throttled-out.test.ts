import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { addFault } from '../helpers/emulator.js'
import {
  callsOf,
  currentWeights,
  deployInputs,
  nextCaller,
  ownTopology,
  run,
  startHarness,
  type Harness
} from './harness.js'

/*
 * A run that AWS throttles for longer than its timeout allows: it ends with a result and a reason
 * that names the throttled call, and the traffic stays where it serves. Retries inside the SDK
 * are cut to two per call (AWS_MAX_ATTEMPTS, which users may set too) so that the run gives up
 * within its 10 s timeout rather than after the SDK's own half minute of backoff.
 */

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.emulator.stop())

describe('a deploy that AWS keeps throttling past its timeout', () => {
  it('ends unchanged, with a reason naming the call, and traffic untouched', async () => {
    const t = await ownTopology(h)
    const caller = nextCaller()
    await addFault(h.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'throttle',
      userAgent: `app/${caller}`
    })
    const started = Date.now()
    const result = await run(
      h,
      deployInputs(t, {
        image: 'registry.example.com/app:9.9.9',
        'traffic-steps': '100',
        'step-wait': '1s',
        timeout: '10s'
      }),
      { caller, env: { AWS_MAX_ATTEMPTS: '2' } }
    )
    const took = Date.now() - started
    expect(result.outputs.result).toBe('unchanged')
    expect(result.outputs.reason).toMatch(
      /^AWS kept throttling DescribeServices for [\d.]+ s \(Rate exceeded\), so the run could not go on/
    )
    expect(result.exitCode).not.toBe(0)
    // it kept trying for its timeout, not for ever
    expect(took).toBeGreaterThan(8_000)
    expect(took).toBeLessThan(25_000)
    const made = await callsOf(h, caller)
    expect(made.filter((c) => c.mutating && !c.fault)).toEqual([])
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
  }, 60_000)
})
