/**
 * The load balancer's data plane over real HTTP: each listener answers on a loopback port and
 * routes by its rules and weights to the simulated tasks, as a user's browser would see it.
 */
import { UpdateServiceCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  type Action,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type RuleCondition
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  createBlueGreenTopology,
  type Topology,
  waitForHealthy
} from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, listenerUrl, listeners, sendHttp, setImage } from '../helpers/emulator.js'

let emulator: RunningEmulator
let elb: ElasticLoadBalancingV2Client
let topology: Topology
let nextPort = 8000

beforeAll(async () => {
  emulator = await startEmulator({ timeScale: 0.02 })
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
  topology = await createBlueGreenTopology({ endpoint: emulator.url })
  // green runs too, so that traffic can go either way
  const ecs = new ECSClient(clientConfig(emulator.url))
  await ecs.send(
    new UpdateServiceCommand({
      cluster: topology.cluster,
      service: topology.services.green,
      desiredCount: 2
    })
  )
  ecs.destroy()
  await waitForHealthy(emulator.url, topology.targetGroups.green, 2)
})
afterAll(async () => {
  elb.destroy()
  await emulator.stop()
})

function forward(blue: number, green: number, stickySeconds?: number): Action {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: topology.targetGroups.blue, Weight: blue },
        { TargetGroupArn: topology.targetGroups.green, Weight: green }
      ],
      ...(stickySeconds === undefined
        ? {}
        : { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: stickySeconds } })
    }
  }
}

function fixed(status: string, body: string): Action {
  return {
    Type: 'fixed-response',
    FixedResponseConfig: { StatusCode: status, ContentType: 'text/plain', MessageBody: body }
  }
}

/** a listener of its own on the topology's load balancer, answering on loopback */
async function newListener(defaultAction: Action): Promise<{ arn: string; url: string }> {
  const arn = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: topology.loadBalancerArn,
        Protocol: 'HTTP',
        Port: nextPort++,
        DefaultActions: [defaultAction]
      })
    )
  ).Listeners?.[0]?.ListenerArn as string
  return { arn, url: await listenerUrl(emulator.url, arn) }
}

async function addRule(
  listenerArn: string,
  priority: number,
  conditions: RuleCondition[],
  action: Action
): Promise<void> {
  await elb.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: priority,
      Conditions: conditions,
      Actions: [action]
    })
  )
}

const side = (answer: { headers: Record<string, unknown> }) =>
  answer.headers['x-emulator-target-group']

describe('the data plane', () => {
  it('answers each listener on its own loopback port, taking turns among the live targets', async () => {
    const endpoints = await listeners(emulator.url)
    const main = endpoints.find((endpoint) => endpoint.listenerArn === topology.listenerArn)
    expect(main).toEqual({
      listenerArn: topology.listenerArn,
      loadBalancerArn: topology.loadBalancerArn,
      listenerPort: 80,
      port: expect.any(Number),
      url: `http://127.0.0.1:${main?.port}`
    })
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await sendHttp(main?.url as string, { path: '/cart' }))
    expect(answers.map((a) => [a.status, a.body, side(a)])).toEqual(
      Array(4).fill([200, 'ok', 'web-blue'])
    )
    expect(new Set(answers.map((a) => a.headers['x-emulator-target'])).size).toBe(2)
  })

  it('splits requests by the forward weights: 90/10 over 400 requests', async () => {
    const { url } = await newListener(forward(90, 10))
    let green = 0
    for (let i = 0; i < 400; i++) {
      if (side(await sendHttp(url)) === 'web-green') green++
    }
    // 40 expected; the draws are seeded, the bounds are five standard deviations wide
    expect(green).toBeGreaterThan(10)
    expect(green).toBeLessThan(70)
  })

  it('routes by host header, path and HTTP header, the lowest priority first', async () => {
    const { arn, url } = await newListener(forward(100, 0))
    await addRule(
      arn,
      1,
      [
        { Field: 'host-header', HostHeaderConfig: { Values: ['admin.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/maintenance'] } }
      ],
      fixed('503', 'down for maintenance')
    )
    await addRule(
      arn,
      5,
      [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.*.example.com'] } }],
      fixed('200', 'api')
    )
    await addRule(
      arn,
      10,
      [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/green/*', '/preview?'] } }],
      forward(0, 100)
    )
    await addRule(
      arn,
      20,
      [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['yes'] } }],
      forward(0, 100)
    )
    await addRule(arn, 30, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/old/*'] } }], {
      Type: 'redirect',
      RedirectConfig: { Path: '/new/#{path}', StatusCode: 'HTTP_301' }
    })

    const route = async (options: Parameters<typeof sendHttp>[1]) => {
      const answer = await sendHttp(url, options)
      return side(answer) ?? `${answer.status} ${answer.body || answer.headers.location}`
    }
    expect(await route({ path: '/' })).toBe('web-blue')
    expect(await route({ host: 'api.v2.example.com', path: '/orders' })).toBe('200 api')
    expect(await route({ host: 'API.V2.Example.com:8443' })).toBe('200 api')
    expect(await route({ host: 'api.example.com' })).toBe('web-blue')
    expect(await route({ path: '/green/cart' })).toBe('web-green')
    expect(await route({ path: '/GREEN/cart' })).toBe('web-blue')
    expect(await route({ path: '/preview1' })).toBe('web-green')
    expect(await route({ path: '/preview12' })).toBe('web-blue')
    expect(await route({ host: 'api.v2.example.com', path: '/green/cart' })).toBe('200 api')
    expect(await route({ headers: { 'x-canary': 'YES' } })).toBe('web-green')
    expect(await route({ headers: { 'x-canary': 'no' } })).toBe('web-blue')
    expect(await route({ path: '/maintenance' })).toBe('web-blue')
    expect(await route({ host: 'admin.example.com', path: '/maintenance' })).toBe(
      '503 down for maintenance'
    )
    expect(await route({ host: 'shop.example.com', path: '/old/a/b?x=1' })).toBe(
      '301 http://shop.example.com:' + String(nextPort - 1) + '/new/old/a/b?x=1'
    )
  })

  it('answers 503 itself when the chosen group has no healthy target', async () => {
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
    const { url } = await newListener({
      Type: 'forward',
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: empty, Weight: 1 }] }
    })
    const answer = await sendHttp(url)
    expect(answer.status).toBe(503)
    expect(answer.headers.server).toBe('awselb/2.0')
    expect(answer.body).toContain('503 Service Temporarily Unavailable')
  })

  it('keeps a client on its group while its stickiness cookie lasts, whatever the weights', async () => {
    const { arn, url } = await newListener(forward(50, 50, 3600))
    const first = await sendHttp(url)
    const cookie = String(first.headers['set-cookie']).split(';')[0] as string
    expect(cookie).toMatch(/^AWSALBTG=/)
    const stuck = side(first)
    const other = stuck === 'web-blue' ? 'web-green' : 'web-blue'
    for (let i = 0; i < 10; i++)
      expect(side(await sendHttp(url, { headers: { cookie } }))).toBe(stuck)
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: arn,
        DefaultActions: [stuck === 'web-blue' ? forward(0, 100, 3600) : forward(100, 0, 3600)]
      })
    )
    expect(side(await sendHttp(url, { headers: { cookie } }))).toBe(stuck)
    expect(side(await sendHttp(url))).toBe(other)
  })

  it('answers with the image status and body, and a 500 for the error share', async () => {
    const { url } = await newListener(forward(100, 0))
    await setImage(emulator.url, {
      image: 'registry.example.com/web:1.0.0',
      behavior: 'healthy',
      status: 201,
      body: 'created'
    })
    try {
      const answer = await sendHttp(url, { method: 'POST' })
      expect([answer.status, answer.body, answer.headers['x-emulator-image']]).toEqual([
        201,
        'created',
        'registry.example.com/web:1.0.0'
      ])
      await setImage(emulator.url, {
        image: 'registry.example.com/web:1.0.0',
        behavior: 'healthy',
        errorRate: 1
      })
      expect((await sendHttp(url)).status).toBe(500)
      await expect(
        setImage(emulator.url, { image: 'registry.example.com/web:1.0.0', errorRate: 1.5 })
      ).rejects.toThrow(/400 errorRate must be a number at least 0 and at most 1, got 1.5/)
      await expect(
        setImage(emulator.url, { image: 'registry.example.com/web:1.0.0', status: 99 })
      ).rejects.toThrow(/400 status must be an integer at least 200 and at most 599/)
    } finally {
      await setImage(emulator.url, { image: 'registry.example.com/web:1.0.0', behavior: 'healthy' })
    }
  })
})
