import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import {
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ListenerNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { calls, clientConfig, reset, setImage } from '../helpers/emulator.js'

// The default world behind the wire layer: what the action's own clients will meet.
describe('emulator with the real ECS and ELBv2 models', () => {
  let emulator: RunningEmulator
  let ecs: ECSClient
  let elb: ElasticLoadBalancingV2Client

  beforeAll(async () => {
    emulator = await startEmulator()
    ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
    elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
  })
  afterAll(async () => {
    ecs.destroy()
    elb.destroy()
    await emulator.stop()
  })

  it('creates resources through the API and reads them back', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'web' }))
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: ['web'] }))
    expect(clusters?.map((c) => c.clusterName)).toEqual(['web'])

    const { TargetGroups: created } = await elb.send(
      new CreateTargetGroupCommand({
        Name: 'web-blue',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: 'vpc-1',
        TargetType: 'ip'
      })
    )
    const { TargetGroups } = await elb.send(
      new DescribeTargetGroupsCommand({ Names: ['web-blue'] })
    )
    expect(TargetGroups).toHaveLength(1)
    expect(TargetGroups?.[0]).toMatchObject({ TargetGroupName: 'web-blue', Port: 8080 })
    expect(TargetGroups?.[0]?.TargetGroupArn).toBe(created?.[0]?.TargetGroupArn)

    const mutating = await calls(emulator.url, { mutating: true })
    expect(mutating.map((c) => `${c.service}:${c.operation}`)).toEqual([
      'ecs:CreateCluster',
      'elbv2:CreateTargetGroup'
    ])
  })

  it("raises the models' errors as the SDK's exception classes", async () => {
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'nowhere', services: ['web-blue'] }))
    ).rejects.toBeInstanceOf(ClusterNotFoundException)
    const arn =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/nowhere/0123456789abcdef/0123456789abcdef'
    await expect(
      elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))
    ).rejects.toBeInstanceOf(ListenerNotFoundException)
  })

  it('reset forgets every resource', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'gone' }))
    await setImage(emulator.url, { image: 'app:2', behavior: 'unhealthy' })
    await reset(emulator.url)
    const { clusters, failures } = await ecs.send(
      new DescribeClustersCommand({ clusters: ['gone'] })
    )
    expect(clusters).toEqual([])
    expect(failures?.map((f) => f.reason)).toEqual(['MISSING'])
  })
})
