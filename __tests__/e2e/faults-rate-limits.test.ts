import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { waitOutThrottling } from '../../src/aws/budget.js'
import { clientConfig, control } from '../helpers/emulator.js'
import { runRateLimitSuite } from '../../scripts/suites/rate-limits.js'
import { formatAnswered, formatThrottled, median } from '../../scripts/suites/throttling.js'
import type { CallRecord } from '../../emulator/control/call-log.js'
import type { SuiteReport } from '../../scripts/suites/report.js'
import { expectNoViolations, startHarness, type Harness } from './harness.js'

/*
 * API economy: four rollouts at once against an emulator that throttles with AWS's documented
 * buckets per account and region (ELBv2: 40 at 10/s shared by every call, changes 20 at 3/s;
 * ECS: service reads 100 at 20/s, ...: emulator/control/aws-rate-limits.ts). Even four are
 * throttled; every one must complete anyway.
 * `npx tsx scripts/suites/cli.ts rate-limits --rollouts 20` runs twenty.
 */

let h: Harness
let report: SuiteReport

beforeAll(async () => {
  h = await startHarness()
  // short waits: four rollouts within npm test's budget
  report = await runRateLimitSuite({
    url: h.url,
    rollouts: 4,
    seed: 1,
    extra: { 'poll-interval': '1s' },
    lone: false
  })
}, 120_000)

afterAll(async () => {
  await h.emulator.stop()
})

describe('rollouts at once under AWS-like request rate limits', () => {
  it('all complete: every good release is promoted', () => {
    expect(report.problems).toEqual([])
    expect(report.counts).toMatchObject({ rollouts: 4, promoted: 4, unknown: 0, unsafe: 0 })
  })

  it('never left traffic unsafe at any instant: no violation', async () => {
    expect(report.violations).toEqual([])
    expect(report.counts.violations).toBe(0)
    await expectNoViolations(h)
  })

  it('were throttled on the way, and backed off rather than hammering', () => {
    expect(report.counts['throttled calls']).toBeGreaterThan(0)
    // a client that retried at once would see most of its calls throttled
    expect(report.counts['throttled calls']!).toBeLessThan(report.counts['AWS calls']! * 0.25)
  })

  it('reports which operations were throttled, and how long the rollouts took', () => {
    const line = report.details?.find((detail) => detail.startsWith('throttled: '))
    const perOperation = [...(line ?? '').matchAll(/\b[A-Z]\w+ (\d+)/g)].map((m) => Number(m[1]))
    expect(perOperation.reduce((sum, count) => sum + count, 0)).toBe(
      report.counts['throttled calls']
    )
    expect(report.counts['median rollout s']).toBeGreaterThan(0)
    expect(report.counts['median rollout s']).toBeLessThanOrEqual(
      report.counts['slowest rollout s']!
    )
  })

  // the start of a rollout is its busiest second: its reads, the lock rule, and before each of
  // its first changes the read that checks it still holds the lock
  it('stays under its documented call rate: at most 20 calls in any second at a 1s poll', () => {
    expect(report.counts['peak calls/s of one rollout']).toBeLessThanOrEqual(20)
  })
})

describe("the emulator's rate limits", () => {
  it('are refused when the config does not say what they are', async () => {
    await expect(control(h.url, 'PUT', 'config', { rateLimits: 'yes' })).rejects.toThrow(
      /rateLimits must be true \(AWS-like limits\), false \(none\) or a list of rules/
    )
    await expect(
      control(h.url, 'PUT', 'config', { rateLimits: [{ service: 'ecs', perSecond: 5 }] })
    ).rejects.toThrow(/rateLimits\[0\] needs perSecond \(the sustained rate\) and burst/)
    expect(await control(h.url, 'GET', 'config')).not.toHaveProperty('rateLimits')
  })

  it('answer Throttling once a bucket is empty, and let calls through again as it refills', async () => {
    await control(h.url, 'PUT', 'config', {
      rateLimits: [{ service: 'elbv2', operations: 'read', perSecond: 5, burst: 2 }]
    })
    // one attempt: the SDK's retries would hide the answer this test is about
    const elb = new ElasticLoadBalancingV2Client({ ...clientConfig(h.url), maxAttempts: 1 })
    const describe = () =>
      elb.send(new DescribeLoadBalancersCommand({})).then(
        () => 'ok',
        (error: Error) => error.name
      )
    try {
      expect([await describe(), await describe(), await describe()]).toEqual([
        'ok',
        'ok',
        'Throttling'
      ])
      await new Promise((resolve) => setTimeout(resolve, 250))
      expect(await describe()).toBe('ok')
    } finally {
      elb.destroy()
      await control(h.url, 'PUT', 'config', { rateLimits: false })
    }
  })
})

describe('a call AWS throttles more often than the SDK retries', () => {
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })
  /** a clock that moves only when the code under test sleeps, and the waits it slept */
  function sleeper() {
    let now = 0
    const waits: number[] = []
    return {
      waits,
      now: () => now,
      sleep: (ms: number) => {
        waits.push(ms)
        now += ms
        return Promise.resolve()
      }
    }
  }

  it('is tried again after waits that double up to 10 s, each between half and all of it', async () => {
    const clock = sleeper()
    let attempts = 0
    const written = await waitOutThrottling(
      'ModifyRule',
      Infinity,
      async () => {
        if (++attempts < 7) throw throttled()
        return 'written'
      },
      { ...clock, random: () => 1 }
    )
    expect(written).toBe('written')
    expect(clock.waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000])
    const halves = sleeper()
    attempts = 0
    await waitOutThrottling(
      'ModifyRule',
      Infinity,
      async () => {
        if (++attempts < 3) throw throttled()
      },
      { ...halves, random: () => 0 }
    )
    expect(halves.waits).toEqual([500, 1000])
  })

  it('gives up when its time is up, naming the call, and at once on any other error', async () => {
    const clock = sleeper()
    const never = waitOutThrottling('ModifyRule', 30_000, () => Promise.reject(throttled()), {
      ...clock,
      random: () => 1
    })
    await expect(never).rejects.toThrow(
      /^AWS kept throttling ModifyRule for 25 s \(Rate exceeded\)/
    )
    // the next wait would have ended past the 30 s allowed
    expect(clock.now()).toBe(25_000)
    let attempts = 0
    const invalid = waitOutThrottling('ModifyRule', Infinity, () => {
      attempts++
      return Promise.reject(Object.assign(new Error('bad'), { name: 'ValidationError' }))
    })
    await expect(invalid).rejects.toThrow('bad')
    expect(attempts).toBe(1)
  })
})

describe("the suite's report of throttling", () => {
  const call = (operation: string, fault: CallRecord['fault']): CallRecord => ({
    service: 'elbv2',
    operation,
    mutating: false,
    params: {},
    status: fault ? 400 : 200,
    error: fault ? 'Throttling' : null,
    fault,
    region: 'us-east-1',
    userAgent: 'ecs-blue-green-action/test',
    at: '2026-01-01T00:00:00.000Z'
  })

  it('counts the calls a rate limit refused per operation, the most refused first', () => {
    const calls = [
      call('DescribeServices', 'rate-limit'),
      call('DescribeTargetHealth', 'rate-limit'),
      call('DescribeTargetHealth', null),
      call('ModifyRule', 'throttle'), // an injected fault, not a rate limit
      call('DescribeTargetHealth', 'rate-limit'),
      call('AddTags', 'rate-limit')
    ]
    expect(formatThrottled(calls)).toBe(
      'throttled: DescribeTargetHealth 2, AddTags 1, DescribeServices 1'
    )
    expect(formatThrottled([call('DescribeRules', null)])).toBe('throttled: none')
  })

  it('counts the calls AWS carried out per rollout, by service, the busiest first', () => {
    const calls = [
      call('DescribeTargetHealth', null),
      call('DescribeTargetHealth', null),
      call('DescribeTargetHealth', 'rate-limit'),
      call('AddTags', null),
      { ...call('DescribeServices', null), service: 'ecs' }
    ]
    expect(formatAnswered(calls, 2)).toBe(
      'answered per rollout: elbv2 1.5 (DescribeTargetHealth 1.0, AddTags 0.5); ' +
        'ecs 0.5 (DescribeServices 0.5)'
    )
  })

  it('takes the middle rollout time as the median', () => {
    expect(median([30, 10, 20])).toBe(20)
    expect(median([40, 10, 20, 30])).toBe(25)
    expect(median([])).toBe(0)
  })
})
