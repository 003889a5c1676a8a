/**
 * ECS requests that AWS refuses, through the real SDK: more than five security groups, a launch
 * type that does not exist, a Fargate size Fargate does not offer, an image name with a space,
 * and a ListTaskDefinitions status outside its enum. Each comes back as the SDK's exception.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  ECSClient,
  LaunchType,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  TaskDefinitionStatus
} from '@aws-sdk/client-ecs'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig } from '../helpers/emulator.js'

let emulator: RunningEmulator
let ecs: ECSClient
let families = 0

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  await ecs.send(new CreateClusterCommand({ clusterName: 'strict' }))
})
afterAll(async () => {
  ecs.destroy()
  await emulator.stop()
})

const errorName = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (e: Error) => e.name
  )

function register(more: Partial<RegisterTaskDefinitionCommandInput> = {}) {
  return ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `strict-${++families}`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'registry.example.com/web:1.0.0' }],
      ...more
    })
  )
}

const SUBNETS = ['subnet-0a1b2c3d4e5f60001']
const groups = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `sg-0a1b2c3d4e5f6000${i}`)

async function service(more: Partial<CreateServiceCommandInput>) {
  const definition = (await register()).taskDefinition?.taskDefinitionArn
  return ecs.send(
    new CreateServiceCommand({
      cluster: 'strict',
      serviceName: `svc-${++families}`,
      taskDefinition: definition,
      desiredCount: 0,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: SUBNETS, securityGroups: groups(1) }
      },
      ...more
    })
  )
}

describe('networks and launch types', () => {
  it('refuses a service or a task with more than five security groups', async () => {
    const six = { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: groups(6) } }
    expect(await errorName(service({ networkConfiguration: six }))).toBe(
      'InvalidParameterException'
    )
    const definition = (await register()).taskDefinition?.taskDefinitionArn
    expect(
      await errorName(
        ecs.send(
          new RunTaskCommand({
            cluster: 'strict',
            taskDefinition: definition,
            launchType: 'FARGATE',
            networkConfiguration: six
          })
        )
      )
    ).toBe('InvalidParameterException')
    const five = { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: groups(5) } }
    expect(await errorName(service({ networkConfiguration: five }))).toBe('accepted')
  })

  it('refuses a launch type that does not exist', async () => {
    expect(await errorName(service({ launchType: 'LAMBDA' as LaunchType }))).toBe(
      'InvalidParameterException'
    )
  })
})

describe('task definitions', () => {
  it.each([
    ['256 CPU with 4096 MiB', '256', '4096'],
    ['1024 CPU with 1024 MiB', '1024', '1024'],
    ['a CPU value Fargate has not', '3072', '8192']
  ])('refuses a Fargate size it does not offer: %s', async (_what, cpu, memory) => {
    const error = await register({ cpu, memory }).catch((e: Error) => e)
    expect({ name: (error as Error).name, message: (error as Error).message }).toEqual({
      name: 'ClientException',
      message: expect.stringContaining('No Fargate configuration exists for given values')
    })
  })

  it('accepts the sizes Fargate offers, in units or in vCPU and GB', async () => {
    expect(await errorName(register({ cpu: '1 vCPU', memory: '2 GB' }))).toBe('accepted')
    expect(await errorName(register({ cpu: '4096', memory: '30720' }))).toBe('accepted')
  })

  it('refuses an image name with a space', async () => {
    expect(
      await errorName(
        register({ containerDefinitions: [{ name: 'web', image: 'registry.example.com/web :1' }] })
      )
    ).toBe('ClientException')
  })

  it('refuses a ListTaskDefinitions status outside ACTIVE, INACTIVE and DELETE_IN_PROGRESS', async () => {
    expect(
      await errorName(
        ecs.send(new ListTaskDefinitionsCommand({ status: 'DELETED' as TaskDefinitionStatus }))
      )
    ).toBe('InvalidParameterException')
    expect(
      await errorName(ecs.send(new ListTaskDefinitionsCommand({ status: 'DELETE_IN_PROGRESS' })))
    ).toBe('accepted')
  })
})
