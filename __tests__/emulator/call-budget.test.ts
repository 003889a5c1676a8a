import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import {
  AddTagsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import {
  applyBudget,
  CROWDED_FOR_MS,
  runBudget,
  ThrottledTooLongError,
  type CallBudget
} from '../../src/aws/budget.js'
import { addFault, calls, clearCalls, clearFaults, clientConfig } from '../helpers/emulator.js'

/**
 * The run's call budget, on a real SDK client against throttling from the emulator: a call
 * throttled far more often than the SDK's own attempts still lands, and one throttled past the
 * run's budget fails with an error that names it. The client here tries once per send (retries
 * off) so that the SDK's own backoff does not hide what the budget does.
 */
describe('a run waits out throttling within its budget', () => {
  let emulator: RunningEmulator
  let topology: Topology

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    topology = await createBlueGreenTopology({ endpoint: emulator.url, waitForBlue: false })
  })
  afterAll(() => emulator.stop())
  afterEach(async () => {
    await clearFaults(emulator.url)
    await clearCalls(emulator.url)
  })

  function client(budget: CallBudget): ECSClient {
    const ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
    applyBudget(ecs, budget, { firstWaitMs: 5, longestWaitMs: 20 })
    return ecs
  }
  const forever: CallBudget = { readsUntil: () => Infinity, writesUntil: () => Infinity }

  it('a read throttled 12 times in a row is tried a 13th time and answers', async () => {
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'throttle',
      count: 12
    })
    const ecs = client(forever)
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: topology.cluster, services: [topology.services.blue] })
    )
    expect(out.services?.[0]?.serviceName).toBe(topology.services.blue)
    const tries = (await calls(emulator.url)).filter((c) => c.operation === 'DescribeServices')
    expect(tries).toHaveLength(13)
    expect(tries.slice(0, 12).every((c) => c.fault !== undefined)).toBe(true)
    ecs.destroy()
  })

  it('a write is not given up while its budget lasts, though reads would be', async () => {
    const now = Date.now()
    // reads: already out of budget; writes: a minute left
    const budget: CallBudget = { readsUntil: () => now, writesUntil: () => now + 60_000 }
    await addFault(emulator.url, { service: 'ecs', operation: '*', fault: 'throttle', count: 3 })
    const ecs = client(budget)
    await expect(
      ecs.send(
        new DescribeServicesCommand({
          cluster: topology.cluster,
          services: [topology.services.blue]
        })
      )
    ).rejects.toThrow(ThrottledTooLongError)
    // the read took the first throttle; two more are left for the write, which waits them out
    const out = await ecs.send(
      new UpdateServiceCommand({
        cluster: topology.cluster,
        service: topology.services.green,
        desiredCount: 0
      })
    )
    expect(out.service?.desiredCount).toBe(0)
    ecs.destroy()
  })

  it('past the budget, the error names the throttled call and AWS answer', async () => {
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'throttle'
    })
    const until = Date.now() + 200
    const ecs = client({ readsUntil: () => until, writesUntil: () => until })
    const error = await ecs
      .send(
        new DescribeServicesCommand({
          cluster: topology.cluster,
          services: [topology.services.blue]
        })
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThrottledTooLongError)
    expect((error as Error).message).toMatch(
      /^AWS kept throttling DescribeServices for \d+ s \(Rate exceeded\), so the run could not go on$/
    )
    // it kept trying while the budget lasted, with waits between tries rather than at once
    const tries = (await calls(emulator.url)).filter((c) => c.operation === 'DescribeServices')
    expect(tries.length).toBeGreaterThan(3)
    expect(tries.length).toBeLessThan(60)
    ecs.destroy()
  })

  it("leaves the lock's and the record's tag calls to the rollout's own, bounded patience", async () => {
    // a run returning traffic gives its record write a second and a half: a budget that held
    // the write until the timeout would hold the traffic on the failing side as long
    await addFault(emulator.url, { service: 'elbv2', operation: 'AddTags', fault: 'throttle' })
    const elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
    applyBudget(elb, forever, { firstWaitMs: 5, longestWaitMs: 20 })
    const started = Date.now()
    await expect(
      elb.send(
        new AddTagsCommand({
          ResourceArns: [topology.listenerArn],
          Tags: [{ Key: 'k', Value: 'v' }]
        })
      )
    ).rejects.toThrow(/Rate exceeded/)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect((await calls(emulator.url)).filter((c) => c.operation === 'AddTags')).toHaveLength(1)
    elb.destroy()
  })

  it('an error that is not throttling is not tried again', async () => {
    const ecs = client(forever)
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'no-such-cluster', services: ['x'] }))
    ).rejects.toThrow(/Cluster not found/)
    expect(
      (await calls(emulator.url)).filter((c) => c.operation === 'DescribeServices')
    ).toHaveLength(1)
    ecs.destroy()
  })

  it('an attempt the SDK retried and got through still counts: the run is crowded for a while', async () => {
    let now = 1_000_000
    const budget = runBudget(60_000, () => now)
    const ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 3 })
    applyBudget(ecs, budget)
    const describe = () =>
      ecs.send(
        new DescribeServicesCommand({
          cluster: topology.cluster,
          services: [topology.services.blue]
        })
      )
    await describe()
    expect(budget.crowded()).toBe(false)
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'throttle',
      count: 1
    })
    await describe()
    expect(budget.crowded()).toBe(true)
    now += CROWDED_FOR_MS
    expect(budget.crowded()).toBe(false)
    ecs.destroy()
  })
})
