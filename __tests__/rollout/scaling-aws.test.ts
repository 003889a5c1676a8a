/**
 * The Application Auto Scaling adapter through the real SDK against the emulator, which refuses
 * as AWS does: DescribeScalingPolicies takes a MaxResults of at most 10 (more is a
 * ValidationException that failed every rollout of a scaled service at discovery), so a
 * service with more policies than that is read over several pages.
 */
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { resourceId, ScalingAdapter } from '../../src/aws/scaling.js'
import { clientConfig } from '../helpers/emulator.js'

let emulator: RunningEmulator
let aas: ApplicationAutoScalingClient
let t: Topology

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  aas = new ApplicationAutoScalingClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  t = await createBlueGreenTopology({ endpoint: emulator.url, prefix: 'aas', waitForBlue: false })
  for (const [service, min] of [
    [t.services.blue, 2],
    [t.services.green, 0]
  ] as const) {
    await aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: resourceId(t.cluster, service),
        MinCapacity: min,
        MaxCapacity: 8
      })
    )
  }
})

afterAll(async () => {
  aas.destroy()
  await emulator.stop()
})

const policy = (n: number) => ({
  name: `cpu-${n}`,
  type: 'TargetTrackingScaling',
  configuration: {
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 50 + n,
      PredefinedMetricSpecification: {
        PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const
      }
    }
  }
})

it('reads both scalable targets in one call', async () => {
  const adapter = new ScalingAdapter(aas)
  const none = { dynamicIn: false, dynamicOut: false, scheduled: false }
  expect(await adapter.describeTargets(t.clusterArn, [t.services.blue, t.services.green])).toEqual({
    [t.services.blue]: { min: 2, max: 8, suspended: none },
    [t.services.green]: { min: 0, max: 8, suspended: none }
  })
})

it('reads a service with more policies than one page holds, and writes them back as read', async () => {
  const adapter = new ScalingAdapter(aas)
  for (let n = 1; n <= 12; n++) {
    await aas.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: resourceId(t.cluster, t.services.blue),
        PolicyName: policy(n).name,
        PolicyType: 'TargetTrackingScaling',
        ...policy(n).configuration
      })
    )
  }
  const read = await adapter.describePolicies(t.cluster, t.services.blue)
  expect(read.map((p) => p.name).sort()).toEqual(
    Array.from({ length: 12 }, (_, i) => policy(i + 1).name).sort()
  )
  await adapter.putPolicy(
    t.cluster,
    t.services.green,
    read.find((p) => p.name === 'cpu-3')!
  )
  const copied = await adapter.describePolicies(t.cluster, t.services.green)
  expect(copied).toEqual([
    expect.objectContaining({ name: 'cpu-3', type: 'TargetTrackingScaling' })
  ])
  expect(copied[0]?.configuration).toMatchObject(policy(3).configuration)
})

it('changes only what it is given', async () => {
  const adapter = new ScalingAdapter(aas)
  const suspended = { dynamicIn: true, dynamicOut: false, scheduled: false }
  await adapter.registerTarget(t.cluster, t.services.blue, { suspended })
  await adapter.registerTarget(t.cluster, t.services.green, { min: 1 })
  expect(await adapter.describeTargets(t.cluster, [t.services.blue, t.services.green])).toEqual({
    [t.services.blue]: { min: 2, max: 8, suspended },
    [t.services.green]: {
      min: 1,
      max: 8,
      suspended: { dynamicIn: false, dynamicOut: false, scheduled: false }
    }
  })
})
