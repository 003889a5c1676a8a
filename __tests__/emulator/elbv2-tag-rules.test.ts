/**
 * ELBv2's tag rules, through the real SDK against the emulator: what AWS refuses in AddTags,
 * RemoveTags, DescribeTags and the Tags of Create* comes back with AWS's error code and message,
 * and a refused request changes no tag.
 */
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  RemoveTagsCommand,
  type Tag
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createAlb, VPC } from '../../emulator/fixtures/load-balancer.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, refusal } from '../helpers/emulator.js'

let emulator: RunningEmulator
let elb: ElasticLoadBalancingV2Client
let lbArn: string
let groupArn: string
let listenerArn: string
let ruleArn: string
let counter = 0

const PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$'

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
  lbArn = (await createAlb(elb, 'tags')).arn
  groupArn = await targetGroup([])
  listenerArn =
    (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: groupArn }]
        })
      )
    ).Listeners?.[0]?.ListenerArn ?? ''
  ruleArn = (await rule([{ Key: 'kept', Value: 'yes' }])).Rules?.[0]?.RuleArn ?? ''
})
afterAll(async () => {
  elb.destroy()
  await emulator.stop()
})

async function targetGroup(tags: Tag[]): Promise<string> {
  counter++
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name: `tags-tg-${counter}`,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: VPC,
      TargetType: 'ip',
      ...(tags.length > 0 ? { Tags: tags } : {})
    })
  )
  return out.TargetGroups?.[0]?.TargetGroupArn ?? ''
}

function rule(tags: Tag[]) {
  counter++
  return elb.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: counter,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/r${counter}`] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: groupArn }],
      Tags: tags
    })
  )
}

const addTags = (tags: Tag[], arns = [ruleArn]) =>
  elb.send(new AddTagsCommand({ ResourceArns: arns, Tags: tags }))

async function tagsOf(arn: string): Promise<Tag[]> {
  const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))
  return out.TagDescriptions?.[0]?.Tags ?? []
}

describe('tag keys and values (AddTags)', () => {
  it('refuses a key over 128 or a value over 256 characters, naming the member', async () => {
    const key = 'k'.repeat(129)
    expect(await refusal(addTags([{ Key: key, Value: 'v' }]))).toEqual({
      name: 'ValidationError',
      message: `1 validation error detected: Value '${key}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`
    })
    const value = 'v'.repeat(257)
    expect(
      await refusal(
        addTags([
          { Key: 'ok', Value: 'ok' },
          { Key: 'long', Value: value }
        ])
      )
    ).toEqual({
      name: 'ValidationError',
      message: `1 validation error detected: Value '${value}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`
    })
    expect(await tagsOf(ruleArn)).toEqual([{ Key: 'kept', Value: 'yes' }])
  })

  it('refuses an empty key', async () => {
    expect(await refusal(addTags([{ Key: '', Value: 'v' }]))).toEqual({
      name: 'ValidationError',
      message: `1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1`
    })
  })

  it('refuses characters outside letters, numbers, spaces and _.:/=+-@ in keys and values', async () => {
    expect(await refusal(addTags([{ Key: 'a,b', Value: 'v' }]))).toEqual({
      name: 'ValidationError',
      message: `1 validation error detected: Value 'a,b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}`
    })
    expect(await refusal(addTags([{ Key: 'reason', Value: 'failed: "5xx" (3/4)' }]))).toEqual({
      name: 'ValidationError',
      message: `1 validation error detected: Value 'failed: "5xx" (3/4)' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}`
    })
    // letters of any script, digits, spaces and the allowed marks are fine
    await addTags([{ Key: 'Größe näme', Value: 'run 12 @ 10:00 = +5/-3_ok.' }])
    expect(await tagsOf(ruleArn)).toContainEqual({
      Key: 'Größe näme',
      Value: 'run 12 @ 10:00 = +5/-3_ok.'
    })
  })

  it('refuses keys starting with aws:, in any case', async () => {
    for (const key of ['aws:owner', 'AWS:owner']) {
      expect(await refusal(addTags([{ Key: key, Value: 'v' }]))).toEqual({
        name: 'ValidationError',
        message: `Tag key '${key}' cannot start with 'aws:'`
      })
    }
    // the request model is checked first: a bad character in a later tag is what AWS reports
    expect(
      await refusal(
        addTags([
          { Key: 'aws:owner', Value: 'v' },
          { Key: 'x', Value: 'a|b' }
        ])
      )
    ).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("at 'tags.2.member.value'")
    })
  })

  it('refuses a key given twice with DuplicateTagKeys, and changes nothing', async () => {
    expect(
      await refusal(
        addTags([
          { Key: 'twice', Value: 'a' },
          { Key: 'twice', Value: 'b' }
        ])
      )
    ).toEqual({
      name: 'DuplicateTagKeysException',
      message: 'Duplicate Tag Keys found in the request. Tag keys should be unique.'
    })
    expect((await tagsOf(ruleArn)).map((t) => t.Key)).not.toContain('twice')
  })
})

describe('tags per resource', () => {
  it('refuses a 51st tag with TooManyTags, on every resource of the request or none', async () => {
    const full = await targetGroup(
      Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    )
    const roomy = await targetGroup([{ Key: 'one', Value: '1' }])
    expect(await refusal(addTags([{ Key: 'extra', Value: 'v' }], [roomy, full]))).toEqual({
      name: 'TooManyTagsException',
      message: "You've reached the limit on the number of tags for this resource."
    })
    expect(await tagsOf(roomy)).toEqual([{ Key: 'one', Value: '1' }])
    // overwriting a key it has is not a 51st tag
    await addTags([{ Key: 'k0', Value: 'new' }], [full])
    expect(await tagsOf(full)).toContainEqual({ Key: 'k0', Value: 'new' })
  })

  it('refuses Create* with more than 50 tags, creating nothing', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    const count = async () => ({
      rules: (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules?.length,
      groups: (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.length
    })
    const before = await count()
    expect((await refusal(rule(tags))).name).toBe('TooManyTagsException')
    expect((await refusal(targetGroup(tags))).name).toBe('TooManyTagsException')
    expect(await count()).toEqual(before)
  })

  it('applies the key rules to the Tags of CreateTargetGroup and CreateRule', async () => {
    expect(await refusal(targetGroup([{ Key: 'aws:x', Value: 'v' }]))).toEqual({
      name: 'ValidationError',
      message: "Tag key 'aws:x' cannot start with 'aws:'"
    })
    expect(
      await refusal(
        rule([
          { Key: 'a', Value: '1' },
          { Key: 'a', Value: '2' }
        ])
      )
    ).toMatchObject({ name: 'DuplicateTagKeysException' })
  })
})

describe('RemoveTags', () => {
  const removeTags = (keys: string[], arns = [ruleArn]) =>
    elb.send(new RemoveTagsCommand({ ResourceArns: arns, TagKeys: keys }))

  it('refuses keys out of length or character set, and aws: keys, removing nothing', async () => {
    const key = 'k'.repeat(129)
    expect(await refusal(removeTags(['kept', key]))).toEqual({
      name: 'ValidationError',
      message: `1 validation error detected: Value '${key}' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length less than or equal to 128`
    })
    expect(await refusal(removeTags(['a#b']))).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining(
        "at 'tagKeys.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern"
      )
    })
    expect(await refusal(removeTags(['aws:cloudformation:stack-name']))).toEqual({
      name: 'ValidationError',
      message: "Tag key 'aws:cloudformation:stack-name' cannot start with 'aws:'"
    })
    expect(await tagsOf(ruleArn)).toContainEqual({ Key: 'kept', Value: 'yes' })
  })

  it('removes a key the resource does not have without complaint', async () => {
    await removeTags(['never-set'])
    expect(await tagsOf(ruleArn)).toContainEqual({ Key: 'kept', Value: 'yes' })
  })
})

describe('resource ARNs', () => {
  it('answers an unknown ARN with the NotFound error of its kind, changing nothing', async () => {
    const gone = (arn: string) => `${arn.slice(0, -4)}0000`
    expect(await refusal(addTags([{ Key: 'a', Value: 'b' }], [groupArn, gone(lbArn)]))).toEqual({
      name: 'LoadBalancerNotFoundException',
      message: 'One or more load balancers not found'
    })
    expect((await tagsOf(groupArn)).map((t) => t.Key)).not.toContain('a')
    expect((await refusal(addTags([{ Key: 'a', Value: 'b' }], [gone(groupArn)]))).name).toBe(
      'TargetGroupNotFoundException'
    )
    expect(
      (
        await refusal(
          elb.send(new RemoveTagsCommand({ ResourceArns: [gone(listenerArn)], TagKeys: ['a'] }))
        )
      ).name
    ).toBe('ListenerNotFoundException')
    expect(
      (await refusal(elb.send(new DescribeTagsCommand({ ResourceArns: [gone(ruleArn)] })))).name
    ).toBe('RuleNotFoundException')
  })

  it('takes up to 20 resources a call', async () => {
    const arns = Array.from({ length: 21 }, () => groupArn)
    for (const call of [
      elb.send(new DescribeTagsCommand({ ResourceArns: arns })),
      addTags([{ Key: 'a', Value: 'b' }], arns),
      elb.send(new RemoveTagsCommand({ ResourceArns: arns, TagKeys: ['a'] }))
    ]) {
      expect(await refusal(call)).toEqual({
        name: 'ValidationError',
        message: 'You can specify up to 20 resources in a single call'
      })
    }
    const twenty = await elb.send(new DescribeTagsCommand({ ResourceArns: arns.slice(1) }))
    expect(twenty.TagDescriptions).toHaveLength(20)
  })
})
