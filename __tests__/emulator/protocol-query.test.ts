import {
  AddTagsCommand,
  DescribeListenersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  ListenerNotFoundException,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { decodeQueryParams } from '../../emulator/protocol/query.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { calls, clientConfig } from '../helpers/emulator.js'
import { createStubWorld } from './stub-world.js'

describe('decodeQueryParams', () => {
  it('nests member lists densely, keeping every scalar a string', () => {
    expect(
      decodeQueryParams('Action=X&Version=1&A.member.1.B.member.2.C=x&A.member.1.D=7')
    ).toEqual({
      A: [{ B: [undefined, { C: 'x' }], D: '7' }]
    })
    const [first] = (decodeQueryParams('A.member.1.B.member.2.C=x').A as { B: unknown[] }[]) ?? []
    expect(0 in (first?.B ?? [])).toBe(true)
  })

  it('keeps an empty list as an empty string, and lets items replace it', () => {
    expect(decodeQueryParams('Tags=')).toEqual({ Tags: '' })
    expect(decodeQueryParams('Tags=&Tags.member.1.Key=team')).toEqual({ Tags: [{ Key: 'team' }] })
    expect(decodeQueryParams('Tags.member.1.Key=team&Tags=')).toEqual({ Tags: [{ Key: 'team' }] })
  })

  it('decodes percent-escapes and ignores keys that would reach Object.prototype', () => {
    const params = decodeQueryParams('Name=a%26b%3Dc%20d&__proto__.polluted=1&A.constructor.x=1')
    expect(params.Name).toBe('a&b=c d')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(params).not.toHaveProperty('__proto__.polluted')
  })

  it('refuses a list index no API would send', () => {
    expect(() => decodeQueryParams('A.member.99999999.B=x')).toThrow(/out of range/)
  })
})

// ELBv2 speaks AWS Query (form-encoded in, XML out); the real SDK client parses every answer.
describe('emulator Query protocol (ELBv2)', () => {
  let emulator: RunningEmulator
  let elb: ElasticLoadBalancingV2Client

  beforeAll(async () => {
    emulator = await startEmulator({ world: createStubWorld() })
    elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
  })
  afterAll(async () => {
    elb.destroy()
    await emulator.stop()
  })

  it.each([
    ['no', []],
    ['one', ['blue']],
    ['many', ['blue', 'green', 'spare']]
  ])('writes a list of %s target groups so the SDK reads it back whole', async (_, names) => {
    const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({ Names: names }))
    expect(TargetGroups).toEqual(
      names.map((name) => ({
        TargetGroupName: name,
        TargetGroupArn: `arn:tg/${name}`,
        Port: 80,
        HealthCheckEnabled: true,
        LoadBalancerArns: [`arn:lb/${name}`]
      }))
    )
  })

  it('round-trips a forward action with weighted target groups and stickiness', async () => {
    const DefaultActions = [
      {
        Type: 'forward' as const,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: 'arn:tg/blue', Weight: 90 },
            { TargetGroupArn: 'arn:tg/green', Weight: 10 }
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 }
        }
      }
    ]
    const { Listeners } = await elb.send(
      new ModifyListenerCommand({ ListenerArn: 'arn:listener/1', DefaultActions })
    )
    expect(Listeners).toEqual([{ ListenerArn: 'arn:listener/1', DefaultActions }])

    const [call] = await calls(emulator.url, { operation: 'ModifyListener' })
    expect(call?.params).toEqual({
      ListenerArn: 'arn:listener/1',
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'arn:tg/blue', Weight: '90' },
              { TargetGroupArn: 'arn:tg/green', Weight: '10' }
            ],
            TargetGroupStickinessConfig: { Enabled: 'true', DurationSeconds: '300' }
          }
        }
      ]
    })
    expect(call).toMatchObject({ service: 'elbv2', mutating: true, status: 200, error: null })
  })

  it('escapes XML special characters, so any text comes back unchanged', async () => {
    const Tags = [
      { Key: 'owner', Value: `<Tom & "Jerry's"> ]]> café 🚀` },
      { Key: 'empty', Value: '' }
    ]
    await elb.send(new AddTagsCommand({ ResourceArns: ['arn:lb/x'], Tags }))
    const { TagDescriptions } = await elb.send(
      new DescribeTagsCommand({ ResourceArns: ['arn:lb/x'] })
    )
    expect(TagDescriptions).toEqual([{ ResourceArn: 'arn:lb/x', Tags }])
  })

  it("turns a backend's AwsError into the SDK's own exception class", async () => {
    const error = await elb
      .send(new DescribeListenersCommand({ ListenerArns: ['missing'] }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListenerNotFoundException)
    expect(error).toMatchObject({
      message: 'One or more listeners not found',
      Code: 'ListenerNotFound',
      Type: 'Sender',
      $metadata: { httpStatusCode: 400 }
    })
  })

  it('answers an operation no backend has with InvalidAction', async () => {
    const error = await elb.send(new DescribeLoadBalancersCommand({})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ElasticLoadBalancingV2ServiceException)
    expect(error).toMatchObject({ name: 'InvalidAction', $metadata: { httpStatusCode: 400 } })
  })

  it('answers in the ELBv2 namespace with the request id in ResponseMetadata', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=a'
    })
    const xml = await response.text()
    const requestId = response.headers.get('x-amzn-requestid')
    expect(xml).toMatch(
      /^<DescribeTargetGroupsResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><DescribeTargetGroupsResult>/
    )
    expect(xml).toContain(
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`
    )
  })
})
