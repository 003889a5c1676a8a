import { InputError } from '../../src/rollout/errors.js'
import { IMAGE, scratchWorkspace, settingsWith } from './inputs.js'

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42'

function refusal(inputs: Record<string, string>, options = {}): InputError {
  try {
    settingsWith(inputs, options)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('task-definition: a file or an existing revision', () => {
  it('takes an ARN or family:revision as a revision, needing no image', () => {
    const byArn = settingsWith({ 'task-definition': ARN, image: '' }, { region: 'us-east-1' })
    expect(byArn.release).toMatchObject({ taskDefinitionRevision: ARN, image: '' })
    expect(byArn.release.taskDefinition).toBeUndefined()
    expect(settingsWith({ 'task-definition': 'web:42' }).release).toMatchObject({
      taskDefinitionRevision: 'web:42',
      image: IMAGE
    })
  })

  it('a missing file that looks like a family says how to name a revision', () => {
    const error = refusal({ 'task-definition': 'web' })
    expect(error.input).toBe('task-definition')
    expect(error.message).toMatch(
      /'web' does not exist .*or an existing revision as family:revision .*to deploy a revision of family 'web', give "web:<revision>"/
    )
  })

  it('a revision ARN of another region is refused', () => {
    const error = refusal(
      { 'task-definition': ARN.replace('us-east-1', 'eu-west-1') },
      { region: 'us-east-1' }
    )
    expect(error.message).toMatch(/Input 'task-definition'.*region 'eu-west-1'/)
  })

  it('a file still needs no image, and what the file lacks is refused before AWS', () => {
    const workspace = scratchWorkspace()
    try {
      const file = workspace.write('td.json', {
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'web:1' }]
      })
      const given = { 'task-definition': file, image: '' }
      expect(settingsWith(given, { workspace: workspace.dir }).release.taskDefinition).toBeDefined()
      const error = refusal({ ...given, images: `worker=${IMAGE}` }, { workspace: workspace.dir })
      expect(error.message).toMatch(/Input 'images': line 1 names container 'worker'.*'web'/)
    } finally {
      workspace.remove()
    }
  })
})

describe('image and images', () => {
  it('image is required when nothing else says what to deploy', () => {
    expect(refusal({ image: '' }).message).toMatch(
      /Input 'image': is required: .*or 'images' for several containers, or a 'task-definition'/
    )
  })

  it('images replaces image; both together are refused naming both', () => {
    const settings = settingsWith({ image: '', images: `web=${IMAGE}\nworker=${IMAGE}` })
    expect(settings.release.images).toHaveLength(2)
    const error = refusal({ images: `web=${IMAGE}` })
    expect(error.input).toBe('images')
    expect(error.message).toMatch(/together with input 'image' \('.*web:1\.4\.2'\)/)
  })
})

describe('the render inputs', () => {
  it('are parsed into the release', () => {
    const settings = settingsWith({
      secrets: 'DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      'container-command': 'npm run serve',
      'docker-labels': 'team=payments',
      'log-configuration-log-driver': 'awslogs',
      'log-configuration-options': 'awslogs-group=/ecs/web\nawslogs-region=us-east-1',
      'task-role-arn': 'arn:aws:iam::123456789012:role/web-task',
      'execution-role-arn': 'arn:aws:iam::123456789012:role/web-exec'
    })
    expect(settings.release).toMatchObject({
      secrets: [{ name: 'DB_PASSWORD' }],
      command: ['npm', 'run', 'serve'],
      dockerLabels: [{ name: 'team', value: 'payments' }],
      logDriver: 'awslogs',
      logOptions: [
        { name: 'awslogs-group', value: '/ecs/web' },
        { name: 'awslogs-region', value: 'us-east-1' }
      ],
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec'
    })
  })

  it.each([
    [
      { 'log-configuration-log-driver': 'stdout' },
      'log-configuration-log-driver',
      /'stdout'.*use one of awslogs/
    ],
    [
      { 'task-role-arn': 'web-task' },
      'task-role-arn',
      /'web-task' is not an IAM role ARN; expected arn:aws:iam::/
    ],
    [
      { secrets: 'DB_PASSWORD' },
      'secrets',
      /line 1 'DB_PASSWORD' has no '='; each line is NAME=valueFrom/
    ],
    [
      { 'docker-labels': '=x' },
      'docker-labels',
      /line 1 '=x' has an empty key; each line is KEY=VALUE/
    ],
    [
      { environment: 'DB=1', secrets: 'DB=/web/db' },
      'secrets',
      /sets 'DB', which input 'environment' sets too/
    ]
  ])('refuses %j naming %s', (inputs, input, message) => {
    const error = refusal(inputs)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })
})

describe('desired-count, propagate-tags, enable-ecs-managed-tags', () => {
  it('are read by deploy, and desired-count by promote too', () => {
    const given = {
      'desired-count': '3',
      'propagate-tags': 'TASK_DEFINITION',
      'enable-ecs-managed-tags': 'true'
    }
    expect(settingsWith(given)).toMatchObject({
      desiredCount: 3,
      propagateTags: 'TASK_DEFINITION',
      enableEcsManagedTags: true
    })
    const promote = settingsWith({ ...given, command: 'promote' })
    expect(promote.desiredCount).toBe(3)
    expect(promote.propagateTags).toBeUndefined()
    expect(settingsWith({})).not.toHaveProperty('desiredCount')
  })

  it.each([
    ['desired-count', '0', /'0' is not a task count; use a whole number from 1 to 5000/],
    ['desired-count', '2.5', /'2\.5' is not a task count/],
    ['desired-count', '5001', /'5001' is not a task count/],
    [
      'propagate-tags',
      'service',
      /'service' is not valid; use TASK_DEFINITION .*SERVICE .*or NONE/
    ],
    ['enable-ecs-managed-tags', 'yes', /'yes' is not a boolean; use true or false/]
  ])('refuses %s %j, saying what is valid', (input, value, message) => {
    const error = refusal({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })
})
