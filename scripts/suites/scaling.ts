/**
 * Application Auto Scaling on a suite's pair, set up the way a user sets it up and checked the
 * way a user checks it once a rollout is over. Read and written through the SDK only, and
 * judged without the action's own code: what the action promises, not how it keeps it.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig } from '../../__tests__/helpers/emulator.js'

/** One service's scalable target (`ecs:service:DesiredCount`) as DescribeScalableTargets says. */
export interface SideScaling {
  min: number
  max: number
  dynamicIn: boolean
  dynamicOut: boolean
  scheduled: boolean
}

/** Both sides' scalable targets; a side without one is left out. */
export interface PairScaling {
  blue?: SideScaling
  green?: SideScaling
}

export type Side = keyof PairScaling

/** How the suites scale a pair: the idle side may go to 0, both may grow to MAX. */
export const MAX_CAPACITY = 8
/** The live side's target tracking policy: AWS/ECS CPU, far above what an idle task uses (5%) */
export const POLICY_NAME = 'cpu-75'

const target = (t: Topology, side: Side) =>
  ({
    ServiceNamespace: 'ecs',
    ResourceId: `service/${t.cluster}/${t.services[side]}`,
    ScalableDimension: 'ecs:service:DesiredCount'
  }) as const

/**
 * Registers both services as a user would before the first rollout: the live side (blue) at
 * min `liveCount` (its desired count), the idle side (green) at min 0, both at max 8, nothing
 * suspended; with `policy`, a target tracking policy on the live side. Returns what is now
 * registered: what a rollout should find.
 */
export async function scalePair(
  url: string,
  t: Topology,
  liveCount: number,
  options: { policy?: boolean } = {}
): Promise<PairScaling> {
  const aas = new ApplicationAutoScalingClient(clientConfig(url))
  try {
    const limits = { blue: liveCount, green: 0 }
    for (const side of ['blue', 'green'] as const) {
      await aas.send(
        new RegisterScalableTargetCommand({
          ...target(t, side),
          MinCapacity: limits[side],
          MaxCapacity: MAX_CAPACITY
        })
      )
    }
    if (options.policy) {
      await aas.send(
        new PutScalingPolicyCommand({
          ...target(t, 'blue'),
          PolicyName: POLICY_NAME,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 75,
            PredefinedMetricSpecification: {
              PredefinedMetricType: 'ECSServiceAverageCPUUtilization'
            }
          }
        })
      )
    }
  } finally {
    aas.destroy()
  }
  return readPairScaling(url, t)
}

/** Both sides' scalable targets now. */
export async function readPairScaling(url: string, t: Topology): Promise<PairScaling> {
  const aas = new ApplicationAutoScalingClient(clientConfig(url))
  try {
    const ids = { blue: target(t, 'blue').ResourceId, green: target(t, 'green').ResourceId }
    const out = await aas.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceIds: [ids.blue, ids.green]
      })
    )
    const found: PairScaling = {}
    for (const side of ['blue', 'green'] as const) {
      const one = out.ScalableTargets?.find((x) => x.ResourceId === ids[side])
      if (!one) continue
      found[side] = {
        min: one.MinCapacity ?? 0,
        max: one.MaxCapacity ?? 0,
        dynamicIn: one.SuspendedState?.DynamicScalingInSuspended === true,
        dynamicOut: one.SuspendedState?.DynamicScalingOutSuspended === true,
        scheduled: one.SuspendedState?.ScheduledScalingSuspended === true
      }
    }
    return found
  } finally {
    aas.destroy()
  }
}

/** Each side's desired count: a side at 0 must let Application Auto Scaling leave it at 0. */
export async function desiredCounts(url: string, t: Topology): Promise<Record<Side, number>> {
  const ecs = new ECSClient(clientConfig(url))
  try {
    const out = await ecs.send(
      new DescribeServicesCommand({
        cluster: t.cluster,
        services: [t.services.blue, t.services.green]
      })
    )
    const count = (side: Side): number =>
      out.services?.find((s) => s.serviceName === t.services[side])?.desiredCount ?? 0
    return { blue: count('blue'), green: count('green') }
  } finally {
    ecs.destroy()
  }
}

const other = (side: Side): Side => (side === 'blue' ? 'green' : 'blue')

const same = (a: SideScaling | undefined, b: SideScaling | undefined): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** "min 2, max 8, nothing suspended", "min 0, max 8, dynamic scale-in and out, scheduled suspended" */
export function sideWords(s: SideScaling | undefined): string {
  if (!s) return 'no scalable target'
  const dynamic =
    s.dynamicIn && s.dynamicOut
      ? 'dynamic scale-in and out'
      : s.dynamicIn
        ? 'dynamic scale-in'
        : s.dynamicOut
          ? 'dynamic scale-out'
          : ''
  const suspended = [dynamic, s.scheduled ? 'scheduled' : ''].filter(Boolean).join(', ')
  return `min ${s.min}, max ${s.max}, ${suspended ? `${suspended} suspended` : 'nothing suspended'}`
}

/** "blue min 2, max 8, nothing suspended; green min 0, ..." */
export function pairWords(t: Topology, s: PairScaling): string {
  return (['blue', 'green'] as const)
    .map((side) => `${t.services[side]} ${sideWords(s[side])}`)
    .join('; ')
}

/** How a pair's scaling ended, once no rollout is in flight. */
export type ScalingEnding = 'as found' | 'handed over' | 'wrong'

/**
 * How the scaling ended with all traffic on `live` (`found` was read with blue live). Which of
 * two endings is right depends on whether the traffic changed sides for good:
 * - not promoted (the traffic on blue, and the last rollout did not promote it there): exactly as
 *   found. A revert, an abort, a takeover or a post step puts both sides back as they were;
 * - promoted (the traffic on green, or back on blue by a later promotion): handed over to
 *   `live`, which scales as blue did before the trial (its limits and suspended state as found)
 *   while the other side does not scale at all (dynamic and scheduled scaling suspended), with a
 *   minimum of 0 if it was scaled down to 0 (else Application Auto Scaling would bring it back).
 * A later rollout that reverted puts back what it found: the handed-over state.
 */
export function scalingEnding(
  found: PairScaling,
  now: PairScaling,
  live: Side,
  desired: Record<Side, number>,
  lastPromoted: boolean
): ScalingEnding {
  if (live === 'blue' && !lastPromoted) {
    return same(found.blue, now.blue) && same(found.green, now.green) ? 'as found' : 'wrong'
  }
  const before = found.blue
  const fresh = now[live]
  const old = now[other(live)]
  const handedOver =
    before !== undefined &&
    fresh !== undefined &&
    old !== undefined &&
    same(fresh, before) &&
    old.dynamicIn &&
    old.dynamicOut &&
    old.scheduled &&
    (desired[other(live)] > 0 || old.min === 0)
  return handedOver ? 'handed over' : 'wrong'
}

/** The action's record of the scaling it found, as its `ecs-blue-green:scaling` tag says it. */
export function recordedWords(found: PairScaling, live: Side): string {
  const one = (s: SideScaling | undefined): string => {
    if (!s) return '-'
    const flags = [s.dynamicIn && 'in', s.dynamicOut && 'out', s.scheduled && 'scheduled']
    return `${s.min}:${s.max}:${flags.filter(Boolean).join('+') || 'none'}`
  }
  return `live:${one(found[live])} idle:${one(found[other(live)])}`
}
