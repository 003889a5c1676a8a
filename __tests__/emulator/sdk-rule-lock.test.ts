/**
 * What a lock built on listener rules relies on, through the real SDK against the emulator, held
 * to AWS's own rules: a priority is taken by exactly one rule of a listener (the second CreateRule
 * to land loses with PriorityInUse, however the two race), a rule's Tags are set with the rule in
 * one step, and a rule that is gone is RuleNotFound to DeleteRule, DescribeTags and DescribeRules.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  type CreateRuleCommandOutput,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  PriorityInUseException,
  RuleNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { addFault, calls, clearFaults, clientConfig } from '../helpers/emulator.js'

let emulator: RunningEmulator
let elb: ElasticLoadBalancingV2Client
let counter = 0
const clients: ElasticLoadBalancingV2Client[] = []

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  elb = client('lock-test')
})
afterEach(async () => {
  await clearFaults(emulator.url)
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await emulator.stop()
})

/** one attempt per call, so that a retry never hides which call lost */
function client(caller: string): ElasticLoadBalancingV2Client {
  const c = new ElasticLoadBalancingV2Client({
    ...clientConfig(emulator.url),
    maxAttempts: 1,
    userAgentAppId: caller
  })
  clients.push(c)
  return c
}

/** a load balancer with one listener and one target group; returns the listener's ARN and the group's */
async function listener(): Promise<{ listenerArn: string; groupArn: string }> {
  counter++
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: `lock${counter}`,
      Subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']
    })
  )
  const group = await elb.send(
    new CreateTargetGroupCommand({
      Name: `lock${counter}-tg`,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-0e1a2b3c4d5e6f708',
      TargetType: 'ip'
    })
  )
  const groupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? ''
  const created = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupArn }]
    })
  )
  return { listenerArn: created.Listeners?.[0]?.ListenerArn ?? '', groupArn }
}

/** the lock rule: a header no request sends, at `priority`, tagged with its holder */
function lockRule(
  c: ElasticLoadBalancingV2Client,
  listenerArn: string,
  priority: number,
  holder: string
): Promise<CreateRuleCommandOutput> {
  return c.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: priority,
      Conditions: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-lock', Values: [holder] } }
      ],
      Actions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' }
        }
      ],
      Tags: [
        { Key: 'lock-holder', Value: holder },
        { Key: 'lock-run', Value: `${holder}-run` }
      ]
    })
  )
}

const outcome = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'created',
    (error: Error) => error.name
  )

describe('a priority already used on the listener', () => {
  it('is refused with PriorityInUse, and the rule that holds it is left as it was', async () => {
    const { listenerArn } = await listener()
    const first = await lockRule(elb, listenerArn, 1, 'run-a')
    await expect(lockRule(elb, listenerArn, 1, 'run-b')).rejects.toBeInstanceOf(
      PriorityInUseException
    )
    const { Rules = [] } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    expect(Rules.map((r) => r.Priority)).toEqual(['1', 'default'])
    expect(Rules[0]?.RuleArn).toBe(first.Rules?.[0]?.RuleArn)
    const { TagDescriptions = [] } = await elb.send(
      new DescribeTagsCommand({ ResourceArns: [Rules[0]?.RuleArn ?? ''] })
    )
    expect(TagDescriptions[0]?.Tags).toContainEqual({ Key: 'lock-holder', Value: 'run-a' })
  })

  it('is won by exactly one of two CreateRule calls sent at once', async () => {
    const { listenerArn } = await listener()
    const results = await Promise.all([
      outcome(lockRule(client('racer-a'), listenerArn, 5, 'run-a')),
      outcome(lockRule(client('racer-b'), listenerArn, 5, 'run-b'))
    ])
    expect(results.sort()).toEqual(['PriorityInUseException', 'created'])
    const { Rules = [] } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    expect(Rules.filter((r) => r.Priority === '5')).toHaveLength(1)
  })

  it('is lost by the CreateRule that lands second, even when it was sent first', async () => {
    const { listenerArn } = await listener()
    // run-a's call is held back 1.5 s: it arrives first and lands last
    await addFault(emulator.url, {
      service: 'elbv2',
      operation: 'CreateRule',
      fault: 'latency',
      latencyMs: 1500,
      userAgent: 'app/slow-racer'
    })
    const slow = outcome(lockRule(client('slow-racer'), listenerArn, 7, 'run-a'))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const fast = await outcome(lockRule(client('fast-racer'), listenerArn, 7, 'run-b'))
    expect(fast).toBe('created')
    expect(await slow).toBe('PriorityInUseException')

    const log = await calls(emulator.url, { operation: 'CreateRule' })
    const landed = log
      .filter((c) => c.userAgent.includes('-racer'))
      .map((c) => [c.userAgent.includes('app/slow-racer') ? 'slow' : 'fast', c.error])
    expect(landed.slice(-2)).toEqual([
      ['fast', null],
      ['slow', 'PriorityInUse']
    ])
    const { Rules = [] } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    const held = Rules.find((r) => r.Priority === '7')
    const { TagDescriptions = [] } = await elb.send(
      new DescribeTagsCommand({ ResourceArns: [held?.RuleArn ?? ''] })
    )
    expect(TagDescriptions[0]?.Tags).toContainEqual({ Key: 'lock-holder', Value: 'run-b' })
  })
})

describe('CreateRule with Tags', () => {
  it('sets the tags with the rule: DescribeTags right after shows them', async () => {
    const { listenerArn } = await listener()
    const created = await lockRule(elb, listenerArn, 3, 'run-c')
    const ruleArn = created.Rules?.[0]?.RuleArn ?? ''
    const { TagDescriptions } = await elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] }))
    expect(TagDescriptions).toEqual([
      {
        ResourceArn: ruleArn,
        Tags: [
          { Key: 'lock-holder', Value: 'run-c' },
          { Key: 'lock-run', Value: 'run-c-run' }
        ]
      }
    ])
  })

  it('that are refused create no rule at all', async () => {
    const { listenerArn } = await listener()
    await expect(
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 4,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/lock'] } }],
          Actions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' }
            }
          ],
          Tags: [
            { Key: 'lock-holder', Value: 'a' },
            { Key: 'lock-holder', Value: 'b' }
          ]
        })
      )
    ).rejects.toMatchObject({ name: 'DuplicateTagKeysException' })
    const { Rules = [] } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    expect(Rules.map((r) => r.Priority)).toEqual(['default'])
  })
})

describe('a rule that no longer exists', () => {
  async function deletedRule(): Promise<{ listenerArn: string; ruleArn: string; live: string }> {
    const { listenerArn } = await listener()
    const ruleArn = (await lockRule(elb, listenerArn, 1, 'gone')).Rules?.[0]?.RuleArn ?? ''
    const live = (await lockRule(elb, listenerArn, 2, 'live')).Rules?.[0]?.RuleArn ?? ''
    await elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }))
    return { listenerArn, ruleArn, live }
  }

  it('is RuleNotFound to DeleteRule: a second delete fails', async () => {
    const { ruleArn, listenerArn } = await deletedRule()
    await expect(elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }))).rejects.toBeInstanceOf(
      RuleNotFoundException
    )
    const { Rules = [] } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    expect(Rules.map((r) => r.Priority)).toEqual(['2', 'default'])
  })

  it('is RuleNotFound to DescribeTags, alone or in a list with live resources', async () => {
    const { ruleArn, live, listenerArn } = await deletedRule()
    await expect(
      elb.send(new DescribeTagsCommand({ ResourceArns: [ruleArn] }))
    ).rejects.toBeInstanceOf(RuleNotFoundException)
    await expect(
      elb.send(new DescribeTagsCommand({ ResourceArns: [listenerArn, live, ruleArn] }))
    ).rejects.toBeInstanceOf(RuleNotFoundException)
    // the live ones alone still answer
    const { TagDescriptions = [] } = await elb.send(
      new DescribeTagsCommand({ ResourceArns: [listenerArn, live] })
    )
    expect(TagDescriptions.map((d) => d.ResourceArn)).toEqual([listenerArn, live])
  })

  it('is RuleNotFound to DescribeRules by RuleArns, alone or with a live rule', async () => {
    const { ruleArn, live } = await deletedRule()
    await expect(
      elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))
    ).rejects.toBeInstanceOf(RuleNotFoundException)
    await expect(
      elb.send(new DescribeRulesCommand({ RuleArns: [live, ruleArn] }))
    ).rejects.toBeInstanceOf(RuleNotFoundException)
  })

  it('frees its priority for the next CreateRule', async () => {
    const { listenerArn } = await deletedRule()
    expect(await outcome(lockRule(elb, listenerArn, 1, 'next'))).toBe('created')
  })
})
