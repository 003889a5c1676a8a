/**
 * Listener and rule actions other than forward, through the real SDK, held to the ELBv2 API
 * reference: what AWS refuses comes back as the SDK's error with AWS's code, and a listener's OIDC
 * client secret is write-only (Describe never returns it; a Modify keeps it with
 * UseExistingClientSecret).
 */
import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig } from '../helpers/emulator.js'

let emulator: RunningEmulator
let elb: ElasticLoadBalancingV2Client
let lbArn: string
let groupArn: string
let port = 8000

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: 'actions',
      Subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']
    })
  )
  lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? ''
  const group = await elb.send(
    new CreateTargetGroupCommand({
      Name: 'actions-tg',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-0a1b2c3d',
      TargetType: 'ip'
    })
  )
  groupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? ''
})
afterAll(async () => {
  elb.destroy()
  await emulator.stop()
})

const oidc = (secret: { ClientSecret?: string; UseExistingClientSecret?: boolean }): Action => ({
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/authorize',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'web',
    ...secret
  }
})
const forward = (order?: number): Action => ({
  Type: 'forward',
  ...(order === undefined ? {} : { Order: order }),
  TargetGroupArn: groupArn
})

async function listenerWith(actions: Action[]): Promise<string> {
  const created = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: 'HTTP',
      Port: port++,
      DefaultActions: actions
    })
  )
  return created.Listeners?.[0]?.ListenerArn ?? ''
}

async function refusal(actions: Action[]): Promise<{ name: string; message: string }> {
  const error = await listenerWith(actions).then(
    () => new Error('the listener was created'),
    (e: unknown) => e as Error
  )
  return { name: error.name, message: error.message }
}

describe('authenticate-oidc and its client secret', () => {
  it('refuses an OIDC action without a client secret when the listener is created', async () => {
    expect(await refusal([oidc({}), forward(2)])).toEqual({
      name: 'InvalidLoadBalancerActionException',
      message: expect.stringContaining('client secret must be specified')
    })
  })

  it('refuses a client secret together with UseExistingClientSecret', async () => {
    const listenerArn = await listenerWith([oidc({ ClientSecret: 's3cret' }), forward(2)])
    const error = await elb
      .send(
        new ModifyListenerCommand({
          ListenerArn: listenerArn,
          DefaultActions: [
            oidc({ ClientSecret: 'other', UseExistingClientSecret: true }),
            forward(2)
          ]
        })
      )
      .catch((e: Error) => e)
    expect((error as Error).name).toBe('InvalidLoadBalancerActionException')
  })

  it('never returns the secret, and keeps it when a modify says UseExistingClientSecret', async () => {
    const listenerArn = await listenerWith([oidc({ ClientSecret: 's3cret' }), forward(2)])
    const read = async (): Promise<Action[]> =>
      (await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))).Listeners?.[0]
        ?.DefaultActions ?? []
    const described = await read()
    expect(described[0]?.AuthenticateOidcConfig?.ClientId).toBe('web')
    expect(described[0]?.AuthenticateOidcConfig).not.toHaveProperty('ClientSecret')

    // what an action that read the listener writes back: the secret is not there to send
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [oidc({ UseExistingClientSecret: true }), forward(2)]
      })
    )
    expect((await read())[0]?.AuthenticateOidcConfig?.Issuer).toBe('https://idp.example.com')

    // without the flag, the same write is refused: the secret would be lost
    const error = await elb
      .send(
        new ModifyListenerCommand({
          ListenerArn: listenerArn,
          DefaultActions: [oidc({}), forward(2)]
        })
      )
      .catch((e: Error) => e)
    expect((error as Error).name).toBe('InvalidLoadBalancerActionException')
  })

  it('hides the secret of a rule too', async () => {
    const listenerArn = await listenerWith([forward()])
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 5,
        Conditions: [{ Field: 'path-pattern', Values: ['/admin/*'] }],
        Actions: [oidc({ ClientSecret: 's3cret' }), forward(2)]
      })
    )
    const ruleArn = rule.Rules?.[0]?.RuleArn ?? ''
    const described = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))
    expect(JSON.stringify(described.Rules)).not.toContain('s3cret')
  })
})

describe('the order of several actions', () => {
  it('refuses several actions when one has no Order', async () => {
    const { name } = await refusal([oidc({ ClientSecret: 's' }), forward()])
    expect(name).toBe('InvalidLoadBalancerActionException')
  })

  it('refuses two actions with the same Order, and an answer before authentication', async () => {
    expect((await refusal([oidc({ ClientSecret: 's' }), forward(1)])).name).toBe(
      'InvalidLoadBalancerActionException'
    )
    expect((await refusal([{ ...oidc({ ClientSecret: 's' }), Order: 3 }, forward(2)])).name).toBe(
      'InvalidLoadBalancerActionException'
    )
  })
})

describe('fixed-response and redirect fields', () => {
  const fixed = (config: Record<string, string>): Action => ({
    Type: 'fixed-response',
    FixedResponseConfig: { StatusCode: '503', ...config }
  })
  const redirect = (config: Record<string, string>): Action => ({
    Type: 'redirect',
    RedirectConfig: { StatusCode: 'HTTP_301', ...config } as Action['RedirectConfig']
  })

  const validation = 'ValidationError'
  const invalid = 'InvalidLoadBalancerActionException'
  it.each([
    ['a status code that is not 2xx, 4xx or 5xx', fixed({ StatusCode: '302' }), validation],
    ['a body over 1024 characters', fixed({ MessageBody: 'x'.repeat(1025) }), validation],
    ['an unknown content type', fixed({ ContentType: 'image/png' }), validation],
    ['a port out of range', redirect({ Port: '70000', Protocol: 'HTTPS' }), validation],
    ['a path that does not start with /', redirect({ Path: 'login' }), validation],
    ['a host over 128 characters', redirect({ Host: 'h'.repeat(129) }), validation],
    ['a redirect to itself', redirect({}), invalid]
  ])('refuses %s', async (_what, action, code) => {
    expect((await refusal([action])).name).toBe(code)
  })

  it('accepts what AWS accepts: a 503 with a JSON body, an HTTPS redirect', async () => {
    await expect(
      listenerWith([fixed({ ContentType: 'application/json', MessageBody: '{"down":true}' })])
    ).resolves.toMatch(/listener/)
    await expect(listenerWith([redirect({ Protocol: 'HTTPS', Port: '443' })])).resolves.toMatch(
      /listener/
    )
  })
})
