/**
 * The lock as a listener rule, through the real SDK against the emulator: what the atomicity of
 * the lock rests on is what ELBv2 does with rule priorities, tags set at creation and deletes by
 * ARN. The emulator refuses as AWS does, so these hold against AWS too.
 */
import {
  CreateRuleCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { LockAdapter } from '../../src/aws/lock.js'
import { RouteLock, lockPriority } from '../../src/rollout/durable/route-lock.js'
import { RolloutLockedError, TopologyError } from '../../src/rollout/errors.js'
import { systemClock } from '../../src/rollout/clock.js'
import type { Settings } from '../../src/rollout/settings.js'
import { clientConfig } from '../helpers/emulator.js'

let emulator: RunningEmulator
let elb: ElasticLoadBalancingV2Client
let t: Topology
let topologies = 0

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  elb = new ElasticLoadBalancingV2Client(clientConfig(emulator.url))
})

afterAll(async () => {
  elb.destroy()
  await emulator.stop()
})

async function pair(useRule = false): Promise<Topology> {
  return createBlueGreenTopology({
    endpoint: emulator.url,
    prefix: `lock${++topologies}`,
    useRule,
    waitForBlue: false
  })
}

function settings(routeArn: string, overrides: Partial<Settings> = {}): Settings {
  return { routeArn, staleAfterMs: 60_000, ...overrides } as Settings
}

const owner = (token: string) => ({ token, runId: token.replace(/\D/g, '') || '1' })

describe('the lock rule', () => {
  beforeAll(async () => {
    t = await pair()
  })

  it('is created at the route’s priority with its tags in the same call, matching no request', async () => {
    const lock = new RouteLock(
      new LockAdapter(elb),
      settings(t.routeArn),
      owner('run-1'),
      systemClock
    )
    await lock.acquire({ kind: 'none', tags: {} })
    const out = await elb.send(new DescribeRulesCommand({ RuleArns: [lock.arn!] }))
    const rule = out.Rules![0]!
    expect(rule.Priority).toBe(String(lockPriority({ routeArn: t.routeArn })))
    expect(rule.Conditions![0]!.Field).toBe('http-header')
    expect(rule.Actions![0]!.Type).toBe('fixed-response')
    const read = await new LockAdapter(elb).readWithLock(t.routeArn, lock.arn!)
    expect(read.lock).toMatchObject({
      'ecs-blue-green:lock': t.routeArn,
      'ecs-blue-green:owner': 'run-1',
      'ecs-blue-green:purpose': 'rollout'
    })
    // a second run is refused while the first is new
    const second = new RouteLock(
      new LockAdapter(elb),
      settings(t.routeArn),
      owner('run-2'),
      systemClock
    )
    await expect(second.acquire({ kind: 'none', tags: {} })).rejects.toThrow(RolloutLockedError)
    const arn = lock.arn!
    await lock.release()
    expect(lock.arn).toBeUndefined()
    expect((await new LockAdapter(elb).readWithLock(t.routeArn, arn)).lock).toBeUndefined()
  })

  it('of two creates that race, exactly one wins, however they interleave', async () => {
    const port = new LockAdapter(elb)
    const priority = lockPriority({ routeArn: t.routeArn })
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        port.createLockRule(t.listenerArn, priority, { 'ecs-blue-green:owner': `racer-${i}` })
      )
    )
    expect(claims.filter((claim) => claim.kind === 'created')).toHaveLength(1)
    const won = claims.find((claim) => claim.kind === 'created')!
    if (won.kind !== 'created') throw new Error('unreachable')
    // deleting by ARN: one deleter wins, the other is told it was gone
    expect(await port.deleteLockRule(won.rule.arn)).toBe(true)
    expect(await port.deleteLockRule(won.rule.arn)).toBe(false)
    expect(await port.ruleAt(t.listenerArn, priority)).toBeUndefined()
  })

  it('is never taken from a rule of the user’s at that priority: a clear refusal, nothing changed', async () => {
    const mine = await pair(true)
    const priority = 49_999
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: mine.listenerArn,
        Priority: priority,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/legacy/*'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '410' } }]
      })
    )
    const lock = new RouteLock(
      new LockAdapter(elb),
      settings(mine.routeArn, { lockPriority: priority }),
      owner('run-3'),
      systemClock
    )
    const refused = lock.acquire({ kind: 'none', tags: {} })
    await expect(refused).rejects.toThrow(TopologyError)
    await expect(refused).rejects.toThrow(
      /priority 49999 of .* is held by .*a rule that is not the action’s lock; set the input lock-priority/
    )
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: mine.listenerArn }))
    expect(rules.Rules!.filter((rule) => rule.Priority === String(priority))).toHaveLength(1)
  })
})

describe('lockPriority', () => {
  it('is fixed for a route, within 49001-50000, and differs between the rules of one listener', () => {
    const base =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/'
    const priorities = Array.from({ length: 20 }, (_, i) =>
      lockPriority({ routeArn: `${base}${(0x9683b2d02a6cabeen + BigInt(i)).toString(16)}` })
    )
    for (const priority of priorities) {
      expect(priority).toBeGreaterThanOrEqual(49_001)
      expect(priority).toBeLessThanOrEqual(50_000)
    }
    expect(new Set(priorities).size).toBeGreaterThan(15)
    expect(lockPriority({ routeArn: `${base}1`, lockPriority: 7 })).toBe(7)
  })
})
