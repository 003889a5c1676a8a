/**
 * A listener that authenticates with OIDC before it forwards: AWS never returns the client secret,
 * so the action can only keep it by writing UseExistingClientSecret, and the emulator refuses a
 * write that would drop it, as AWS does.
 */
import { DescribeListenersCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
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

beforeAll(async () => {
  h = await startHarness()
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

it('deploys behind an OIDC login, keeping the client secret it cannot read', async () => {
  const t = await freshTopology(h)
  const { blue, green } = t.targetGroups
  await setDefaultActions(h.url, t, [
    { ...OIDC, AuthenticateOidcConfig: { ...OIDC.AuthenticateOidcConfig, ClientSecret: 's3cret' } },
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
})
