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
  patientFor,
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
  const forever: CallBudget = { until: () => Infinity }

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

  it("a caller's patience outlasts the run's timeout: what returns traffic still lands", async () => {
    // the run's timeout has passed: on its own, a throttled call is not tried again
    const ecs = client({ until: () => Date.now() })
    await addFault(emulator.url, { service: 'ecs', operation: '*', fault: 'throttle', count: 3 })
    const describe = () =>
      ecs.send(
        new DescribeServicesCommand({
          cluster: topology.cluster,
          services: [topology.services.blue]
        })
      )
    await expect(describe()).rejects.toThrow(ThrottledTooLongError)
    // the read took the first throttle; the revert's write, given a minute, waits out the other two
    const out = await patientFor(60_000, () =>
      ecs.send(
        new UpdateServiceCommand({
          cluster: topology.cluster,
          service: topology.services.green,
          desiredCount: 0
        })
      )
    )
    expect(out.service?.desiredCount).toBe(0)
    const tries = (await calls(emulator.url)).filter((c) => c.operation === 'UpdateService')
    expect(tries).toHaveLength(3)
    ecs.destroy()
  })

  it('past the budget, the error names the throttled call and AWS answer', async () => {
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'DescribeServices',
      fault: 'throttle'
    })
    const until = Date.now() + 200
    const ecs = client({ until: () => until })
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
      /^AWS kept throttling DescribeServices for \d+\.\d s \(Rate exceeded\), so the run could not go on$/
    )
    // it kept trying while the budget lasted, with waits between tries rather than at once
    const tries = (await calls(emulator.url)).filter((c) => c.operation === 'DescribeServices')
    expect(tries.length).toBeGreaterThan(3)
    expect(tries.length).toBeLessThan(60)
    ecs.destroy()
  })

  describe("the lock's and the record's tag calls", () => {
    const addTags = (elb: ElasticLoadBalancingV2Client) =>
      elb.send(
        new AddTagsCommand({
          ResourceArns: [topology.listenerArn],
          Tags: [{ Key: 'k', Value: 'v' }]
        })
      )
    let elb: ElasticLoadBalancingV2Client
    beforeEach(() => {
      elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
      applyBudget(elb, forever, { firstWaitMs: 5, longestWaitMs: 20 })
    })
    afterEach(() => elb.destroy())

    it('wait out throttling as every other call does: in a crowd, the record is written', async () => {
      await addFault(emulator.url, {
        service: 'elbv2',
        operation: 'AddTags',
        fault: 'throttle',
        count: 6
      })
      await addTags(elb)
      expect((await calls(emulator.url)).filter((c) => c.operation === 'AddTags')).toHaveLength(7)
    })

    it('wait no longer than their caller allows: a revert gives its record a moment', async () => {
      await addFault(emulator.url, { service: 'elbv2', operation: 'AddTags', fault: 'throttle' })
      const started = Date.now()
      const error = await patientFor(300, () => addTags(elb)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ThrottledTooLongError)
      expect((error as Error).message).toMatch(/^AWS kept throttling AddTags for 0\.\d s/)
      expect(Date.now() - started).toBeLessThan(1_000)
      // a call made after the caller's patience is the run's again
      await clearFaults(emulator.url)
      await addTags(elb)
    })
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
