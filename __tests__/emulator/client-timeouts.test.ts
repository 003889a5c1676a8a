import { DescribeListenersCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { CLIENT_TIMEOUTS, createClients } from '../../src/aws/clients.js'
import { addFault, calls, clearCalls, clearFaults, REGION } from '../helpers/emulator.js'

/**
 * The action's AWS clients, made as the action makes them (endpoint, region and credentials from
 * the environment), against a call the emulator holds back: a hung call must fail its attempt
 * at the request timeout, not wait for as long as the server holds it.
 */
describe('the AWS clients time out a call that hangs', () => {
  let emulator: RunningEmulator
  let topology: Topology
  const saved: Record<string, string | undefined> = {}
  const env = (): Record<string, string> => ({
    AWS_ENDPOINT_URL: emulator.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test'
  })

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    for (const [name, value] of Object.entries(env())) {
      saved[name] = process.env[name]
      process.env[name] = value
    }
    topology = await createBlueGreenTopology({ endpoint: emulator.url, waitForBlue: false })
  })

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    await emulator.stop()
  })

  afterEach(async () => {
    await clearFaults(emulator.url)
    await clearCalls(emulator.url)
  })

  it('by default: an attempt held past 10s is given up and retried, not waited out', async () => {
    expect(CLIENT_TIMEOUTS).toEqual({ connectionMs: 3_000, requestMs: 10_000 })
    await addFault(emulator.url, {
      service: 'elbv2',
      operation: 'DescribeListeners',
      fault: 'latency',
      latencyMs: 30_000,
      count: 1
    })
    const clients = createClients()
    try {
      const started = Date.now()
      const found = await clients.elb.send(
        new DescribeListenersCommand({ ListenerArns: [topology.listenerArn] })
      )
      const took = Date.now() - started
      expect(found.Listeners?.[0]?.ListenerArn).toBe(topology.listenerArn)
      // the held attempt was dropped at the request timeout; the retry answered
      expect(took).toBeGreaterThanOrEqual(10_000)
      expect(took).toBeLessThan(20_000)
      const made = (await calls(emulator.url)).filter((c) => c.operation === 'DescribeListeners')
      expect(made.length).toBeGreaterThanOrEqual(1)
    } finally {
      clients.destroy()
    }
  }, 45_000)

  it('fails the call with a TimeoutError once every attempt has hung', async () => {
    await addFault(emulator.url, {
      service: 'elbv2',
      operation: 'DescribeListeners',
      fault: 'latency',
      latencyMs: 60_000
    })
    const clients = createClients({ connectionMs: 1_000, requestMs: 300 })
    try {
      const started = Date.now()
      const error = await clients.elb
        .send(new DescribeListenersCommand({ ListenerArns: [topology.listenerArn] }))
        .catch((caught: unknown) => caught)
      expect(error).toMatchObject({ name: 'TimeoutError' })
      expect((error as Error).message).toMatch(/exceeded the configured 300 ms requestTimeout/)
      // all of the attempts, each cut at 300 ms: nowhere near the minute the server holds them
      expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(8)
      expect(Date.now() - started).toBeLessThan(30_000)
    } finally {
      clients.destroy()
    }
  }, 45_000)
})
