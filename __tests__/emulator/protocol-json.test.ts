import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ECSServiceException,
  ListClustersCommand
} from '@aws-sdk/client-ecs'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { calls, clientConfig } from '../helpers/emulator.js'
import { createStubWorld } from './stub-world.js'

// ECS speaks AWS JSON 1.1; these go through the real SDK client, so they pin what the SDK parses.
describe('emulator JSON protocol (ECS)', () => {
  let emulator: RunningEmulator
  let ecs: ECSClient
  const internal: string[] = []

  beforeAll(async () => {
    emulator = await startEmulator({ world: createStubWorld(), log: (line) => internal.push(line) })
    ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  })
  afterAll(async () => {
    ecs.destroy()
    await emulator.stop()
  })

  it('answers with the backend result, using the region and account of the call', async () => {
    const west = new ECSClient({ ...clientConfig(emulator.url), region: 'eu-west-1' })
    try {
      const { cluster } = await west.send(new CreateClusterCommand({ clusterName: 'web' }))
      expect(cluster).toMatchObject({
        clusterName: 'web',
        clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/web',
        status: 'ACTIVE'
      })
    } finally {
      west.destroy()
    }
    const [call] = await calls(emulator.url, { operation: 'CreateCluster' })
    expect(call).toMatchObject({ region: 'eu-west-1', params: { clusterName: 'web' } })
  })

  it('writes Date results as epoch seconds, which the SDK reads back as the same instant', async () => {
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'web:42' })
    )
    expect(taskDefinition?.registeredAt).toEqual(new Date('2026-11-25T10:00:00.500Z'))
  })

  it("turns a backend's AwsError into the SDK's own exception class", async () => {
    const error = await ecs
      .send(new DescribeServicesCommand({ cluster: 'missing', services: ['web-blue'] }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClusterNotFoundException)
    expect(error).toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 }
    })
    expect((error as ClusterNotFoundException).$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers an operation no backend has with UnknownOperationException', async () => {
    const error = await ecs.send(new ListClustersCommand({})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ECSServiceException)
    expect(error).toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 400 }
    })
  })

  it('answers a bug inside a backend with 500 InternalFailure and reports it', async () => {
    const error = await ecs
      .send(new DeleteClusterCommand({ cluster: 'web' }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 }
    })
    expect(internal.join('\n')).toMatch(/ecs DeleteCluster failed inside the emulator: TypeError/)
    const [call] = await calls(emulator.url, { operation: 'DeleteCluster' })
    expect(call).toMatchObject({ status: 500, error: 'InternalFailure', mutating: true })
  })

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateCluster'
      },
      body: '{"clusterName": '
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException')
    expect(await response.json()).toMatchObject({ __type: 'SerializationException' })
  })

  it('answers CloudWatch, which has no backend yet, as an unknown operation in query-compatible form', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms',
        'x-amzn-query-mode': 'true'
      },
      body: '{}'
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0')
    expect(response.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender')
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' })
  })
})
