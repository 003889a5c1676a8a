import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand
} from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig, interruptTasks, startLoad, stopLoad } from '../helpers/emulator.js'
import {
  calls,
  callsOf,
  deployInputs,
  expectNoViolations,
  run,
  setImage,
  startHarness,
  type Harness
} from './harness.js'

/*
 * A pair scaled by Application Auto Scaling, under load from the emulator's load generator, through
 * the bundled action: scaling never fights the rollout, the new side follows the live side's
 * scale-out before it gets more traffic, and what was suspended is what it was after the run.
 * Simulated time runs 20 times faster than the clock, so a minute of CloudWatch is 3 s here.
 */

let h: Harness
let scaling: ApplicationAutoScalingClient
let cloudwatch: CloudWatchClient
let ecs: ECSClient
let images = 0
const uniqueImage = (): string => `registry.example.com/app:3.0.${++images}`

beforeAll(async () => {
  h = await startHarness()
  scaling = new ApplicationAutoScalingClient(clientConfig(h.url))
  cloudwatch = new CloudWatchClient(clientConfig(h.url))
  ecs = new ECSClient(clientConfig(h.url))
})

afterAll(async () => {
  scaling.destroy()
  cloudwatch.destroy()
  ecs.destroy()
  await h.emulator.stop()
})

const NAMESPACE = 'ecs' as const
const DIMENSION = 'ecs:service:DesiredCount' as const
const resource = (t: Topology, service: string) => `service/${t.cluster}/${service}`
const label = (arn: string, marker: string) => arn.slice(arn.indexOf(marker))

interface Found {
  min: number
  max: number
  suspended: { in: boolean; out: boolean; scheduled: boolean }
}
const NOTHING = { in: false, out: false, scheduled: false }
const ALL = { in: true, out: true, scheduled: true }

/** Registers blue (live, 2 tasks) at min 2 and green at min 0, both up to `max`. */
async function registerPair(t: Topology, max: number, blueScheduledSuspended = false) {
  for (const [service, min] of [
    [t.services.blue, 2],
    [t.services.green, 0]
  ] as const) {
    await scaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: NAMESPACE,
        ScalableDimension: DIMENSION,
        ResourceId: resource(t, service),
        MinCapacity: min,
        MaxCapacity: max,
        ...(service === t.services.blue && blueScheduledSuspended
          ? { SuspendedState: { ScheduledScalingSuspended: true } }
          : {})
      })
    )
  }
}

/** blue min 2 max 6, green min 0 max 6; a target tracking policy on blue's requests per target */
async function scaledTopology(options: { blueScheduledSuspended?: boolean } = {}) {
  const t = await pairOf()
  await registerPair(t, 6, options.blueScheduledSuspended)
  await scaling.send(
    new PutScalingPolicyCommand({
      PolicyName: 'requests-per-target',
      PolicyType: 'TargetTrackingScaling',
      ServiceNamespace: NAMESPACE,
      ScalableDimension: DIMENSION,
      ResourceId: resource(t, t.services.blue),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        ScaleOutCooldown: 30,
        ScaleInCooldown: 30,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: `${label(t.loadBalancerArn, 'app/')}/${label(t.targetGroups.blue, 'targetgroup/')}`
        }
      }
    })
  )
  return t
}

async function targets(t: Topology): Promise<Record<string, Found>> {
  const out = await scaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: NAMESPACE,
      ResourceIds: [resource(t, t.services.blue), resource(t, t.services.green)]
    })
  )
  const found: Record<string, Found> = {}
  for (const target of out.ScalableTargets ?? []) {
    const service = (target.ResourceId ?? '').split('/').at(-1) ?? ''
    found[service] = {
      min: target.MinCapacity ?? -1,
      max: target.MaxCapacity ?? -1,
      suspended: {
        in: target.SuspendedState?.DynamicScalingInSuspended === true,
        out: target.SuspendedState?.DynamicScalingOutSuspended === true,
        scheduled: target.SuspendedState?.ScheduledScalingSuspended === true
      }
    }
  }
  return found
}

async function desired(t: Topology, service: string): Promise<number> {
  const out = await ecs.send(
    new DescribeServicesCommand({ cluster: t.cluster, services: [service] })
  )
  return out.services?.[0]?.desiredCount ?? -1
}

/** Resolves once the action has written its first weight onto green. */
async function firstShift(t: Topology, stop: () => boolean): Promise<void> {
  for (;;) {
    if (stop()) throw new Error('the run ended before its first shift')
    const log = await calls(h.url, { operation: 'ModifyListener' })
    const ours = (c: (typeof log)[number]) =>
      (c.params as { ListenerArn?: string }).ListenerArn === t.listenerArn
    if (log.some((c) => c.error === null && ours(c))) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

let pairs = 0

/**
 * A fresh pair, blue live with 2 healthy tasks. The tests run at once, so nothing here clears the
 * emulator's call log or violations: each test reads its own run's calls (by caller) and the
 * violations of all of them, which must be none.
 */
function pairOf(): Promise<Topology> {
  return createBlueGreenTopology({
    endpoint: h.url,
    prefix: `as${++pairs}`,
    image: 'registry.example.com/app:1.0.0',
    desiredCount: 2
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a pair scaled by Application Auto Scaling, through the bundled action', () => {
  // each on a pair of its own, at once: the file waits on simulated time, not on the CPU
  it.concurrent(
    'follows the live side’s scale-out under rising load before the next shift, promotes at the higher count, and keeps the old side at 0',
    async () => {
      const t = await scaledTopology()
      const before = await targets(t)
      // 2 requests a second: 60 a minute per blue target, under the policy's 100
      await startLoad(h.url, { listenerArn: t.listenerArn, rps: 2 })
      let ended = false
      const running = run(
        h,
        deployInputs(t, {
          image: uniqueImage(),
          'traffic-steps': '10,100',
          'step-wait': '15s',
          timeout: '4m',
          'scale-down-delay': '1s'
        })
      ).finally(() => {
        ended = true
      })
      await firstShift(t, () => ended)
      // the load rises tenfold while 90% of it is still on blue: blue scales out
      await startLoad(h.url, { listenerArn: t.listenerArn, rps: 20 })
      const result = await running
      expect(result.outputs.result).toBe('promoted')

      const log = await callsOf(h, result.caller)
      const blueScaled = await scaling.send(
        new DescribeScalingActivitiesCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: resource(t, t.services.blue)
        })
      )
      const scaleOut = blueScaled.ScalingActivities?.find((a) =>
        /Setting desired count to [3-6]/.test(a.Description ?? '')
      )
      expect(scaleOut?.Cause).toMatch(/AlarmHigh.*triggered policy requests-per-target/)
      // the new side was raised to blue's count before the shift to 100%
      const follows = log.findIndex(
        (c) =>
          c.operation === 'UpdateService' &&
          (c.params as { service: string; desiredCount?: number; taskDefinition?: string })
            .service === t.services.green &&
          (c.params as { taskDefinition?: string }).taskDefinition === undefined &&
          ((c.params as { desiredCount?: number }).desiredCount ?? 0) > 2
      )
      const shifts = log.filter((c) => c.operation === 'ModifyListener' && c.error === null)
      expect(follows).toBeGreaterThan(log.indexOf(shifts[0]!))
      expect(follows).toBeLessThan(log.indexOf(shifts[1]!))
      expect(await desired(t, t.services.green)).toBeGreaterThan(2)
      expect(result.stdout).toMatch(/scaled out to \d tasks: .* follows, from 2 to \d/)

      // handed over: green scales like blue did; blue is parked at 0 for many cooldowns
      const after = await targets(t)
      expect(after[t.services.green]).toEqual(before[t.services.blue])
      expect(after[t.services.blue]).toEqual({ min: 0, max: 6, suspended: ALL })
      const policies = await scaling.send(
        new DescribeScalingPoliciesCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: resource(t, t.services.green)
        })
      )
      expect(
        policies.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration
          ?.PredefinedMetricSpecification?.ResourceLabel
      ).toContain(label(t.targetGroups.green, 'targetgroup/'))
      await sleep(5_000) // 100 s of simulated time: three of the policy's cooldowns
      expect(await desired(t, t.services.blue)).toBe(0)
      expect(result.summary).toMatch(/Auto scaling:/)
      await stopLoad(h.url, t.listenerArn)
      await expectNoViolations(h)
    },
    120_000
  )

  it.concurrent(
    'restores exactly what it found when the release is reverted',
    async () => {
      const t = await scaledTopology({ blueScheduledSuspended: true })
      const before = await targets(t)
      const image = uniqueImage()
      await setImage(h.url, { image, behavior: 'degrade', afterSeconds: 30 })
      const result = await run(
        h,
        deployInputs(t, { image, 'traffic-steps': '10,50,100', 'step-wait': '5s' })
      )
      expect(result.outputs.result).toBe('reverted')
      expect(await targets(t)).toEqual(before)
      expect(before[t.services.blue]?.suspended).toEqual({ ...NOTHING, scheduled: true })
      const mutations = (await callsOf(h, result.caller)).filter((c) => c.mutating)
      const suspended = mutations.filter((c) => c.operation === 'RegisterScalableTarget')
      // suspended for the rollout, then set back, both sides
      expect(suspended.length).toBe(4)
      await expectNoViolations(h)
    },
    60_000
  )

  it.concurrent(
    'lets command: abort of a paused rollout restore what was found',
    async () => {
      const t = await scaledTopology()
      const before = await targets(t)
      const image = uniqueImage()
      const paused = await run(h, deployInputs(t, { image, 'traffic-steps': '10,pause,100' }))
      expect(paused.outputs.result).toBe('paused')
      expect((await targets(t))[t.services.green]?.suspended).toEqual(ALL)
      expect((await targets(t))[t.services.blue]?.suspended).toEqual({ ...NOTHING, in: true })
      const aborted = await run(h, { ...deployInputs(t), command: 'abort' })
      expect(aborted.outputs.result).toBe('aborted')
      expect(await targets(t)).toEqual(before)
      await expectNoViolations(h)
    },
    60_000
  )

  it.concurrent(
    'follows a live side scaled on a custom metric (a queue backlog per task published with PutMetricData)',
    async () => {
      const t = await pairOf()
      await registerPair(t, 5)
      const policy = await scaling.send(
        new PutScalingPolicyCommand({
          PolicyName: 'backlog',
          PolicyType: 'StepScaling',
          ServiceNamespace: NAMESPACE,
          ScalableDimension: DIMENSION,
          ResourceId: resource(t, t.services.blue),
          StepScalingPolicyConfiguration: {
            AdjustmentType: 'ExactCapacity',
            Cooldown: 60,
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 4 }]
          }
        })
      )
      const metric = {
        Namespace: 'Acme/Queue',
        MetricName: 'BacklogPerTask',
        Dimensions: [{ Name: 'QueueName', Value: `${t.cluster}-jobs` }]
      }
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: `${t.cluster}-backlog-high`,
          ...metric,
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 10,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [policy.PolicyARN!]
        })
      )
      let ended = false
      let publishing = true
      const running = run(
        h,
        deployInputs(t, {
          image: uniqueImage(),
          'traffic-steps': '10,100',
          'step-wait': '8s',
          timeout: '4m'
        })
      ).finally(() => {
        ended = true
      })
      await firstShift(t, () => ended)
      // the backlog grows: 50 messages per task, five times what one task keeps up with
      const publisher = (async () => {
        while (publishing) {
          await cloudwatch.send(
            new PutMetricDataCommand({
              Namespace: metric.Namespace,
              MetricData: [
                { MetricName: metric.MetricName, Dimensions: metric.Dimensions, Value: 50 }
              ]
            })
          )
          await sleep(500)
        }
      })()
      const result = await running
      publishing = false
      await publisher
      expect(result.outputs.result).toBe('promoted')
      expect(await desired(t, t.services.green)).toBe(4)
      expect(result.summary).toMatch(/step scaling runs only when an alarm names the new policy/)
      await expectNoViolations(h)
    },
    120_000
  )

  it.concurrent(
    'is not failed by a Fargate Spot interruption of a new task mid-bake: ECS replaces it, and the summary says so',
    async () => {
      const t = await pairOf()
      let ended = false
      const running = run(
        h,
        deployInputs(t, { image: uniqueImage(), 'traffic-steps': '50,100', 'step-wait': '5s' })
      ).finally(() => {
        ended = true
      })
      await firstShift(t, () => ended)
      const [interrupted] = await interruptTasks(h.url, {
        cluster: t.cluster,
        service: t.services.green
      })
      const result = await running
      expect(result.outputs.result).toBe('promoted')
      const id = interrupted?.taskArn.split('/').at(-1)
      expect(result.summary).toContain(
        `Replaced by ECS, not a failure of the release: task ${id} of ${t.services.green} was stopped by`
      )
      await expectNoViolations(h)
    },
    60_000
  )
})
