import { Agent, request } from 'node:http'
import { CreateClusterCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  AddTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import {
  addFault,
  calls,
  clearCalls,
  clientConfig,
  control,
  getTimeScale,
  listFaults,
  reset,
  setImage,
  setTimeScale
} from '../helpers/emulator.js'
import { createStubWorld, type StubWorld } from './stub-world.js'

describe('emulator control API', () => {
  let emulator: RunningEmulator
  let world: StubWorld
  let ecs: ECSClient
  let elb: ElasticLoadBalancingV2Client

  beforeAll(async () => {
    world = createStubWorld()
    emulator = await startEmulator({ world, timeScale: 0.5 })
    ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
    elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
  })
  beforeEach(() => reset(emulator.url))
  afterAll(async () => {
    ecs.destroy()
    elb.destroy()
    await emulator.stop()
  })

  it('logs every AWS call in order with service, operation, mutating, params, status and error', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'web' }))
    await elb.send(new DescribeTargetGroupsCommand({ Names: ['blue'] }))
    await ecs
      .send(new DescribeServicesCommand({ cluster: 'missing', services: ['a'] }))
      .catch(() => {})
    const log = await calls(emulator.url)
    expect(log).toEqual([
      expect.objectContaining({
        service: 'ecs',
        operation: 'CreateCluster',
        mutating: true,
        params: { clusterName: 'web' },
        status: 200,
        error: null,
        region: 'us-east-1'
      }),
      expect.objectContaining({
        service: 'elbv2',
        operation: 'DescribeTargetGroups',
        mutating: false,
        params: { Names: ['blue'] },
        status: 200,
        error: null
      }),
      expect.objectContaining({
        service: 'ecs',
        operation: 'DescribeServices',
        mutating: false,
        status: 400,
        error: 'ClusterNotFoundException'
      })
    ])
    const times = log.map((c) => Date.parse(c.at))
    expect(times.every((t, i) => Number.isFinite(t) && t >= (times[i - 1] ?? 0))).toBe(true)
  })

  it('filters the log by service, operation and mutating, and clears it', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'web' }))
    await elb.send(new DescribeTargetGroupsCommand({ Names: ['blue'] }))
    await elb.send(
      new AddTagsCommand({ ResourceArns: ['arn:lb/x'], Tags: [{ Key: 'k', Value: 'v' }] })
    )
    const operations = async (filter: Parameters<typeof calls>[1]) =>
      (await calls(emulator.url, filter)).map((c) => c.operation)
    expect(await operations({ service: 'elbv2' })).toEqual(['DescribeTargetGroups', 'AddTags'])
    expect(await operations({ mutating: true })).toEqual(['CreateCluster', 'AddTags'])
    expect(await operations({ service: 'elbv2', mutating: false })).toEqual([
      'DescribeTargetGroups'
    ])
    expect(await operations({ operation: 'CreateCluster' })).toEqual(['CreateCluster'])
    await expect(control(emulator.url, 'GET', 'calls?mutating=yes')).rejects.toThrow(
      /mutating must be true or false/
    )
    await clearCalls(emulator.url)
    expect(await calls(emulator.url)).toEqual([])
  })

  it('reset forgets resources, faults and calls, and returns to the starting time scale', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'web' }))
    await addFault(emulator.url, { fault: 'throttle', operation: 'Nothing' })
    await setTimeScale(emulator.url, 0.01)
    const resetsBefore = world.resets
    await reset(emulator.url)
    expect(world.resets).toBe(resetsBefore + 1)
    expect(await calls(emulator.url)).toEqual([])
    expect(await listFaults(emulator.url)).toEqual([])
    expect(await getTimeScale(emulator.url)).toBe(0.5)
  })

  it('sets the time scale of the simulated clock', async () => {
    await setTimeScale(emulator.url, 0.05)
    expect(world.clock.timeScale).toBe(0.05)
    expect(await getTimeScale(emulator.url)).toBe(0.05)
    await expect(setTimeScale(emulator.url, 0)).rejects.toThrow(
      /timeScale must be a number above 0/
    )
    expect(world.clock.timeScale).toBe(0.05)
  })

  it('hands a valid image behaviour to the world', async () => {
    await setImage(emulator.url, {
      image: 'app:2',
      behavior: 'crash',
      exitCode: 3,
      afterSeconds: 1
    })
    expect(world.images).toEqual([
      { image: 'app:2', behavior: 'crash', exitCode: 3, afterSeconds: 1 }
    ])
  })

  it.each([
    [{ behavior: 'healthy' }, /image must be a non-empty string, got undefined/],
    [
      { image: 'app:2', behavior: 'sleepy' },
      /behavior must be one of "healthy", "unhealthy", "crash", "degrade"/
    ],
    [
      { image: 'app:2', behavior: 'healthy', startSeconds: -1 },
      /startSeconds must be a number at least 0/
    ],
    [{ image: 'app:2', behavior: 'crash', exitCode: 1.5 }, /exitCode must be an integer/],
    [{ image: 'app:2', behavior: 'healthy', start: 3 }, /unknown field\(s\) start/]
  ])('refuses the image behaviour %j with a clear message', async (body, message) => {
    await expect(control(emulator.url, 'PUT', 'images', body)).rejects.toThrow(message)
    expect(world.images).toEqual([])
  })

  it('answers malformed JSON, unknown endpoints and non-AWS requests with a message', async () => {
    const put = await fetch(`${emulator.url}/_emulator/config`, { method: 'PUT', body: '{time' })
    expect(put.status).toBe(400)
    expect(await put.json()).toEqual({ message: expect.stringMatching(/not valid JSON/) })
    await expect(control(emulator.url, 'GET', 'nothing')).rejects.toThrow(
      /404 no control endpoint GET/
    )
    const root = await fetch(emulator.url)
    expect(root.status).toBe(404)
  })

  it('ticks the world on its own', async () => {
    const before = world.ticks
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(world.ticks).toBeGreaterThan(before + 2)
  })
})

describe('stopping the emulator', () => {
  it('closes keep-alive connections and leaves no server, socket or timer behind', async () => {
    const baseline = process.getActiveResourcesInfo()
    const count = (list: string[], kind: string) => list.filter((r) => r === kind).length
    const emulator = await startEmulator({ world: createStubWorld() })
    await addFault(emulator.url, { fault: 'latency', latencyMs: 60_000 })

    // a held-back answer on a keep-alive connection is the worst case for a clean stop
    const agent = new Agent({ keepAlive: true })
    const pending = new Promise<string>((resolve) => {
      const req = request(
        emulator.url,
        {
          method: 'POST',
          agent,
          headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' }
        },
        (res) => resolve(`answered ${res.statusCode}`)
      )
      req.on('error', (error) => resolve(`closed: ${(error as NodeJS.ErrnoException).code}`))
      req.end('{}')
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await emulator.stop()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await pending).toBe('closed: ECONNRESET')
    agent.destroy()

    // other clients in this process (fetch's pool) close their own timers a moment later: wait
    // for them, so that only what the emulator leaves behind can fail this
    const kinds = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout']
    const settled = () =>
      kinds.every((kind) => count(process.getActiveResourcesInfo(), kind) <= count(baseline, kind))
    for (let i = 0; i < 100 && !settled(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const after = process.getActiveResourcesInfo()
    for (const kind of kinds) {
      expect({ kind, left: count(after, kind) <= count(baseline, kind) }).toEqual({
        kind,
        left: true
      })
    }
    await expect(fetch(emulator.url)).rejects.toThrow()
  })
})
