import { CreateClusterCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { FaultBook, mulberry32 } from '../../emulator/control/faults.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import {
  addFault,
  calls,
  clearCalls,
  clearFaults,
  clientConfig,
  control,
  listFaults
} from '../helpers/emulator.js'
import { createStubWorld } from './stub-world.js'

describe('FaultBook', () => {
  it('fails the same share of calls for the same seed, and about the share asked for', () => {
    const pattern = (seed: number): boolean[] => {
      const book = new FaultBook()
      book.add({ service: 'elbv2', operation: '*', fault: 'throttle', rate: 0.2, seed })
      return Array.from({ length: 1000 }, () => book.hit('elbv2', 'ModifyListener') !== undefined)
    }
    const first = pattern(7)
    expect(pattern(7)).toEqual(first)
    expect(pattern(8)).not.toEqual(first)
    const failed = first.filter(Boolean).length
    expect(failed).toBeGreaterThan(150)
    expect(failed).toBeLessThan(250)
  })

  it('matches service and operation, and spends a count until the rule is gone', () => {
    const book = new FaultBook()
    book.add({ service: 'ecs', operation: 'UpdateService', fault: 'error500', count: 2 })
    expect(book.hit('elbv2', 'UpdateService')).toBeUndefined()
    expect(book.hit('ecs', 'DescribeServices')).toBeUndefined()
    expect(book.hit('ecs', 'UpdateService')?.fault).toBe('error500')
    expect(book.list()[0]?.remaining).toBe(1)
    expect(book.hit('ecs', 'UpdateService')?.fault).toBe('error500')
    expect(book.hit('ecs', 'UpdateService')).toBeUndefined()
    expect(book.list()).toEqual([])
  })

  it('draws numbers in [0, 1) from mulberry32', () => {
    const random = mulberry32(1)
    const draws = Array.from({ length: 100 }, random)
    expect(draws.every((n) => n >= 0 && n < 1)).toBe(true)
    expect(new Set(draws).size).toBe(100)
  })
})

// Through the real SDK clients: what a fault looks like to a caller, and what its retries make of it.
describe('emulator faults', () => {
  let emulator: RunningEmulator
  const noRetry = () => new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  const retrying = () => new ECSClient(clientConfig(emulator.url))

  beforeAll(async () => {
    emulator = await startEmulator({ world: createStubWorld() })
  })
  afterEach(async () => {
    await clearFaults(emulator.url)
    await clearCalls(emulator.url)
  })
  afterAll(async () => {
    await emulator.stop()
  })

  async function withClient<T>(client: ECSClient, use: (c: ECSClient) => Promise<T>): Promise<T> {
    try {
      return await use(client)
    } finally {
      client.destroy()
    }
  }

  it('throttles ECS as AWS does, which the caller sees when retries are off', async () => {
    await addFault(emulator.url, {
      service: 'ecs',
      operation: 'CreateCluster',
      fault: 'throttle',
      count: 1
    })
    const error = await withClient(noRetry(), (ecs) =>
      ecs.send(new CreateClusterCommand({ clusterName: 'web' })).catch((e: unknown) => e)
    )
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 }
    })
    expect(await calls(emulator.url)).toEqual([
      expect.objectContaining({
        service: 'ecs',
        operation: 'CreateCluster',
        mutating: true,
        status: 400,
        error: 'ThrottlingException',
        fault: 'throttle'
      })
    ])
  })

  it("lets the SDK's default retries recover from a throttle", async () => {
    await addFault(emulator.url, { service: 'ecs', operation: '*', fault: 'throttle', count: 1 })
    const { cluster } = await withClient(retrying(), (ecs) =>
      ecs.send(new CreateClusterCommand({ clusterName: 'web' }))
    )
    expect(cluster?.clusterName).toBe('web')
    const log = await calls(emulator.url)
    expect(log.map((c) => [c.operation, c.status, c.error, c.fault])).toEqual([
      ['CreateCluster', 400, 'ThrottlingException', 'throttle'],
      ['CreateCluster', 200, null, null]
    ])
  })

  it('throttles ELBv2 with the Query error code Throttling', async () => {
    await addFault(emulator.url, { service: 'elbv2', fault: 'throttle', count: 1 })
    const elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
    try {
      const error = await elb.send(new DescribeTargetGroupsCommand({})).catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'Throttling',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 }
      })
    } finally {
      elb.destroy()
    }
  })

  it.each(['error500', 'reset'] as const)('lets the SDK retry through %s', async (fault) => {
    await addFault(emulator.url, { service: 'ecs', operation: 'DescribeServices', fault, count: 2 })
    const { services } = await withClient(retrying(), (ecs) =>
      ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['web'] }))
    )
    expect(services).toEqual([])
    const expected = fault === 'reset' ? [0, 'ConnectionReset'] : [500, 'InternalFailure']
    expect((await calls(emulator.url)).map((c) => [c.status, c.error, c.fault])).toEqual([
      [...expected, fault],
      [...expected, fault],
      [200, null, null]
    ])
  })

  it('fails error500 as a server fault when retries are off', async () => {
    await addFault(emulator.url, { service: '*', operation: '*', fault: 'error500', count: 1 })
    const error = await withClient(noRetry(), (ecs) =>
      ecs
        .send(new DescribeServicesCommand({ cluster: 'c', services: ['web'] }))
        .catch((e: unknown) => e)
    )
    expect(error).toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 }
    })
  })

  it('holds the answer back by latencyMs and then serves it', async () => {
    await addFault(emulator.url, { service: 'ecs', fault: 'latency', latencyMs: 300, count: 1 })
    const started = Date.now()
    const { cluster } = await withClient(noRetry(), (ecs) =>
      ecs.send(new CreateClusterCommand({ clusterName: 'slow' }))
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(cluster?.clusterName).toBe('slow')
    expect((await calls(emulator.url))[0]).toMatchObject({
      status: 200,
      error: null,
      fault: 'latency'
    })
  })

  it('lists and removes single rules by id', async () => {
    const id = await addFault(emulator.url, { fault: 'reset', rate: 0.5, seed: 3 })
    expect(await listFaults(emulator.url)).toEqual([
      { id, service: '*', operation: '*', fault: 'reset', rate: 0.5, seed: 3 }
    ])
    await control(emulator.url, 'DELETE', `faults/${id}`)
    expect(await listFaults(emulator.url)).toEqual([])
  })

  it.each([
    [{ fault: 'explode' }, /fault must be one of "throttle", "error500", "reset", "latency"/],
    [{ fault: 'throttle', rate: 1.5 }, /rate must be a number at least 0 and at most 1, got 1.5/],
    [{ fault: 'throttle', count: 0 }, /count must be an integer at least 1/],
    [{ fault: 'throttle', latencyMs: 5 }, /latencyMs only applies to fault "latency"/],
    [{ fault: 'throttle', services: 'ecs' }, /unknown field\(s\) services/]
  ])('refuses the rule %j with a clear message', async (rule, message) => {
    await expect(control(emulator.url, 'POST', 'faults', rule)).rejects.toThrow(message)
    expect(await listFaults(emulator.url)).toEqual([])
  })
})
