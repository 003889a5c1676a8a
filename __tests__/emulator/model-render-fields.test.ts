import { awsError, modelWorld } from './model-fixture.js'

const container = { name: 'web', image: 'web:1', portMappings: [{ containerPort: 8080 }] }
const register = (fields: Record<string, unknown>) => ({
  family: 'web',
  containerDefinitions: [{ ...container, ...fields }]
})

describe('ECS task definition fields the render inputs set (model)', () => {
  it('keeps secrets, command, docker labels and log configuration as registered', () => {
    const w = modelWorld()
    const fields = {
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }],
      command: ['npm', 'run', 'serve'],
      dockerLabels: { team: 'payments' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } }
    }
    const registered = w.ecs('RegisterTaskDefinition', register(fields)).taskDefinition
    expect(registered.containerDefinitions[0]).toMatchObject(fields)
  })

  it('refuses what RegisterTaskDefinition refuses, changing nothing', () => {
    const w = modelWorld()
    for (const [fields, message] of [
      [{ logConfiguration: { logDriver: 'logentries' } }, /Log driver logentries is not supported/],
      [{ logConfiguration: { options: { a: 'b' } } }, /logDriver should not be null or empty/],
      [{ secrets: [{ name: 'DB' }] }, /Secret.valueFrom should not be null or empty/],
      [
        {
          secrets: [
            { name: 'DB', valueFrom: 'a' },
            { name: 'DB', valueFrom: 'b' }
          ]
        },
        /Duplicate secret names/
      ],
      [{ command: 'npm run serve' }, /command of 'web' must be a list of strings/],
      [{ dockerLabels: { team: 1 } }, /dockerLabels of 'web' must be a map/]
    ] as const) {
      expect(awsError(() => w.ecs('RegisterTaskDefinition', register(fields)))).toMatchObject({
        code: 'ClientException',
        message: expect.stringMatching(message)
      })
    }
    expect(
      awsError(() => w.ecs('DescribeTaskDefinition', { taskDefinition: 'web' }))
    ).toMatchObject({ code: 'ClientException' })
  })
})
