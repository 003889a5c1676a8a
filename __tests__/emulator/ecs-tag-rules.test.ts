/**
 * ECS's tag rules, through the real SDK against the emulator: TagResource, UntagResource,
 * ListTagsForResource and the tags of CreateCluster, RegisterTaskDefinition and CreateService.
 * What ECS refuses comes back as InvalidParameterException (unknown resources as
 * ClusterNotFoundException or ResourceNotFoundException), and a refused request changes no tag.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand
} from '@aws-sdk/client-ecs'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, refusal } from '../helpers/emulator.js'

let emulator: RunningEmulator
let ecs: ECSClient
let clusterArn: string
let serviceArn: string
let definitionArn: string
let counter = 0

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  clusterArn =
    (
      await ecs.send(
        new CreateClusterCommand({ clusterName: 'tags', tags: [{ key: 'team', value: 'web' }] })
      )
    ).cluster?.clusterArn ?? ''
  definitionArn = (await register([])).taskDefinition?.taskDefinitionArn ?? ''
  serviceArn = (await service([{ key: 'kept', value: 'yes' }])).service?.serviceArn ?? ''
})
afterAll(async () => {
  ecs.destroy()
  await emulator.stop()
})

function register(tags: Tag[]) {
  return ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `tags-${++counter}`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'registry.example.com/web:1.0.0' }],
      ...(tags.length > 0 ? { tags } : {})
    })
  )
}

function service(tags: Tag[], name = `svc-${++counter}`) {
  return ecs.send(
    new CreateServiceCommand({
      cluster: 'tags',
      serviceName: name,
      taskDefinition: definitionArn,
      desiredCount: 0,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d4e5f60001'],
          securityGroups: ['sg-0a1b2c3d4e5f60001']
        }
      },
      ...(tags.length > 0 ? { tags } : {})
    })
  )
}

const tag = (tags: Tag[], arn = serviceArn) =>
  ecs.send(new TagResourceCommand({ resourceArn: arn, tags }))
const untag = (keys: string[], arn = serviceArn) =>
  ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: keys }))

async function tagsOf(arn: string): Promise<Tag[]> {
  return (await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []
}

const invalid = (message: string) => ({ name: 'InvalidParameterException', message })

describe('tag keys and values (TagResource)', () => {
  it('refuses a key of 0 or over 128 characters and a value over 256, changing nothing', async () => {
    expect(await refusal(tag([{ key: '', value: 'v' }]))).toEqual(
      invalid('Tag keys must be between 1 and 128 characters.')
    )
    expect(await refusal(tag([{ key: 'k'.repeat(129), value: 'v' }]))).toEqual(
      invalid('Tag keys must be between 1 and 128 characters.')
    )
    expect(
      await refusal(
        tag([
          { key: 'fine', value: 'v' },
          { key: 'long', value: 'v'.repeat(257) }
        ])
      )
    ).toEqual(invalid('Tag values must be at most 256 characters.'))
    expect(await tagsOf(serviceArn)).toEqual([{ key: 'kept', value: 'yes' }])
  })

  it('refuses characters outside letters, numbers, spaces and _.:/=+-@', async () => {
    expect(await refusal(tag([{ key: 'a;b', value: 'v' }]))).toEqual(
      invalid("Tag key 'a;b' may only contain letters, numbers, spaces and _ . : / = + - @.")
    )
    expect(await refusal(tag([{ key: 'url', value: 'https://x.example/?q=1' }]))).toEqual(
      invalid(
        "Tag value 'https://x.example/?q=1' may only contain letters, numbers, spaces and _ . : / = + - @."
      )
    )
    await tag([{ key: 'Größe', value: 'run 12 @ 10:00 = +5/-3_ok.' }])
    expect(await tagsOf(serviceArn)).toContainEqual({
      key: 'Größe',
      value: 'run 12 @ 10:00 = +5/-3_ok.'
    })
  })

  it('refuses the aws: prefix on keys and on values, in any case', async () => {
    for (const bad of [
      { key: 'aws:owner', value: 'v' },
      { key: 'Aws:owner', value: 'v' },
      { key: 'owner', value: 'AWS:me' }
    ]) {
      expect(await refusal(tag([bad]))).toEqual(
        invalid('Tag keys and values may not start with the reserved prefix aws:.')
      )
    }
  })

  it('refuses a key given twice', async () => {
    expect(
      await refusal(
        tag([
          { key: 'twice', value: 'a' },
          { key: 'twice', value: 'b' }
        ])
      )
    ).toEqual(invalid("Tag key 'twice' is specified more than once."))
    expect((await tagsOf(serviceArn)).map((t) => t.key)).not.toContain('twice')
  })

  it('refuses a 51st tag on a resource, and more than 50 in one request', async () => {
    const many = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: 'v' }))
    expect(await refusal(tag(many(51), clusterArn))).toEqual(
      invalid('A resource can have at most 50 tags.')
    )
    // the cluster has one tag: 49 more fill it, a 51st does not fit
    await tag(many(49), clusterArn)
    expect(await refusal(tag(many(1, 100), clusterArn))).toEqual(
      invalid('A resource can have at most 50 tags.')
    )
    await tag([{ key: 'k0', value: 'overwritten' }], clusterArn)
    expect(await tagsOf(clusterArn)).toHaveLength(50)
  })
})

describe('tags given at creation', () => {
  it('holds CreateCluster, RegisterTaskDefinition and CreateService to the same rules, creating nothing', async () => {
    const reserved = invalid('Tag keys and values may not start with the reserved prefix aws:.')
    expect(
      await refusal(
        ecs.send(
          new CreateClusterCommand({
            clusterName: 'refused',
            tags: [{ key: 'aws:cloudformation:stack-name', value: 'x' }]
          })
        )
      )
    ).toEqual(reserved)
    expect(await refusal(register([{ key: 'a', value: 'b!' }]))).toMatchObject({
      name: 'InvalidParameterException'
    })
    expect(await refusal(service([{ key: 'aws:x', value: 'y' }], 'refused-svc'))).toEqual(reserved)
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'tags', services: ['refused-svc'] })
    )
    expect(services).toEqual([])
  })
})

describe('UntagResource', () => {
  it('refuses keys out of the key rules, and aws: keys, which cannot be removed', async () => {
    expect(await refusal(untag(['kept', 'k'.repeat(129)]))).toEqual(
      invalid('Tag keys must be between 1 and 128 characters.')
    )
    expect(await refusal(untag(['aws:ecs:serviceName']))).toEqual(
      invalid('Tag keys and values may not start with the reserved prefix aws:.')
    )
    expect(await tagsOf(serviceArn)).toContainEqual({ key: 'kept', value: 'yes' })
    await untag(['kept', 'never-set'])
    expect((await tagsOf(serviceArn)).map((t) => t.key)).not.toContain('kept')
  })
})

describe('resource ARNs', () => {
  it('names the missing part: the cluster, or the resource in it', async () => {
    const inMissingCluster = serviceArn.replace('/tags/', '/no-such-cluster/')
    expect(await refusal(tagsOf(inMissingCluster))).toEqual({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.'
    })
    expect(await refusal(tag([{ key: 'a', value: 'b' }], `${serviceArn}-gone`))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The specified resource could not be found.'
    })
    const shortForm = serviceArn.replace('/tags/', '/')
    expect(await refusal(untag(['a'], shortForm))).toEqual(
      invalid('Long arn format must be used for tagging operations')
    )
  })
})
