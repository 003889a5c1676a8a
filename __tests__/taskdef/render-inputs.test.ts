import { InputError } from '../../src/rollout/errors.js'
import { changesDefinition, renderTaskDefinition } from '../../src/taskdef/render.js'
import {
  parseCommand,
  parseImages,
  parseKeyValues,
  parseLogDriver,
  parseRoleArn,
  parseSecrets
} from '../../src/taskdef/render-inputs.js'
import { parseRevisionRef } from '../../src/taskdef/revision.js'
import { describeShape, fileShape } from './examples.js'

const WEB = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2'
const ROUTER = 'fluent/fluent-bit:3.1'
const SSM = 'arn:aws:ssm:us-east-1:123456789012:parameter/web/db-password'

describe('images: several containers in one render', () => {
  it('sets each named container image and leaves the rest of the definition alone', () => {
    const rendered = renderTaskDefinition(describeShape(), {
      environment: [],
      images: [
        { container: 'web', image: WEB },
        { container: 'log-router', image: ROUTER }
      ]
    })
    expect(rendered.containerDefinitions.map((c) => c.image)).toEqual([WEB, ROUTER])
    expect(rendered.containerDefinitions[0]?.environment).toEqual(
      describeShape().containerDefinitions[0]?.environment
    )
  })

  it('needs no container choice among several when only images change', () => {
    expect(() =>
      renderTaskDefinition(describeShape(), {
        environment: [],
        images: [{ container: 'log-router', image: ROUTER }]
      })
    ).not.toThrow()
  })

  it('with container, applies the other render inputs to that one container', () => {
    const rendered = renderTaskDefinition(describeShape(), {
      container: 'web',
      environment: [{ name: 'MODE', value: 'blue' }],
      images: [{ container: 'log-router', image: ROUTER }]
    })
    expect(rendered.containerDefinitions[0]?.environment).toContainEqual({
      name: 'MODE',
      value: 'blue'
    })
    expect(rendered.containerDefinitions[1]?.image).toBe(ROUTER)
  })

  it('refuses a container the definition does not have, naming the ones it has', () => {
    const render = () =>
      renderTaskDefinition(describeShape(), {
        environment: [],
        images: [{ container: 'worker', image: WEB }]
      })
    expect(render).toThrow(InputError)
    expect(render).toThrow(/Input 'images': line 1 names container 'worker'.*'web', 'log-router'/)
  })
})

describe('per-container render inputs', () => {
  it('a secret replaces the plain variable of the same name, and is set in place when it exists', () => {
    const rendered = renderTaskDefinition(fileShape(), {
      environment: [],
      secrets: [
        { name: 'DATABASE_URL', valueFrom: SSM },
        { name: 'API_KEY', valueFrom: 'web/api-key-2' }
      ]
    })
    const web = rendered.containerDefinitions[0]!
    expect(web.environment).toEqual([{ name: 'LOG_LEVEL', value: 'info' }])
    expect(web.secrets).toEqual([
      { name: 'API_KEY', valueFrom: 'web/api-key-2' },
      { name: 'DATABASE_URL', valueFrom: SSM }
    ])
  })

  it('a plain variable replaces a secret of the same name', () => {
    const rendered = renderTaskDefinition(fileShape(), {
      environment: [{ name: 'API_KEY', value: 'public' }]
    })
    expect(rendered.containerDefinitions[0]?.secrets).toEqual([])
  })

  it('replaces the command, merges docker labels', () => {
    const base = fileShape()
    base.containerDefinitions[0]!.command = ['node', 'old.js']
    base.containerDefinitions[0]!.dockerLabels = { team: 'web', tier: 'front' }
    const rendered = renderTaskDefinition(base, {
      environment: [],
      command: ['npm', 'run', 'serve'],
      dockerLabels: [{ name: 'team', value: 'payments' }]
    })
    expect(rendered.containerDefinitions[0]).toMatchObject({
      command: ['npm', 'run', 'serve'],
      dockerLabels: { team: 'payments', tier: 'front' }
    })
  })

  it('adds options to the same log driver, and drops another driver options when it changes', () => {
    const base = fileShape()
    base.containerDefinitions[0]!.logConfiguration = {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' }
    }
    const same = renderTaskDefinition(base, {
      environment: [],
      logOptions: [{ name: 'awslogs-group', value: '/ecs/web-2' }]
    })
    expect(same.containerDefinitions[0]?.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/web-2', 'awslogs-region': 'us-east-1' }
    })
    const other = renderTaskDefinition(base, {
      environment: [],
      logDriver: 'splunk',
      logOptions: [{ name: 'splunk-url', value: 'https://splunk.example.com' }]
    })
    expect(other.containerDefinitions[0]?.logConfiguration).toEqual({
      logDriver: 'splunk',
      options: { 'splunk-url': 'https://splunk.example.com' }
    })
  })

  it('refuses log options for a container without a log driver', () => {
    const render = () =>
      renderTaskDefinition(fileShape(), {
        environment: [],
        logOptions: [{ name: 'awslogs-group', value: '/ecs/web' }]
      })
    expect(render).toThrow(/Input 'log-configuration-options'.*set log-configuration-log-driver/)
  })

  it('sets the roles on the task definition', () => {
    const rendered = renderTaskDefinition(fileShape(), {
      environment: [],
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec'
    })
    expect(rendered).toMatchObject({
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec'
    })
  })

  it('asks for a container among several only when one is changed', () => {
    const render = () =>
      renderTaskDefinition(describeShape(), { environment: [], command: ['serve'] })
    expect(render).toThrow(/Input 'container'.*2 containers/)
  })

  it('says whether a release changes anything (else a given revision is deployed as is)', () => {
    expect(changesDefinition({ environment: [] })).toBe(false)
    expect(changesDefinition({ image: '', environment: [] })).toBe(false)
    expect(changesDefinition({ environment: [], taskRoleArn: 'arn:aws:iam::1:role/x' })).toBe(true)
    expect(changesDefinition({ environment: [], command: [] })).toBe(true)
  })
})

describe('parsing the render inputs', () => {
  it('command: split at spaces as the official action does, or a JSON array', () => {
    expect(parseCommand('')).toBeUndefined()
    expect(parseCommand('npm  run serve')).toEqual(['npm', 'run', 'serve'])
    expect(parseCommand('["sh", "-c", "npm run serve"]')).toEqual(['sh', '-c', 'npm run serve'])
    expect(() => parseCommand('[sh, -c]')).toThrow(
      /Input 'container-command': '\[sh, -c\]' starts with '\[' but is not a JSON array of strings/
    )
  })

  it('images: container=image lines, each image checked', () => {
    expect(parseImages(`web=${WEB}\n\n# sidecar\nlog-router = ${ROUTER}`)).toEqual([
      { container: 'web', image: WEB },
      { container: 'log-router', image: ROUTER }
    ])
    expect(() => parseImages(WEB)).toThrow(
      /Input 'images': line 1 .* has no '='; each line is container=image/
    )
    expect(() => parseImages('web=Web:1')).toThrow(
      /Input 'images': line 1 \(container 'web'\): 'Web:1' is not an image reference/
    )
    expect(() => parseImages(`web=${WEB}\nweb=${WEB}`)).toThrow(/sets 'web' again/)
  })

  it('secrets: NAME=valueFrom with an ARN or a parameter name', () => {
    expect(parseSecrets(`DB=${SSM}\nKEY=/web/key`)).toEqual([
      { name: 'DB', valueFrom: SSM },
      { name: 'KEY', valueFrom: '/web/key' }
    ])
    expect(() => parseSecrets('DB=arn:aws:s3:::bucket/key')).toThrow(
      /Input 'secrets': line 1: 'arn:aws:s3:::bucket\/key' is not a secret reference; each line is NAME=valueFrom/
    )
    expect(() => parseSecrets('1DB=x')).toThrow(/'1DB' is not an environment variable name/)
  })

  it('docker labels and log options: KEY=VALUE lines, split at the first =', () => {
    expect(parseKeyValues('docker-labels', 'a.b=c=d')).toEqual([{ name: 'a.b', value: 'c=d' }])
    expect(() => parseKeyValues('log-configuration-options', 'awslogs-group')).toThrow(
      /Input 'log-configuration-options': line 1 'awslogs-group' has no '='/
    )
  })

  it('log driver and role ARNs: only what ECS and IAM accept', () => {
    expect(parseLogDriver('awslogs')).toBe('awslogs')
    expect(() => parseLogDriver('logentries')).toThrow(
      /Input 'log-configuration-log-driver': 'logentries' is not a log driver ECS accepts; use one of awslogs, awsfirelens/
    )
    expect(parseRoleArn('task-role-arn', 'arn:aws:iam::123456789012:role/svc/web')).toBe(
      'arn:aws:iam::123456789012:role/svc/web'
    )
    expect(() => parseRoleArn('execution-role-arn', 'ecsTaskExecutionRole')).toThrow(
      /Input 'execution-role-arn': 'ecsTaskExecutionRole' is not an IAM role ARN/
    )
  })
})

describe('telling a revision from a file', () => {
  it('reads family:revision and task definition ARNs as revisions, anything else as a path', () => {
    expect(parseRevisionRef('web:42')).toMatchObject({ family: 'web', revision: 42 })
    expect(
      parseRevisionRef('arn:aws:ecs:us-east-1:123456789012:task-definition/web:42', 'us-east-1')
    ).toMatchObject({ family: 'web', revision: 42, region: 'us-east-1' })
    expect(parseRevisionRef('deploy/task-definition.json')).toBeUndefined()
    expect(parseRevisionRef('web')).toBeUndefined()
  })

  it('refuses revision 0, an ARN of something else, and an ARN of another region', () => {
    expect(() => parseRevisionRef('web:0')).toThrow(/revisions are numbered from 1/)
    expect(() => parseRevisionRef('arn:aws:ecs:us-east-1:123456789012:service/prod/web')).toThrow(
      /Input 'task-definition': .* is not the ARN of a task definition revision/
    )
    expect(() =>
      parseRevisionRef('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4', 'us-east-1')
    ).toThrow(/is in region 'eu-west-1', but the action works in region 'us-east-1'/)
  })
})
