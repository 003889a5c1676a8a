/**
 * ECS on EC2 over HTTP through the unmodified SDK: two container instances from the control
 * endpoint, a bridge-mode service on an instance target group whose targets turn healthy, and
 * the data plane routing to the tasks at instance:host-port.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand
} from '@aws-sdk/client-ecs'
import { createEc2BlueGreenTopology } from '../../emulator/fixtures/ec2-topology.js'
import { waitForHealthy } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, listenerUrl, sendHttp } from '../helpers/emulator.js'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator({ timeScale: 0.02 })
})
afterAll(async () => {
  await emulator.stop()
})

it('a bridge-mode EC2 service on an instance target group turns healthy and serves traffic', async () => {
  const topology = await createEc2BlueGreenTopology({ endpoint: emulator.url, desiredCount: 3 })
  const ecs = new ECSClient(clientConfig(emulator.url))
  try {
    const instances = await ecs.send(
      new ListContainerInstancesCommand({ cluster: topology.cluster })
    )
    expect(instances.containerInstanceArns).toHaveLength(2)
    const described = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: topology.cluster,
        containerInstances: instances.containerInstanceArns
      })
    )
    expect(described.containerInstances?.map((i) => i.ec2InstanceId).sort()).toEqual(
      [...topology.instanceIds].sort()
    )
    expect(described.containerInstances?.[0]?.attributes).toEqual(
      expect.arrayContaining([{ name: 'ecs.instance-type', value: 'm5.large' }])
    )
    const targets = await waitForHealthy(emulator.url, topology.targetGroups.blue, 3)
    for (const target of targets) {
      expect(topology.instanceIds).toContain(target.Target?.Id)
      expect(target.Target?.Port).toBeGreaterThanOrEqual(32768)
    }
    const arns = (
      await ecs.send(
        new ListTasksCommand({ cluster: topology.cluster, serviceName: topology.services.blue })
      )
    ).taskArns
    const tasks = (
      await ecs.send(new DescribeTasksCommand({ cluster: topology.cluster, tasks: arns }))
    ).tasks
    const bound = tasks?.map(
      (t) => `${t.containerInstanceArn}:${t.containers?.[0]?.networkBindings?.[0]?.hostPort}`
    )
    expect(new Set(bound).size).toBe(3)
    const url = await listenerUrl(emulator.url, topology.listenerArn)
    const answer = await sendHttp(url, { path: '/' })
    expect(answer.status).toBe(200)
    const served = String(answer.headers['x-emulator-target'])
    expect(targets.map((t) => `${t.Target?.Id}:${t.Target?.Port}`)).toContain(served)
  } finally {
    ecs.destroy()
  }
})
