/**
 * What users see, through the bundled action against the emulator: metric analysis of the
 * load the data plane serves, the alarm gate, and test traffic before production.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import {
  CreateListenerCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig, listenerUrl, startLoad, stopLoad } from '../helpers/emulator.js'
import {
  calls,
  currentWeights,
  deployInputs,
  freshTopology,
  run,
  setImage,
  startHarness,
  type Harness
} from './harness.js'

let h: Harness
let cloudwatch: CloudWatchClient
let elb: ElasticLoadBalancingV2Client
let images = 0
let ports = 9000
const uniqueImage = (): string => `registry.example.com/app:7.0.${++images}`

beforeAll(async () => {
  h = await startHarness()
  cloudwatch = new CloudWatchClient(clientConfig(h.url))
  elb = new ElasticLoadBalancingV2Client(clientConfig(h.url))
})

afterEach(async () => {
  await stopLoad(h.url)
})

afterAll(async () => {
  cloudwatch.destroy()
  elb.destroy()
  await h.emulator.stop()
})

/** Steady production traffic (simulated requests per second), so that there are figures. */
async function productionLoad(t: Topology): Promise<void> {
  await startLoad(h.url, { listenerArn: t.listenerArn, rps: 50 })
}

/** A second listener that only test requests reach, forwarding to the live side as users build it. */
async function testListener(t: Topology): Promise<{ arn: string; url: string }> {
  const created = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: t.loadBalancerArn,
      Protocol: 'HTTP',
      Port: ++ports,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: t.targetGroups.blue }]
    })
  )
  const arn = created.Listeners?.[0]?.ListenerArn ?? ''
  return { arn, url: await listenerUrl(h.url, arn) }
}

/** An alarm on a metric nobody publishes: it keeps whatever state it is set to. */
async function quietAlarm(name: string, state?: 'OK' | 'ALARM'): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Shop',
      MetricName: 'CheckoutErrors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore'
    })
  )
  if (state) await setAlarm(name, state, `set by the test: ${state}`)
}

function setAlarm(name: string, state: 'OK' | 'ALARM', reason: string) {
  return cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason })
  )
}

/** Fast windows: one simulated minute is about three seconds here, and no arrival delay. */
const ANALYSIS = {
  'max-error-rate': '5%',
  'max-error-rate-increase': '2',
  'max-p99-latency': '500ms',
  'min-requests': '20',
  'metric-window': '1s',
  'metric-delay': '0s',
  'step-wait': '2s'
}

/** Weight writes on the production route only (the test listener is written too). */
async function productionWeights(t: Topology): Promise<number[]> {
  const log = await calls(h.url)
  return log
    .filter((c) => c.operation === 'ModifyListener' && c.error === null)
    .map((c) => c.params as { ListenerArn: string; DefaultActions: unknown })
    .filter((params) => params.ListenerArn === t.listenerArn)
    .map((params) => {
      const actions = params.DefaultActions as {
        ForwardConfig?: { TargetGroups?: { TargetGroupArn: string; Weight: string }[] }
      }[]
      const green = actions[0]?.ForwardConfig?.TargetGroups?.find(
        (g) => g.TargetGroupArn === t.targetGroups.green
      )
      return Number(green?.Weight ?? 0)
    })
}

/** The test listener's forward weights now, read back through the SDK. */
async function testWeights(arn: string): Promise<Record<string, number>> {
  const found = await elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))
  const forward = found.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward')
  return Object.fromEntries(
    (forward?.ForwardConfig?.TargetGroups ?? []).map((g) => [g.TargetGroupArn, g.Weight])
  )
}

describe('watching what users see', () => {
  it('reverts at the first step a release whose health checks pass but 20% of answers are 5xx', async () => {
    const t = await freshTopology(h)
    const image = uniqueImage()
    await setImage(h.url, { image, errorRate: 0.2 })
    await productionLoad(t)
    const result = await run(h, deployInputs(t, { image, ...ANALYSIS }))
    expect(result.outputs.result).toBe('reverted')
    expect(result.outputs.reason).toMatch(
      /^metric analysis: 5xx \d+(\.\d+)?% .* above max-error-rate 5%/
    )
    expect(result.outputs.reason).toMatch(/during bake at 10%/)
    expect(await productionWeights(t)).toEqual([10, 0])
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
    expect(result.summary).toContain('Metric analysis')
    expect(result.summary).toMatch(/\| 10% \| 1s \| \d+, (1\d|2\d|3\d)(\.\d+)?%/)
  }, 40_000)

  it('reverts when an alarm goes to ALARM during a bake, naming it and its reason', async () => {
    const t = await freshTopology(h)
    await quietAlarm('checkout-errors', 'OK')
    let fired = false
    const result = await run(h, deployInputs(t, { alarms: 'checkout-errors', 'step-wait': '3s' }), {
      onOutput: (text) => {
        if (!fired && /Bake at 50%/.test(text)) {
          fired = true
          void setAlarm('checkout-errors', 'ALARM', 'Threshold Crossed: 9 errors')
        }
      }
    })
    expect(fired).toBe(true)
    expect(result.outputs.result).toBe('reverted')
    expect(result.outputs.reason).toBe(
      "alarm 'checkout-errors' is in ALARM: Threshold Crossed: 9 errors during bake at 50%"
    )
    expect(await productionWeights(t)).toEqual([10, 50, 0])
  }, 40_000)

  it('refuses to start while an alarm is in ALARM, changing nothing', async () => {
    const t = await freshTopology(h)
    await quietAlarm('api-down', 'ALARM')
    const result = await run(h, deployInputs(t, { alarms: 'api-down' }))
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout + result.stderr).toMatch(
      /alarm 'api-down' is in ALARM: set by the test: ALARM before the rollout started/
    )
    const log = await calls(h.url)
    expect(log.filter((c) => c.mutating && c.service !== 'cloudwatch')).toEqual([])
  }, 40_000)

  it('reverts a release that fails its test traffic before any production weight', async () => {
    const t = await freshTopology(h)
    const image = uniqueImage()
    await setImage(h.url, { image, body: 'maintenance' })
    const test = await testListener(t)
    const result = await run(
      h,
      deployInputs(t, {
        image,
        'test-listener': test.arn,
        'test-url': `${test.url}/health`,
        'test-expect-body': '^ok$',
        'test-requests': '6'
      })
    )
    expect(result.outputs.result).toBe('reverted')
    expect(result.outputs.reason).toMatch(
      /^test traffic to .*\/health: 6 of 6 requests failed \(first: status 200, but the body does not match/
    )
    expect(await productionWeights(t)).toEqual([])
    expect(result.summary).toMatch(/Test traffic.*0 of 6 passed/)
    // the test listener, pointed at the new side for the test traffic, is pointed back
    expect(await testWeights(test.arn)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
  }, 40_000)

  it('promotes a good release through test traffic, alarms and metric analysis, with the figures in the summary', async () => {
    const t = await freshTopology(h)
    const image = uniqueImage()
    await setImage(h.url, { image, body: 'ok' })
    await quietAlarm('checkout-latency', 'OK')
    const test = await testListener(t)
    await productionLoad(t)
    const result = await run(
      h,
      deployInputs(t, {
        image,
        ...ANALYSIS,
        alarms: 'checkout-latency',
        'test-listener': test.arn,
        'test-url': test.url,
        'test-expect-body': '^ok$',
        'test-requests': '8',
        'test-concurrency': '4'
      })
    )
    expect(result.outputs.reason).toBeUndefined()
    expect(result.outputs.result).toBe('promoted')
    expect(await productionWeights(t)).toEqual([10, 50, 100])
    expect(result.summary).toContain('What users saw')
    expect(result.summary).toMatch(/Test traffic.*8 of 8 passed/)
    // one row a window: at 10% and 50% the live side is measured beside the new one
    expect(result.summary).toMatch(
      /\| 10% \| 1s \| \d+, 0%, \d+ms, \d+ms \| \d+, 0%, \d+ms, \d+ms \| good \|/
    )
    expect(result.summary).toMatch(/\*\*Alarms\*\* checked \d+ times: checkout-latency\./)
  }, 40_000)
})
