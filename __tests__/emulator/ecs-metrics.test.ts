/**
 * The metrics autoscaling scales on, through the real CloudWatch client: AWS/ECS CPU and memory
 * of a service under the built-in load, and the ALB's RequestCountPerTarget.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import {
  createBlueGreenTopology,
  type Topology,
  waitForHealthy
} from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, control, loads, setImage, startLoad, stopLoad } from '../helpers/emulator.js'

/** a simulated minute is 1.2 s */
const TIME_SCALE = 0.02
const IMAGE = 'registry.example.com/web:1.0.0'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 15_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await sleep(100)
  }
}

interface Minute {
  at: Date
  average: number
  minimum: number
  maximum: number
  samples: number
}

describe('the metrics autoscaling scales on', () => {
  let emulator: RunningEmulator
  let topology: Topology
  let cloudwatch: CloudWatchClient
  let ecs: ECSClient

  beforeAll(async () => {
    emulator = await startEmulator({ timeScale: TIME_SCALE })
    const config = clientConfig(emulator.url)
    cloudwatch = new CloudWatchClient({ ...config, maxAttempts: 1 })
    ecs = new ECSClient({ ...config, maxAttempts: 1 })
    topology = await createBlueGreenTopology({ endpoint: emulator.url, image: IMAGE })
  })
  afterEach(() => stopLoad(emulator.url))
  afterAll(async () => {
    cloudwatch.destroy()
    ecs.destroy()
    await emulator.stop()
  })

  /** a service's AWS/ECS metric per minute since `since`, oldest first */
  async function perMinute(metricName: string, service: string, since: number): Promise<Minute[]> {
    const metric = {
      Namespace: 'AWS/ECS',
      MetricName: metricName,
      Dimensions: [
        { Name: 'ClusterName', Value: topology.cluster },
        { Name: 'ServiceName', Value: service }
      ]
    }
    const stats = ['Average', 'Minimum', 'Maximum', 'SampleCount']
    const answer = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(since),
        // a period still running has no datapoint yet; the end may lie ahead
        EndTime: new Date(Date.now() + 1000),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: stats.map((stat) => ({
          Id: stat.toLowerCase(),
          MetricStat: { Metric: metric, Period: 60, Stat: stat, Unit: 'Percent' }
        }))
      })
    )
    const [average, minimum, maximum, samples] = stats.map(
      (_, i) => answer.MetricDataResults?.[i]?.Values ?? []
    )
    const at = answer.MetricDataResults?.[0]?.Timestamps ?? []
    return at.map((date, i) => ({
      at: date,
      average: average?.[i] as number,
      minimum: minimum?.[i] as number,
      maximum: maximum?.[i] as number,
      samples: samples?.[i] as number
    }))
  }

  async function scaleBlue(desiredCount: number): Promise<void> {
    await ecs.send(
      new UpdateServiceCommand({
        cluster: topology.cluster,
        service: topology.services.blue,
        desiredCount
      })
    )
    await waitForHealthy(emulator.url, topology.targetGroups.blue, desiredCount)
  }

  it('CPU rises with the load, spreads over more tasks, and falls when the load stops', async () => {
    const { blue } = topology.services
    const quiet = Date.now()
    const idleBefore = await until(
      'an idle minute',
      () => perMinute('CPUUtilization', blue, quiet),
      (minutes) => minutes.length > 0
    )
    expect(idleBefore[0]).toMatchObject({ average: 5, minimum: 5, maximum: 5, samples: 2 })
    const since = Date.now()
    // 60 requests a second over two tasks: 30 each, 5 % + 30 × 0.5 % = 20 % CPU
    await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 60 })
    const loaded = await until(
      'a whole minute under load',
      () => perMinute('CPUUtilization', blue, since),
      (minutes) => minutes.some((m) => m.average > 19)
    )
    const busiest = loaded.find((m) => m.average > 19) as Minute
    expect(busiest.average).toBeLessThanOrEqual(20.01)
    expect(busiest.samples).toBe(2)
    expect(busiest.maximum - busiest.minimum).toBeLessThan(0.1)
    const memory = await perMinute('MemoryUtilization', blue, since)
    // 20 % + 30 × 0.1 %
    expect(Math.max(...memory.map((m) => m.average))).toBeCloseTo(23, 0)

    // four tasks share the same load: 15 requests a second each, 12.5 % CPU
    await scaleBlue(4)
    const spread = Date.now()
    const shared = await until(
      'a minute with four tasks sharing the load',
      () => perMinute('CPUUtilization', blue, spread),
      (minutes) => minutes.some((m) => m.samples === 4 && m.average < 13 && m.minimum > 12)
    )
    const four = shared.find((m) => m.samples === 4 && m.minimum > 12) as Minute
    expect(four.average).toBeLessThanOrEqual(12.51)

    await stopLoad(emulator.url)
    const stopped = Date.now()
    const idle = await until(
      'an idle minute',
      () => perMinute('CPUUtilization', blue, stopped),
      (minutes) => minutes.some((m) => m.maximum === 5)
    )
    expect(idle.find((m) => m.maximum === 5)).toMatchObject({ average: 5, samples: 4 })
    expect((await loads(emulator.url)).length).toBe(0)
    await scaleBlue(2)
  })

  it('publishes nothing for a service with no running task', async () => {
    const since = Date.now()
    await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 20 })
    await until(
      'blue’s next minutes',
      () => perMinute('CPUUtilization', topology.services.blue, since),
      (minutes) => minutes.length >= 1
    )
    expect(await perMinute('CPUUtilization', topology.services.green, since)).toEqual([])
    expect(await perMinute('MemoryUtilization', topology.services.green, since)).toEqual([])
  })

  it('RequestCountPerTarget sums to the requests divided by the healthy targets', async () => {
    const group = topology.targetGroups.blue.split(':').at(-1) as string
    const balancer = topology.loadBalancerArn.split(':loadbalancer/')[1] as string
    const sum = async (metricName: string, window: [number, number], withBalancer: boolean) => {
      const dimensions = [{ Name: 'TargetGroup', Value: group }]
      if (withBalancer) dimensions.push({ Name: 'LoadBalancer', Value: balancer })
      const answer = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(window[0]),
          EndTime: new Date(window[1]),
          MetricDataQueries: [
            {
              Id: 'm',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ApplicationELB',
                  MetricName: metricName,
                  Dimensions: dimensions
                },
                Period: 3600,
                Stat: 'Sum'
              }
            }
          ]
        })
      )
      return answer.MetricDataResults?.[0]?.Values?.[0] ?? 0
    }
    const measure = async (targets: number) => {
      // metrics are kept by the simulated second: the window starts a little early
      await sleep(100)
      const start = Date.now() - 50
      await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 100 })
      await until(
        '1500 requests',
        () => loads(emulator.url),
        (list) => (list[0]?.sent ?? 0) >= 1500
      )
      await stopLoad(emulator.url)
      const window: [number, number] = [start, Date.now() + 20]
      const requests = await sum('RequestCount', window, true)
      expect(requests).toBeGreaterThanOrEqual(1400)
      expect(await sum('RequestCountPerTarget', window, true)).toBeCloseTo(requests / targets, 6)
      expect(await sum('RequestCountPerTarget', window, false)).toBeCloseTo(requests / targets, 6)
    }
    await measure(2)
    await scaleBlue(3)
    await measure(3)
    await scaleBlue(2)
  })

  it('refuses resource figures out of range or unknown', async () => {
    await expect(setImage(emulator.url, { image: IMAGE, cpuPerRequest: 101 })).rejects.toThrow(
      /400 cpuPerRequest must be a number at least 0 and at most 100, got 101/
    )
    await expect(setImage(emulator.url, { image: IMAGE, memoryBaseline: -1 })).rejects.toThrow(
      /400 memoryBaseline must be a number at least 0 and at most 100/
    )
    await expect(control(emulator.url, 'PUT', 'images', { image: IMAGE, cpu: 50 })).rejects.toThrow(
      /unknown field\(s\) cpu; known fields: .*cpuBaseline, cpuPerRequest/
    )
  })
})
