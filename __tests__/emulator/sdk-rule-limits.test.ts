/**
 * ELBv2 quotas and condition rules, through the real SDK: rules are counted per load balancer
 * (100, default rules not counted), a rule has one condition of each single kind, five wildcards at
 * most and only the characters the ALB documents; a target group's matcher codes and health
 * check path are checked as AWS does.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  type CreateRuleCommandInput,
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig } from '../helpers/emulator.js'

let emulator: RunningEmulator
let elb: ElasticLoadBalancingV2Client
let groups = 0
let balancers = 0

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
})
afterAll(async () => {
  elb.destroy()
  await emulator.stop()
})

function targetGroup(extra: Partial<CreateTargetGroupCommandInput> = {}) {
  return elb.send(
    new CreateTargetGroupCommand({
      Name: `limits-${++groups}`,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-0a1b2c3d',
      TargetType: 'ip',
      ...extra
    })
  )
}

/** a load balancer with `count` listeners, each forwarding to one new target group */
async function balancer(count: number): Promise<{ listeners: string[]; group: string }> {
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: `limits-${++balancers}`,
      Subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']
    })
  )
  const group = (await targetGroup()).TargetGroups?.[0]?.TargetGroupArn ?? ''
  const listeners: string[] = []
  for (let i = 0; i < count; i++) {
    const listener = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 8000 + i,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: group }]
      })
    )
    listeners.push(listener.Listeners?.[0]?.ListenerArn ?? '')
  }
  return { listeners, group }
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (e: Error) => e.name
  )
}

describe('rules per load balancer', () => {
  it('counts the rules of all its listeners against the quota of 100', async () => {
    const { listeners, group } = await balancer(2)
    const rule = (listener: string, priority: number): CreateRuleCommandInput => ({
      ListenerArn: listener,
      Priority: priority,
      Conditions: [{ Field: 'path-pattern', Values: [`/r${priority}`] }],
      Actions: [{ Type: 'forward', TargetGroupArn: group }]
    })
    for (let i = 1; i <= 100; i++) {
      await elb.send(new CreateRuleCommand(rule(listeners[i % 2] ?? '', i)))
    }
    // 50 rules on each listener: neither is full, the load balancer is
    expect(await errorName(elb.send(new CreateRuleCommand(rule(listeners[0] ?? '', 101))))).toBe(
      'TooManyRulesException'
    )
  }, 60_000)
})

describe('conditions', () => {
  let listener: string
  let group: string
  let priority = 0
  beforeAll(async () => {
    ;({
      listeners: [listener = ''],
      group
    } = await balancer(1))
  })
  const create = (conditions: CreateRuleCommandInput['Conditions']) =>
    errorName(
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: ++priority,
          Conditions: conditions,
          Actions: [{ Type: 'forward', TargetGroupArn: group }]
        })
      )
    )

  it('refuses two host-header conditions in one rule', async () => {
    expect(
      await create([
        { Field: 'host-header', Values: ['a.example.com'] },
        { Field: 'host-header', Values: ['b.example.com'] }
      ])
    ).toBe('ValidationError')
  })

  it('accepts two http-header conditions in one rule', async () => {
    expect(
      await create([
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-A', Values: ['1'] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-B', Values: ['2'] } }
      ])
    ).toBe('accepted')
  })

  it('refuses more than five wildcards in a rule', async () => {
    expect(await create([{ Field: 'path-pattern', Values: ['/a*', '/b*', '/c*/*/*?'] }])).toBe(
      'ValidationError'
    )
    expect(await create([{ Field: 'path-pattern', Values: ['/a*', '/b*/*'] }])).toBe('accepted')
  })

  it('refuses characters the ALB does not allow in a host or path', async () => {
    expect(await create([{ Field: 'host-header', Values: ['pr_12.example.com'] }])).toBe(
      'ValidationError'
    )
    expect(await create([{ Field: 'path-pattern', Values: ['/a b'] }])).toBe('ValidationError')
    expect(await create([{ Field: 'host-header', Values: ['pr-12.example.com'] }])).toBe('accepted')
  })
})

describe('target group health checks', () => {
  it.each([
    ['a matcher code under 200', { Matcher: { HttpCode: '100' } }],
    ['a matcher code over 499', { Matcher: { HttpCode: '200-502' } }],
    ['a matcher range that goes down', { Matcher: { HttpCode: '299-200' } }],
    ['a matcher that is not a code', { Matcher: { HttpCode: 'ok' } }],
    ['an empty health check path', { HealthCheckPath: '' }],
    ['a health check path without a leading /', { HealthCheckPath: 'health' }]
  ])('refuses %s', async (_what, extra) => {
    expect(await errorName(targetGroup(extra))).toBe('ValidationError')
  })

  it('accepts the matchers AWS accepts', async () => {
    const made = await targetGroup({ Matcher: { HttpCode: '200,202,300-399' } })
    expect(made.TargetGroups?.[0]?.Matcher).toEqual({ HttpCode: '200,202,300-399' })
  })
})

describe('what was not found, in the words of AWS', () => {
  const arn = (kind: string): string =>
    `arn:aws:elasticloadbalancing:us-east-1:123456789012:${kind}/app/gone/0123456789abcdef${kind === 'listener' ? '/0123456789abcdef' : ''}`

  it.each([
    [
      'listeners',
      () => elb.send(new DescribeListenersCommand({ ListenerArns: [arn('listener')] })),
      'ListenerNotFoundException',
      'One or more listeners not found'
    ],
    [
      'target groups',
      () =>
        elb.send(
          new DescribeTargetHealthCommand({
            TargetGroupArn:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/0123456789abcdef'
          })
        ),
      'TargetGroupNotFoundException',
      'One or more target groups not found'
    ],
    [
      'load balancers',
      () => elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn('loadbalancer')] })),
      'LoadBalancerNotFoundException',
      'One or more load balancers not found'
    ]
  ])('%s', async (_what, call, name, message) => {
    const error = await call().then(
      () => new Error('found'),
      (e: Error) => e
    )
    expect({ name: error.name, message: error.message }).toEqual({ name, message })
  })
})
