/**
 * Safety watched at every instant (`GET /_emulator/violations`), driven through the real SDK
 * clients against the emulator in-process: what is recorded, with whose User-Agent, and when a
 * write held back by a latency fault is judged (when it lands, not when it arrives).
 */
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  createBlueGreenTopology,
  type Topology,
  waitForHealthy
} from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import {
  addFault,
  calls,
  clearFaults,
  clearViolations,
  clientConfig,
  control,
  reset,
  violations
} from '../helpers/emulator.js'

let emulator: RunningEmulator
let counter = 0
const clients: { destroy(): void }[] = []

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
})
afterEach(async () => {
  await clearFaults(emulator.url)
  await clearViolations(emulator.url)
})
afterAll(async () => {
  for (const client of clients) client.destroy()
  await emulator.stop()
})

/** SDK clients whose calls carry `app/<caller>` in their User-Agent, one attempt per call */
function as(caller: string): { ecs: ECSClient; elb: ElasticLoadBalancingV2Client } {
  const config = { ...clientConfig(emulator.url), maxAttempts: 1, userAgentAppId: caller }
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client(config)
  clients.push(ecs, elb)
  return { ecs, elb }
}

function topology(options: { useRule?: boolean } = {}): Promise<Topology> {
  counter++
  return createBlueGreenTopology({
    endpoint: emulator.url,
    prefix: `viol${counter}`,
    image: 'app:1',
    ...options
  })
}

function forward(t: Topology, blue: number, green: number): Action[] {
  return [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: t.targetGroups.blue, Weight: blue },
          { TargetGroupArn: t.targetGroups.green, Weight: green }
        ]
      }
    }
  ]
}

function shift(elb: ElasticLoadBalancingV2Client, t: Topology, blue: number, green: number) {
  return elb.send(
    new ModifyListenerCommand({
      ListenerArn: t.listenerArn,
      DefaultActions: forward(t, blue, green)
    })
  )
}

async function scale(ecs: ECSClient, t: Topology, service: string, desiredCount: number) {
  await ecs.send(new UpdateServiceCommand({ cluster: t.cluster, service, desiredCount }))
}

async function healthyCount(elb: ElasticLoadBalancingV2Client, group: string): Promise<number> {
  const { TargetHealthDescriptions = [] } = await elb.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: group })
  )
  return TargetHealthDescriptions.filter((d) => d.TargetHealth?.State === 'healthy').length
}

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** brings green up to `count` healthy tasks of the topology's (healthy) image */
async function greenUp(t: Topology, count = 2): Promise<void> {
  const { ecs } = as('setup')
  await scale(ecs, t, t.services.green, count)
  await waitForHealthy(emulator.url, t.targetGroups.green, count, 15_000)
}

describe('weight written onto a target group', () => {
  it('with no healthy target is recorded, with the caller, the weights and the moment', async () => {
    const t = await topology()
    const { elb } = as('weigher-1')
    const before = Date.now()
    await shift(elb, t, 90, 10)

    const found = await violations(emulator.url)
    expect(found).toHaveLength(1)
    const [violation] = found
    expect(violation).toMatchObject({
      kind: 'weight-on-unhealthy-target-group',
      service: 'elbv2',
      operation: 'ModifyListener',
      resource: t.listenerArn,
      listenerArn: t.listenerArn,
      targetGroups: [{ targetGroupArn: t.targetGroups.green, weight: 10, targetStates: {} }]
    })
    expect(violation?.userAgent).toContain('app/weigher-1')
    expect(Date.parse(violation?.at ?? '')).toBeGreaterThanOrEqual(before - 1000)
    expect(violation?.message).toMatch(/ModifyListener .* weight 10 to target group viol\d+-green/)
    expect(violation?.message).toMatch(/no healthy target/)
    // the filters pick it by caller and by kind
    expect(await violations(emulator.url, { userAgent: 'app/weigher-1' })).toHaveLength(1)
    expect(await violations(emulator.url, { userAgent: 'app/someone-else' })).toEqual([])
    expect(
      await violations(emulator.url, { kind: 'scaled-to-zero-while-carrying-weight' })
    ).toEqual([])
    await expect(control(emulator.url, 'GET', 'violations?kind=bad')).rejects.toThrow(
      /kind must be one of/
    )
  })

  it('through a listener rule is recorded as ModifyRule on the rule', async () => {
    const t = await topology({ useRule: true })
    const { elb } = as('weigher-2')
    await elb.send(new ModifyRuleCommand({ RuleArn: t.ruleArn, Actions: forward(t, 0, 100) }))
    expect(await violations(emulator.url)).toMatchObject([
      {
        kind: 'weight-on-unhealthy-target-group',
        operation: 'ModifyRule',
        resource: t.ruleArn,
        ruleArn: t.ruleArn,
        listenerArn: t.listenerArn,
        targetGroups: [{ targetGroupArn: t.targetGroups.green, weight: 100 }]
      }
    ])
  })

  it('with healthy targets, or at weight 0, is not recorded', async () => {
    const t = await topology()
    const { elb } = as('weigher-3')
    // green has no target, but weight 0 puts no traffic on it
    await shift(elb, t, 100, 0)
    await greenUp(t)
    await shift(elb, t, 50, 50)
    await shift(elb, t, 0, 100)
    // a single-group forward (weight 1) onto a healthy group
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: t.listenerArn,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: t.targetGroups.blue }]
      })
    )
    expect(await violations(emulator.url)).toEqual([])
  })

  it('is judged on the groups weighted, not on the ones the write leaves at 0', async () => {
    const t = await topology()
    const { elb } = as('weigher-4')
    // blue is healthy; green (no target) only ever at 0
    await shift(elb, t, 100, 0)
    await shift(elb, t, 1, 0)
    expect(await violations(emulator.url)).toEqual([])
    await shift(elb, t, 1, 1)
    expect((await violations(emulator.url)).map((v) => v.targetGroups)).toEqual([
      [{ targetGroupArn: t.targetGroups.green, weight: 1, targetStates: {} }]
    ])
  })

  it('is not judged on create: CreateListener and CreateRule are out of scope', async () => {
    // the topology itself forwards to green (no target) at weight 0, and the check is on writes
    await topology({ useRule: true })
    expect(await violations(emulator.url)).toEqual([])
  })

  it('that the emulator refuses is not recorded', async () => {
    const t = await topology()
    const { elb } = as('weigher-5')
    await expect(
      elb.send(
        new ModifyListenerCommand({
          ListenerArn: t.listenerArn,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: t.targetGroups.green, Weight: 10 },
                  { TargetGroupArn: t.targetGroups.green, Weight: 90 }
                ]
              }
            }
          ]
        })
      )
    ).rejects.toThrow()
    expect(await violations(emulator.url)).toEqual([])
  })
})

describe('a service scaled to 0', () => {
  it('while its target group carries weight is recorded', async () => {
    const t = await topology()
    const { ecs } = as('scaler-1')
    await scale(ecs, t, t.services.blue, 0)
    const found = await violations(emulator.url)
    expect(found).toMatchObject([
      {
        kind: 'scaled-to-zero-while-carrying-weight',
        service: 'ecs',
        operation: 'UpdateService',
        resource: expect.stringContaining(`service/${t.cluster}/${t.services.blue}`),
        clusterArn: t.clusterArn,
        serviceName: t.services.blue,
        targetGroups: [
          { targetGroupArn: t.targetGroups.blue, weight: 100, listenerArn: t.listenerArn }
        ]
      }
    ])
    expect(found[0]?.userAgent).toContain('app/scaler-1')
    expect(found[0]?.message).toMatch(/desiredCount 0 \(was 2\)/)
    expect(found[0]?.targetGroups[0]).not.toHaveProperty('ruleArn')
  })

  it('while a rule gives its target group weight names the rule', async () => {
    const t = await topology({ useRule: true })
    const { ecs } = as('scaler-2')
    await scale(ecs, t, t.services.blue, 0)
    expect((await violations(emulator.url)).map((v) => v.targetGroups)).toEqual([
      [
        {
          targetGroupArn: t.targetGroups.blue,
          weight: 100,
          listenerArn: t.listenerArn,
          ruleArn: t.ruleArn
        }
      ]
    ])
  })

  it('when its target group has weight 0 is not recorded, nor is any other update', async () => {
    const t = await topology()
    const { ecs, elb } = as('scaler-3')
    await greenUp(t)
    await scale(ecs, t, t.services.green, 0)
    // after the traffic moved: the old side scaled down at weight 0
    await greenUp(t)
    await shift(elb, t, 0, 100)
    await scale(ecs, t, t.services.blue, 0)
    // an update that leaves desiredCount alone
    await ecs.send(
      new UpdateServiceCommand({
        cluster: t.cluster,
        service: t.services.green,
        forceNewDeployment: true
      })
    )
    expect(await violations(emulator.url)).toEqual([])
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({ cluster: t.cluster, services: [t.services.blue] })
    )
    expect(services[0]?.desiredCount).toBe(0)
  })
})

describe('a write held back by a latency fault', () => {
  it('holds only the named caller, then applies its write when the hold is over', async () => {
    const t = await topology()
    await greenUp(t)
    const held = as('held-caller')
    const other = as('other-caller')
    await addFault(emulator.url, {
      service: 'elbv2',
      operation: '*',
      fault: 'latency',
      latencyMs: 1500,
      userAgent: 'app/held-caller'
    })
    const weights = async () =>
      (
        await other.elb.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn] }))
      ).Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.map((g) => g.Weight)

    const started = Date.now()
    const write = shift(held.elb, t, 40, 60).then(() => Date.now() - started)
    // the other caller is not held: its reads and writes answer at once, and see the old weights
    const readStarted = Date.now()
    expect(await weights()).toEqual([100, 0])
    await other.elb.send(
      new ModifyListenerCommand({ ListenerArn: t.listenerArn, DefaultActions: forward(t, 100, 0) })
    )
    expect(Date.now() - readStarted).toBeLessThan(1000)
    expect(await weights()).toEqual([100, 0])

    expect(await write).toBeGreaterThanOrEqual(1400)
    // the held write landed after the other caller's, so its weights are the ones left
    expect(await weights()).toEqual([40, 60])
    const log = await calls(emulator.url, { operation: 'ModifyListener' })
    const ours = log.filter((c) => c.userAgent.includes('app/held-caller'))
    const theirs = log.filter((c) => c.userAgent.includes('app/other-caller'))
    expect(ours.map((c) => c.fault)).toEqual(['latency'])
    expect(theirs.map((c) => c.fault)).toEqual([null])
    expect(log.indexOf(ours[0]!)).toBeGreaterThan(log.indexOf(theirs[0]!))
  })

  it('is judged when it lands: healthy when it arrived, no healthy target when it landed', async () => {
    const t = await topology()
    await greenUp(t)
    const held = as('late-writer-1')
    const { ecs, elb } = as('setup')
    await addFault(emulator.url, {
      service: 'elbv2',
      operation: 'ModifyListener',
      fault: 'latency',
      latencyMs: 4000,
      userAgent: 'app/late-writer-1'
    })
    const write = shift(held.elb, t, 50, 50)
    // while the write is held, green is scaled away (at weight 0 still: no violation for that)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await scale(ecs, t, t.services.green, 0)
    await until(
      'green has no healthy target',
      async () => (await healthyCount(elb, t.targetGroups.green)) === 0
    )
    expect(await violations(emulator.url)).toEqual([])
    await write
    expect(await violations(emulator.url)).toMatchObject([
      {
        kind: 'weight-on-unhealthy-target-group',
        operation: 'ModifyListener',
        targetGroups: [{ targetGroupArn: t.targetGroups.green, weight: 50 }]
      }
    ])
    const [violation] = await violations(emulator.url)
    expect(violation?.userAgent).toContain('app/late-writer-1')
    expect(violation?.targetGroups[0]?.targetStates?.healthy).toBeUndefined()
  })

  it('is judged when it lands: no healthy target when it arrived, healthy when it landed', async () => {
    const t = await topology()
    const held = as('late-writer-2')
    const { ecs, elb } = as('setup')
    await addFault(emulator.url, {
      service: 'elbv2',
      operation: 'ModifyListener',
      fault: 'latency',
      latencyMs: 4000,
      userAgent: 'app/late-writer-2'
    })
    expect(await healthyCount(elb, t.targetGroups.green)).toBe(0)
    let landed = false
    const write = shift(held.elb, t, 50, 50).then(() => {
      landed = true
    })
    await scale(ecs, t, t.services.green, 2)
    await waitForHealthy(elb, t.targetGroups.green, 2, 3500)
    // green turned healthy while the write was still held
    expect(landed).toBe(false)
    await write
    expect(await violations(emulator.url)).toEqual([])
  })
})

describe('reset', () => {
  it('clears the violations, as it forgets everything else', async () => {
    const t = await topology()
    const { elb } = as('reset-1')
    await shift(elb, t, 0, 100)
    expect(await violations(emulator.url)).toHaveLength(1)
    await reset(emulator.url)
    expect(await violations(emulator.url)).toEqual([])
  })
})
