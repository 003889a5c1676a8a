/**
 * Shapes of AWS resources the action must handle as AWS serves them, through the bundle:
 * - a listener that authenticates with OIDC before it forwards: AWS never returns the client
 *   secret, so the action can only keep it by writing UseExistingClientSecret, and the emulator
 *   refuses a write that would drop it, as AWS does;
 * - a composite alarm as the alarm gate: DescribeAlarms lists it only when asked for both kinds.
 */
import {
  CloudWatchClient,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import { DescribeListenersCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig } from '../helpers/emulator.js'
import { forwardTo, setDefaultActions, withClients } from './hostile-topologies.js'
import {
  callsOf,
  currentWeights,
  deployInputs,
  freshTopology,
  run,
  startHarness,
  type Harness
} from './harness.js'

let h: Harness
/** one pair per test, made before any runs: making one clears the call log the others read */
let pairs: Topology[]

beforeAll(async () => {
  h = await startHarness()
  pairs = [await freshTopology(h), await freshTopology(h)]
})

afterAll(async () => {
  await h.emulator.stop()
})

const OIDC = {
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://login.example.com',
    AuthorizationEndpoint: 'https://login.example.com/authorize',
    TokenEndpoint: 'https://login.example.com/token',
    UserInfoEndpoint: 'https://login.example.com/userinfo',
    ClientId: 'web'
  }
} as const

it.concurrent(
  'deploys behind an OIDC login, keeping the client secret it cannot read',
  async () => {
    const t = pairs[0] as Topology
    const { blue, green } = t.targetGroups
    await setDefaultActions(h.url, t, [
      {
        ...OIDC,
        AuthenticateOidcConfig: { ...OIDC.AuthenticateOidcConfig, ClientSecret: 's3cret' }
      },
      {
        ...forwardTo([
          [blue, 100],
          [green, 0]
        ]),
        Order: 2
      }
    ])

    const result = await run(h, deployInputs(t, { 'traffic-steps': '50,100' }))
    expect(result.outputs.result).toBe('promoted')
    expect(await currentWeights(h, t)).toEqual({ [blue]: 0, [green]: 100 })

    const writes = (await callsOf(h, result.caller)).filter((c) => c.operation === 'ModifyListener')
    expect(writes.length).toBeGreaterThanOrEqual(2)
    for (const write of writes) {
      expect(JSON.stringify(write.params)).toContain('UseExistingClientSecret')
      expect(JSON.stringify(write.params)).not.toContain('s3cret')
    }
    const actions = await withClients(h.url, async (_ecs, elb) => {
      const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn] }))
      return out.Listeners?.[0]?.DefaultActions ?? []
    })
    expect(actions.map((a) => a.Type)).toEqual(['authenticate-oidc', 'forward'])
    expect(actions[0]?.AuthenticateOidcConfig?.ClientId).toBe('web')
  }
)

it.concurrent(
  'reverts when a composite alarm over the release goes to ALARM mid-bake',
  async () => {
    const t = pairs[1] as Topology
    const cloudwatch = new CloudWatchClient(clientConfig(h.url))
    const child = `${t.cluster}-errors`
    const parent = `${t.cluster}-release-health`
    const set = (state: 'OK' | 'ALARM', reason: string) =>
      cloudwatch.send(
        new SetAlarmStateCommand({ AlarmName: child, StateValue: state, StateReason: reason })
      )
    try {
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: child,
          Namespace: 'Shop',
          MetricName: 'CheckoutErrors',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'ignore'
        })
      )
      await set('OK', 'quiet')
      await cloudwatch.send(
        new PutCompositeAlarmCommand({ AlarmName: parent, AlarmRule: `ALARM("${child}")` })
      )
      let fired = false
      const result = await run(h, deployInputs(t, { alarms: parent, 'step-wait': '3s' }), {
        onOutput: (text) => {
          if (!fired && /Bake at 50%/.test(text)) {
            fired = true
            void set('ALARM', 'Threshold Crossed: 9 errors')
          }
        }
      })
      expect(fired).toBe(true)
      expect(result.outputs.result).toBe('reverted')
      expect(result.outputs.reason).toMatch(new RegExp(`alarm '${parent}' is in ALARM`))
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 100,
        [t.targetGroups.green]: 0
      })
    } finally {
      cloudwatch.destroy()
    }
  }
)
