/**
 * `rateLimits: true` throttles as AWS documents, through the real SDK with its retries off (a
 * retry would hide the answer): a burst of exactly a bucket's capacity passes, the next call gets
 * the service's throttling error, and a second later the refill rate passes again. The buckets
 * refill by a clock the test moves, so every count is exact however slow the machine is.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand
} from '@aws-sdk/client-cloudwatch'
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand
} from '@aws-sdk/client-ecs'
import {
  AddTagsCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createTargetGroup } from '../../emulator/fixtures/load-balancer.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { clientConfig, control, metricAlarmInput } from '../helpers/emulator.js'

let now = 1_700_000_000_000
let emulator: RunningEmulator
let ecs: ECSClient
let elb: ElasticLoadBalancingV2Client
let cloudwatch: CloudWatchClient
let group: string

beforeAll(async () => {
  emulator = await startEmulator({ rateLimitClock: () => now })
  const config = { ...clientConfig(emulator.url), maxAttempts: 1 }
  ecs = new ECSClient(config)
  elb = new ElasticLoadBalancingV2Client(config)
  cloudwatch = new CloudWatchClient(config)
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }))
  group = await createTargetGroup(elb, 'shop-blue', { targetType: 'ip', port: 80 })
})

// full buckets for every test: setting the limits again starts them afresh
beforeEach(() => control(emulator.url, 'PUT', 'config', { rateLimits: true }))

afterAll(async () => {
  ecs.destroy()
  elb.destroy()
  cloudwatch.destroy()
  await emulator.stop()
})

/** 'passed', or the error as the SDK surfaces it: name, HTTP status and message */
async function attempt(send: () => Promise<unknown>): Promise<string> {
  try {
    await send()
    return 'passed'
  } catch (error) {
    const { name, message, $metadata } = error as Error & {
      $metadata?: { httpStatusCode?: number }
    }
    return `${name} ${$metadata?.httpStatusCode}: ${message}`
  }
}

/** `count` calls one after the other, taking turns among `sends`; how each ended */
async function burst(count: number, ...sends: (() => Promise<unknown>)[]): Promise<string[]> {
  const outcomes: string[] = []
  for (let i = 0; i < count; i++) outcomes.push(await attempt(sends[i % sends.length]!))
  return outcomes
}

const passed = (count: number): string[] => Array.from({ length: count }, () => 'passed')
const oneSecondLater = (): void => {
  now += 1000
}

const ECS_THROTTLED = 'ThrottlingException 400: Rate exceeded'
const QUERY_THROTTLED = 'Throttling 400: Rate exceeded'

describe('Amazon ECS, per its action categories', () => {
  const describeServices = () =>
    ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web-blue'] }))
  const listServices = () => ecs.send(new ListServicesCommand({ cluster: 'shop' }))

  it('service reads share one bucket of 100 refilled at 20 a second', async () => {
    expect(await burst(100, describeServices, listServices)).toEqual(passed(100))
    expect(await attempt(describeServices)).toBe(ECS_THROTTLED)
    expect(await attempt(listServices)).toBe(ECS_THROTTLED)
    // another category has a bucket of its own
    expect(await attempt(() => ecs.send(new ListTasksCommand({ cluster: 'shop' })))).toBe('passed')
    oneSecondLater()
    expect(await burst(21, listServices, describeServices)).toEqual([...passed(20), ECS_THROTTLED])
  })

  it('task definition changes: a bucket of 20 refilled at 1 a second', async () => {
    const register = () =>
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'shop',
          containerDefinitions: [{ name: 'web', image: 'shop:1', memory: 128 }]
        })
      )
    expect(await burst(21, register)).toEqual([...passed(20), ECS_THROTTLED])
    oneSecondLater()
    expect(await burst(2, register)).toEqual(['passed', ECS_THROTTLED])
  })
})

describe('Elastic Load Balancing v2', () => {
  const describes = [
    () => elb.send(new DescribeLoadBalancersCommand({})),
    () => elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [group] })),
    () => elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group })),
    () => elb.send(new DescribeTagsCommand({ ResourceArns: [group] }))
  ]
  const addTag = () =>
    elb.send(new AddTagsCommand({ ResourceArns: [group], Tags: [{ Key: 'team', Value: 'shop' }] }))

  it('every Describe* drains one shared bucket of 40 refilled at 10 a second', async () => {
    expect(await burst(40, ...describes)).toEqual(passed(40))
    for (const describe of describes) expect(await attempt(describe)).toBe(QUERY_THROTTLED)
    oneSecondLater()
    expect(await burst(11, ...describes)).toEqual([...passed(10), QUERY_THROTTLED])
  })

  it('and so does every other call, through the account-level bucket of 40', async () => {
    expect(await burst(40, ...describes)).toEqual(passed(40))
    expect(await attempt(addTag)).toBe(QUERY_THROTTLED)
  })

  it('changes: a bucket of 20 refilled at 3 a second', async () => {
    expect(await burst(21, addTag)).toEqual([...passed(20), QUERY_THROTTLED])
    // the changes' bucket is empty, not the account's: reads still pass
    expect(await attempt(describes[0]!)).toBe('passed')
    oneSecondLater()
    expect(await burst(4, addTag)).toEqual([...passed(3), QUERY_THROTTLED])
  })
})

describe('CloudWatch, per action, one second of its documented rate at most', () => {
  const describeAlarms = () => cloudwatch.send(new DescribeAlarmsCommand({}))

  it('DescribeAlarms: 9 a second', async () => {
    expect(await burst(10, describeAlarms)).toEqual([...passed(9), QUERY_THROTTLED])
    oneSecondLater()
    expect(await burst(10, describeAlarms)).toEqual([...passed(9), QUERY_THROTTLED])
  })

  it('PutMetricAlarm: 3 a second, apart from DescribeAlarms', async () => {
    const putAlarm = () =>
      cloudwatch.send(new PutMetricAlarmCommand(metricAlarmInput('shop-errors')))
    expect(await burst(4, putAlarm)).toEqual([...passed(3), QUERY_THROTTLED])
    expect(await attempt(describeAlarms)).toBe('passed')
  })
})

describe('rules of its own', () => {
  afterAll(() => control(emulator.url, 'PUT', 'config', { rateLimits: false }))

  it('name a group of operations that share a bucket', async () => {
    await control(emulator.url, 'PUT', 'config', {
      rateLimits: [
        { service: 'ecs', operations: ['DescribeServices', 'ListServices'], perSecond: 1, burst: 2 }
      ]
    })
    const describe = () =>
      ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web-blue'] }))
    const list = () => ecs.send(new ListServicesCommand({ cluster: 'shop' }))
    expect(await burst(3, describe, list)).toEqual([...passed(2), ECS_THROTTLED])
  })

  it('are refused with an empty list of operations, naming the rule', async () => {
    await expect(
      control(emulator.url, 'PUT', 'config', {
        rateLimits: [{ service: 'ecs', operations: [], perSecond: 1, burst: 2 }]
      })
    ).rejects.toThrow(
      /rateLimits\[0\]\.operations must name at least one operation when it is a list/
    )
  })
})
