/**
 * Application Auto Scaling acting on its own behind the HTTP server, on a fast clock: a backlog
 * published with PutMetricData through the SDK scales the ECS service the SDK then describes.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalingActivitiesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { createBlueGreenTopology } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig } from '../helpers/emulator.js'

/** a simulated minute is 0.3 s of the test's clock */
const TIME_SCALE = 0.005

let emulator: RunningEmulator
let aas: ApplicationAutoScalingClient
let cloudwatch: CloudWatchClient
let ecs: ECSClient

beforeAll(async () => {
  emulator = await startEmulator({ timeScale: TIME_SCALE })
  const config = { ...clientConfig(emulator.url), maxAttempts: 1 }
  aas = new ApplicationAutoScalingClient(config)
  cloudwatch = new CloudWatchClient(config)
  ecs = new ECSClient(config)
})
afterAll(async () => {
  for (const client of [aas, cloudwatch, ecs]) client.destroy()
  await emulator.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

it('scales a service out on a published backlog per task, and lists why', async () => {
  const topology = await createBlueGreenTopology({ endpoint: emulator.url, waitForBlue: false })
  const target = {
    ServiceNamespace: 'ecs' as const,
    ResourceId: `service/${topology.cluster}/${topology.services.blue}`,
    ScalableDimension: 'ecs:service:DesiredCount' as const
  }
  await aas.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 5 }))
  const { Alarms } = await aas.send(
    new PutScalingPolicyCommand({
      ...target,
      PolicyName: 'backlog',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 10,
        CustomizedMetricSpecification: {
          Namespace: 'Shop',
          MetricName: 'BacklogPerTask',
          Statistic: 'Average'
        }
      }
    })
  )

  const desired = async () =>
    (
      await ecs.send(
        new DescribeServicesCommand({
          cluster: topology.cluster,
          services: [topology.services.blue]
        })
      )
    ).services?.[0]?.desiredCount
  const deadline = Date.now() + 15_000
  while ((await desired()) === 2) {
    if (Date.now() > deadline) throw new Error('the service was not scaled out')
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [{ MetricName: 'BacklogPerTask', Value: 40 }]
      })
    )
    await sleep(20)
  }
  // ceil(2 * 40 / 10) = 8, held at the maximum
  expect(await desired()).toBe(5)
  const { ScalingActivities } = await aas.send(
    new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: target.ResourceId })
  )
  expect(ScalingActivities?.[0]).toMatchObject({
    Description: 'Setting desired count to 5.',
    Cause: `monitor alarm ${Alarms?.[0]?.AlarmName} in state ALARM triggered policy backlog`,
    StatusCode: 'Successful'
  })
})
