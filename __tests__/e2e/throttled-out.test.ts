import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { addFault } from '../helpers/emulator.js'
import { routeTags, runEnv } from './durable-world.js'
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

/*
 * Every call of a run waits out throttling as long as the run's timeout allows, the record's
 * tag writes included: in a crowded account, that is what lets a rollout through. But a run
 * that is to return traffic must not wait for its record first. Here AWS throttles the abort's
 * every AddTags, for good; the traffic must still be back within seconds, long before the
 * abort's timeout, and the abort keeps the lock, since the record does not say the rollout ended.
 */
describe('an abort whose record AWS keeps throttling', () => {
  it('returns the traffic within seconds all the same, and keeps the lock', async () => {
    const t = await ownTopology(h)
    const paused = await run(
      h,
      deployInputs(t, { image: 'registry.example.com/app:7.0.1', 'traffic-steps': '10,pause,100' }),
      { env: runEnv(1601) }
    )
    expect(paused.outputs.result).toBe('paused')
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 90,
      [t.targetGroups.green]: 10
    })

    const caller = nextCaller()
    await addFault(h.url, {
      service: 'elbv2',
      operation: 'AddTags',
      fault: 'throttle',
      userAgent: `app/${caller}`
    })
    const result = await run(h, deployInputs(t, { command: 'abort', timeout: '20s' }), {
      caller,
      env: { ...runEnv(1602), AWS_MAX_ATTEMPTS: '2' }
    })
    // timed by the emulator's call log, from the abort's first throttled record write to the
    // weight write that returns the traffic: the runner's own start-up does not count
    const made = await callsOf(h, caller)
    const firstThrottled = made.find((c) => c.operation === 'AddTags' && c.fault === 'throttle')
    const returned = made.find(
      (c) => c.operation.startsWith('Modify') && c.mutating && c.error === null
    )
    expect(firstThrottled).toBeDefined()
    expect(returned).toBeDefined()
    const backAfter = Date.parse(returned!.at) - Date.parse(firstThrottled!.at)
    // the record gets a second and a half, then the SDK's adaptive retry paces the ELBv2 reads
    // that come before the weight write (5.6 s in all, here); waiting the record out to the
    // abort's timeout would take 20 s
    expect(backAfter).toBeLessThan(12_000)
    expect(result.stderr + result.stdout).toMatch(/AddTags/)
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
    // the record still says the rollout is in flight: its lock stays, for the next abort to settle
    expect((await routeTags(h, t))['ecs-blue-green:phase']).toBe('paused')
  }, 120_000)
})

/*
 * A weight write lands right after the health read before it, or not at all: AWS throttling the
 * write must not make it land seconds later (a retry by the SDK or the call budget) on a side that
 * may have turned unhealthy since. The run checks the side again, then writes again.
 */
describe('a shift whose weight write AWS throttles', () => {
  it('reads the new side again before each try of the write, and is promoted', async () => {
    const t = await ownTopology(h)
    const caller = nextCaller()
    await addFault(h.url, {
      service: 'elbv2',
      operation: 'ModifyListener',
      fault: 'throttle',
      count: 1,
      userAgent: `app/${caller}`
    })
    const result = await run(
      h,
      deployInputs(t, {
        image: 'registry.example.com/app:9.9.8',
        'traffic-steps': '50,100',
        'step-wait': '1s'
      }),
      { caller }
    )
    expect(result.outputs.result).toBe('promoted')
    expect(result.stdout + result.stderr).toMatch(
      /AWS throttled ModifyListener \(Rate exceeded\); it was not carried out; checking \S+ again first/
    )
    const made = (await callsOf(h, caller)).filter((c) =>
      ['ModifyListener', 'DescribeTargetHealth'].includes(c.operation)
    )
    const throttled = made.findIndex((c) => c.operation === 'ModifyListener' && c.fault)
    const next = made.findIndex((c, i) => i > throttled && c.operation === 'ModifyListener')
    expect(throttled).toBeGreaterThanOrEqual(0)
    // between the throttled try and the next, a fresh read of the new side's health
    expect(made.slice(throttled + 1, next).map((c) => c.operation)).toContain(
      'DescribeTargetHealth'
    )
  }, 60_000)
})
