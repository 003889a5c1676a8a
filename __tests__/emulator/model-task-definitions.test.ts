import { awsError, type Json, modelWorld } from './model-fixture.js'

const container = { name: 'web', image: 'web:1', portMappings: [{ containerPort: 8080 }] }

describe('ECS task definitions (model)', () => {
  it('numbers revisions per family from 1 and describes them by family, family:revision or ARN', () => {
    const w = modelWorld()
    const register = (family: string, image: string): Json =>
      w.ecs('RegisterTaskDefinition', { family, containerDefinitions: [{ ...container, image }] })
        .taskDefinition
    expect(register('web', 'web:1').revision).toBe(1)
    expect(register('web', 'web:2').revision).toBe(2)
    expect(register('worker', 'worker:1').revision).toBe(1)
    const third = register('web', 'web:3')
    expect(third.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:3')

    const image = (ref: string): string =>
      w.ecs('DescribeTaskDefinition', { taskDefinition: ref }).taskDefinition
        .containerDefinitions[0].image
    expect(image('web')).toBe('web:3')
    expect(image('web:2')).toBe('web:2')
    expect(image('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1')).toBe('web:1')
    expect(awsError(() => image('web:9'))).toMatchObject({
      code: 'ClientException',
      message: 'Unable to describe task definition.'
    })
  })

  it('returns the read-only fields a deploy tool must strip, and the defaults ECS fills in', () => {
    const w = modelWorld()
    w.ecs('RegisterTaskDefinition', {
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [container],
      tags: [{ key: 'team', value: 'platform' }]
    })
    const described = w.ecs('DescribeTaskDefinition', { taskDefinition: 'web', include: ['TAGS'] })
    const definition = described.taskDefinition
    expect(definition).toMatchObject({
      family: 'web',
      revision: 1,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      registeredBy: expect.stringMatching(/^arn:aws:sts::123456789012:/),
      volumes: [],
      placementConstraints: []
    })
    expect(definition.requiresAttributes.length).toBeGreaterThan(0)
    expect(typeof definition.registeredAt).toBe('number')
    expect(definition.containerDefinitions[0]).toMatchObject({
      essential: true,
      cpu: 0,
      environment: [],
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }]
    })
    expect(definition.tags).toBeUndefined()
    expect(described.tags).toEqual([{ key: 'team', value: 'platform' }])
    expect(w.ecs('DescribeTaskDefinition', { taskDefinition: 'web' }).tags).toBeUndefined()

    // the described shape goes back in once the read-only fields are removed
    const {
      taskDefinitionArn,
      revision,
      status,
      requiresAttributes,
      compatibilities,
      registeredAt,
      registeredBy,
      ...input
    } = definition
    void [
      taskDefinitionArn,
      revision,
      status,
      requiresAttributes,
      compatibilities,
      registeredAt,
      registeredBy
    ]
    expect(w.ecs('RegisterTaskDefinition', input).taskDefinition.revision).toBe(2)
    expect(awsError(() => w.ecs('RegisterTaskDefinition', definition))).toMatchObject({
      code: 'ClientException',
      message: expect.stringContaining('Unknown parameter in input: "taskDefinitionArn"')
    })
  })

  it('deregisters to INACTIVE: a bare family then means the latest ACTIVE revision', () => {
    const w = modelWorld()
    for (const image of ['web:1', 'web:2']) {
      w.ecs('RegisterTaskDefinition', {
        family: 'web',
        containerDefinitions: [{ ...container, image }]
      })
    }
    const gone = w.ecs('DeregisterTaskDefinition', { taskDefinition: 'web:2' }).taskDefinition
    expect(gone.status).toBe('INACTIVE')
    expect(typeof gone.deregisteredAt).toBe('number')
    expect(w.ecs('DescribeTaskDefinition', { taskDefinition: 'web' }).taskDefinition.revision).toBe(
      1
    )
    expect(w.ecs('DescribeTaskDefinition', { taskDefinition: 'web:2' }).taskDefinition.status).toBe(
      'INACTIVE'
    )
    expect(awsError(() => w.ecs('DeregisterTaskDefinition', { taskDefinition: 'web' })).code).toBe(
      'ClientException'
    )
  })

  it('lists revisions by family, status and order', () => {
    const w = modelWorld()
    for (const family of ['web', 'web', 'webby', 'web']) {
      w.ecs('RegisterTaskDefinition', { family, containerDefinitions: [container] })
    }
    w.ecs('DeregisterTaskDefinition', { taskDefinition: 'web:1' })
    const list = (params: Json): string[] =>
      w
        .ecs('ListTaskDefinitions', params)
        .taskDefinitionArns.map((arn: string) => arn.split('/')[1])
    expect(list({})).toEqual(['web:2', 'web:3', 'webby:1'])
    // familyPrefix matches the whole family, as in ECS
    expect(list({ familyPrefix: 'web' })).toEqual(['web:2', 'web:3'])
    expect(list({ familyPrefix: 'web', sort: 'DESC' })).toEqual(['web:3', 'web:2'])
    expect(list({ status: 'INACTIVE' })).toEqual(['web:1'])
    const first = w.ecs('ListTaskDefinitions', { maxResults: 2 })
    expect(first.taskDefinitionArns).toHaveLength(2)
    expect(
      w.ecs('ListTaskDefinitions', { maxResults: 2, nextToken: first.nextToken }).taskDefinitionArns
    ).toHaveLength(1)
  })

  it.each([
    ['no family', { containerDefinitions: [container] }, 'Family'],
    [
      'a family with a space',
      { family: 'my web', containerDefinitions: [container] },
      'Family contains invalid characters'
    ],
    [
      'no containers',
      { family: 'web', containerDefinitions: [] },
      'Container list cannot be empty.'
    ],
    [
      'a container without image',
      { family: 'web', containerDefinitions: [{ name: 'web' }] },
      'Container.image'
    ],
    [
      'a container without name',
      { family: 'web', containerDefinitions: [{ image: 'x' }] },
      'Container.name'
    ],
    [
      'eleven containers',
      {
        family: 'web',
        containerDefinitions: Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: 'x' }))
      },
      'at most 10'
    ],
    [
      'Fargate without awsvpc',
      {
        family: 'web',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [container]
      },
      "Fargate only supports network mode 'awsvpc'."
    ],
    [
      'Fargate without cpu',
      {
        family: 'web',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        memory: '512',
        containerDefinitions: [container]
      },
      "Fargate requires that 'cpu' be defined at the task level."
    ]
  ])('refuses %s with a ClientException', (_, params, message) => {
    const w = modelWorld()
    expect(awsError(() => w.ecs('RegisterTaskDefinition', params))).toMatchObject({
      code: 'ClientException',
      message: expect.stringContaining(message)
    })
    expect(w.ecs('ListTaskDefinitions', {}).taskDefinitionArns).toEqual([])
  })
})
