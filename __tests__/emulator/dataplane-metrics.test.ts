/**
 * What the data plane serves becomes the AWS/ApplicationELB metrics CloudWatch answers: the
 * built-in load drives traffic, images set error shares and latency, alarms see the errors.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand
} from '@aws-sdk/client-cloudwatch'
import { ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import {
  CreateListenerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  createBlueGreenTopology,
  type Topology,
  waitForHealthy
} from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import {
  clientConfig,
  control,
  listenerUrl,
  listeners,
  loads,
  reset,
  sendHttp,
  setImage,
  startLoad,
  stopLoad
} from '../helpers/emulator.js'

const TIME_SCALE = 0.02
const BLUE_IMAGE = 'registry.example.com/web:1.0.0'
const GREEN_IMAGE = 'registry.example.com/web:2.0.0'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls until `done`; the load is paced by the wall clock, so on a loaded machine the requests
 * come slower: the deadline leaves room for that (it is a guard, not what the test measures).
 */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 30_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await sleep(20)
  }
}

interface Sides {
  emulator: RunningEmulator
  topology: Topology
  cloudwatch: CloudWatchClient
  elb: ElasticLoadBalancingV2Client
  close(): Promise<void>
}

/** blue on 1.0.0 and green on 2.0.0, two healthy tasks each */
async function twoSides(): Promise<Sides> {
  const emulator = await startEmulator({ timeScale: TIME_SCALE })
  const config = clientConfig(emulator.url)
  const ecs = new ECSClient(config)
  const elb = new ElasticLoadBalancingV2Client({ ...config, maxAttempts: 1 })
  const cloudwatch = new CloudWatchClient({ ...config, maxAttempts: 1 })
  const topology = await createBlueGreenTopology({ endpoint: emulator.url, image: BLUE_IMAGE })
  const green = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'web',
          image: GREEN_IMAGE,
          essential: true,
          portMappings: [{ containerPort: 8080 }]
        }
      ]
    })
  )
  await ecs.send(
    new UpdateServiceCommand({
      cluster: topology.cluster,
      service: topology.services.green,
      taskDefinition: green.taskDefinition?.taskDefinitionArn,
      desiredCount: 2
    })
  )
  ecs.destroy()
  await waitForHealthy(emulator.url, topology.targetGroups.green, 2)
  return {
    emulator,
    topology,
    cloudwatch,
    elb,
    async close() {
      cloudwatch.destroy()
      elb.destroy()
      await emulator.stop()
    }
  }
}

function dimensions(topology: Topology, side?: 'blue' | 'green') {
  const balancer = {
    Name: 'LoadBalancer',
    Value: topology.loadBalancerArn.split(':loadbalancer/')[1]
  }
  if (!side) return [balancer]
  const group = topology.targetGroups[side].split(':').at(-1) as string
  return [{ Name: 'TargetGroup', Value: group }, balancer]
}

describe('load balancer metrics from the data plane', () => {
  let sides: Sides
  let url: string

  beforeAll(async () => {
    sides = await twoSides()
    url = sides.emulator.url
  })
  afterEach(() => stopLoad(url))
  afterAll(() => sides.close())

  /** one statistic of a metric over the window, summed over its periods; 0 with no datapoint */
  async function metric(
    window: { start: number; end: number },
    name: string,
    stat: string,
    side?: 'blue' | 'green'
  ): Promise<number> {
    const answer = await sides.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(window.start),
        EndTime: new Date(window.end),
        MetricDataQueries: [
          {
            Id: 'm',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ApplicationELB',
                MetricName: name,
                Dimensions: dimensions(sides.topology, side)
              },
              Period: 3600,
              Stat: stat
            }
          }
        ]
      })
    )
    const values = answer.MetricDataResults?.[0]?.Values ?? []
    expect(values.length).toBeLessThanOrEqual(1)
    return values[0] ?? 0
  }

  it('shows each side’s error share and latency in its target group’s metrics', async () => {
    const { topology } = sides
    await setImage(url, { image: BLUE_IMAGE, latencyMs: 100 })
    await setImage(url, { image: GREEN_IMAGE, errorRate: 0.2, latencyMs: 900 })
    await sides.elb.send(
      new ModifyListenerCommand({
        ListenerArn: topology.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: topology.targetGroups.blue, Weight: 80 },
                { TargetGroupArn: topology.targetGroups.green, Weight: 20 }
              ]
            }
          }
        ]
      })
    )
    const start = Date.now() - 50
    await startLoad(url, { listenerArn: topology.listenerArn, rps: 100, seed: 3 })
    await until(
      '2000 requests',
      () => loads(url),
      (list) => (list[0]?.sent ?? 0) >= 2000
    )
    await stopLoad(url)
    const window = { start, end: Date.now() + 50 }

    const blueRequests = await metric(window, 'RequestCount', 'Sum', 'blue')
    const greenRequests = await metric(window, 'RequestCount', 'Sum', 'green')
    const allRequests = await metric(window, 'RequestCount', 'Sum')
    expect(blueRequests + greenRequests).toBe(allRequests)
    expect(allRequests).toBeGreaterThanOrEqual(2000)
    expect(greenRequests / allRequests).toBeGreaterThan(0.15)
    expect(greenRequests / allRequests).toBeLessThan(0.25)

    const green5xx = await metric(window, 'HTTPCode_Target_5XX_Count', 'Sum', 'green')
    const green2xx = await metric(window, 'HTTPCode_Target_2XX_Count', 'Sum', 'green')
    expect(green2xx + green5xx).toBe(greenRequests)
    expect(green5xx / greenRequests).toBeGreaterThan(0.14)
    expect(green5xx / greenRequests).toBeLessThan(0.26)
    // ELB reports no datapoint for a count that stayed at zero
    expect(await metric(window, 'HTTPCode_Target_5XX_Count', 'SampleCount', 'blue')).toBe(0)
    expect(await metric(window, 'HTTPCode_Target_2XX_Count', 'Sum', 'blue')).toBe(blueRequests)

    expect(await metric(window, 'TargetResponseTime', 'p99', 'green')).toBe(0.9)
    expect(await metric(window, 'TargetResponseTime', 'Average', 'blue')).toBeCloseTo(0.1)
    // the whole load balancer: most answers are blue's, the slowest percent green's
    expect(await metric(window, 'TargetResponseTime', 'p50')).toBe(0.1)
    expect(await metric(window, 'TargetResponseTime', 'p99')).toBe(0.9)
  })

  it('puts an alarm on the green side’s 5xx count in ALARM from the errors it serves', async () => {
    const { topology, cloudwatch } = sides
    await setImage(url, { image: GREEN_IMAGE, errorRate: 0.5 })
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'green-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: dimensions(topology, 'green'),
        Statistic: 'Sum',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching'
      })
    )
    const state = async () =>
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['green-5xx'] })))
        .MetricAlarms?.[0]
    await startLoad(url, { listenerArn: topology.listenerArn, rps: 20 })
    const alarmed = await until('ALARM', state, (alarm) => alarm?.StateValue === 'ALARM')
    expect(alarmed?.StateReason).toMatch(
      /^Threshold Crossed: 1 datapoint \[\d+\.0 .*was greater than the threshold \(5\.0\)\.$/
    )

    // a healthy image serves no 5xx, so no datapoint: missing counts as not breaching
    await setImage(url, { image: GREEN_IMAGE, errorRate: 0 })
    await until('OK', state, (alarm) => alarm?.StateValue === 'OK')
  })

  it('counts the load balancer’s own 503s when a group has no healthy target', async () => {
    const { topology, elb } = sides
    const empty = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'web-empty',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: 'vpc-0e1a2b3c4d5e6f708',
          TargetType: 'ip'
        })
      )
    ).TargetGroups?.[0]?.TargetGroupArn
    const listenerArn = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: topology.loadBalancerArn,
          Protocol: 'HTTP',
          Port: 8081,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: empty }]
        })
      )
    ).Listeners?.[0]?.ListenerArn as string
    // the previous test's load ended five simulated seconds ago; the window starts a little
    // early, as metrics are kept by the simulated second
    await sleep(100)
    const start = Date.now() - 30
    await startLoad(url, {
      listenerArn,
      rps: 50,
      path: '/checkout?step=2',
      headers: { 'x-test': '1' }
    })
    const [load] = await until(
      '100 requests',
      () => loads(url),
      (list) => (list[0]?.sent ?? 0) >= 100
    )
    await stopLoad(url, listenerArn)
    expect(Object.keys(load?.statuses ?? {})).toEqual(['503'])
    const window = { start, end: Date.now() + 50 }
    const elb503 = await metric(window, 'HTTPCode_ELB_503_Count', 'Sum')
    expect(elb503).toBeGreaterThanOrEqual(load?.sent ?? 0)
    expect(await metric(window, 'HTTPCode_ELB_5XX_Count', 'Sum')).toBe(elb503)
    // RequestCount counts only requests that reached a target
    expect(await metric(window, 'RequestCount', 'Sum')).toBe(0)
  })

  it('runs one load per listener, refuses bad ones and stops when its listener goes', async () => {
    const { topology, elb } = sides
    await expect(
      startLoad(url, {
        listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2',
        rps: 5
      })
    ).rejects.toThrow(/404 no listener .* create it with CreateListener first/)
    await expect(startLoad(url, { listenerArn: topology.listenerArn, rps: 0 })).rejects.toThrow(
      /400 rps must be a number above 0 and at most 1000/
    )
    await expect(
      control(url, 'PUT', 'load', { listenerArn: topology.listenerArn, rps: 1, body: 'x' })
    ).rejects.toThrow(/unknown field\(s\) body/)

    await startLoad(url, { listenerArn: topology.listenerArn, rps: 5 })
    const replaced = await startLoad(url, {
      listenerArn: topology.listenerArn,
      rps: 7,
      host: 'shop.example.com'
    })
    expect(replaced).toMatchObject({
      rps: 7,
      host: 'shop.example.com',
      sent: 0,
      statuses: {},
      skipped: 0
    })
    expect((await loads(url)).map((l) => l.rps)).toEqual([7])
    await expect(
      control(url, 'DELETE', `load?listenerArn=${encodeURIComponent('arn:nope')}`)
    ).rejects.toThrow(/404 no load runs on arn:nope/)

    const listenerArn = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: topology.loadBalancerArn,
          Protocol: 'HTTP',
          Port: 8082,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '204' } }]
        })
      )
    ).Listeners?.[0]?.ListenerArn as string
    await startLoad(url, { listenerArn, rps: 50 })
    expect(await loads(url)).toHaveLength(2)
    await elb.send(new DeleteListenerCommand({ ListenerArn: listenerArn }))
    await until(
      'the load to stop',
      () => loads(url),
      (list) => list.length === 1
    )
  })
})

describe('the load generator', () => {
  it('sends no more than 10 000 requests a second of the wall clock, skipping the rest', async () => {
    const sides = await twoSides()
    const { emulator, topology } = sides
    try {
      // a simulated second every millisecond: 1000 rps would be a million a second
      await control(emulator.url, 'PUT', 'config', { timeScale: 0.001 })
      const started = Date.now()
      await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 1000 })
      await sleep(300)
      const [load] = await loads(emulator.url)
      const elapsed = Date.now() - started
      expect(load?.skipped).toBeGreaterThan(100_000)
      expect(load?.sent).toBeLessThanOrEqual(10 * elapsed + 1000)
    } finally {
      await sides.close()
    }
  })
})

describe('reset and stop', () => {
  it('reset forgets loads, listeners and their sockets, metrics and alarms', async () => {
    const sides = await twoSides()
    const { emulator, topology, cloudwatch } = sides
    try {
      const url = await listenerUrl(emulator.url, topology.listenerArn)
      await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 50 })
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: 'requests',
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCount',
          Dimensions: dimensions(topology),
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold'
        })
      )
      const start = Date.now() - 50
      expect((await sendHttp(url)).status).toBe(200)
      await sleep(100)

      await reset(emulator.url)
      expect(await loads(emulator.url)).toEqual([])
      expect(await listeners(emulator.url)).toEqual([])
      await until(
        'the listener socket to close',
        () =>
          sendHttp(url).then(
            () => 'open',
            (error: NodeJS.ErrnoException) => error.code
          ),
        (code) => code === 'ECONNREFUSED'
      )
      expect((await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([])
      const answer = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(),
          MetricDataQueries: [
            {
              Id: 'requests',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ApplicationELB',
                  MetricName: 'RequestCount',
                  Dimensions: dimensions(topology)
                },
                Period: 60,
                Stat: 'Sum'
              }
            }
          ]
        })
      )
      expect(answer.MetricDataResults?.[0]?.Values).toEqual([])
    } finally {
      await sides.close()
    }
  })

  it('stop closes every listener socket, a slow answer included, and leaves no timer', async () => {
    const baseline = process.getActiveResourcesInfo()
    const count = (list: string[], kind: string) => list.filter((r) => r === kind).length
    const sides = await twoSides()
    const { emulator, topology } = sides
    const url = await listenerUrl(emulator.url, topology.listenerArn)
    // a 40-second answer is 0.8 s at this time scale: stop must not wait for it
    await setImage(emulator.url, { image: BLUE_IMAGE, latencyMs: 40_000 })
    await startLoad(emulator.url, { listenerArn: topology.listenerArn, rps: 20 })
    const pending = sendHttp(url).then(
      (answer) => `answered ${answer.status}`,
      (error: NodeJS.ErrnoException) => `closed: ${error.code}`
    )
    await sleep(50)
    const started = Date.now()
    await sides.close()
    expect(Date.now() - started).toBeLessThan(500)
    expect(await pending).toBe('closed: ECONNRESET')
    await expect(sendHttp(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' })

    const kinds = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout']
    const settled = () =>
      kinds.every((kind) => count(process.getActiveResourcesInfo(), kind) <= count(baseline, kind))
    for (let i = 0; i < 100 && !settled(); i++) await sleep(50)
    const after = process.getActiveResourcesInfo()
    for (const kind of kinds) {
      expect({ kind, left: count(after, kind) > count(baseline, kind) }).toEqual({
        kind,
        left: false
      })
    }
  })
})
