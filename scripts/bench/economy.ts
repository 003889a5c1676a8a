/**
 * The economy and speed figures of issue 15, from rollouts of the bundled action at the default
 * poll-interval (5s) against the emulator, each watched from outside by a fast reader of the new
 * side's target health:
 * - AWS read calls per poll (a poll is one read of the new side's target health) and calls per
 *   second, per rollout;
 * - notice latency: from the new side being all healthy to the action's first weight write, and
 *   from a target of it turning unhealthy to the weight write that returns the traffic;
 * - overhead: the wall time over the configured waits (steps x step-wait) plus the emulator's own
 *   convergence (from the UpdateService of the new side to its targets all healthy).
 */
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { CallRecord } from '../../emulator/control/call-log.js'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { calls, clientConfig, setImage } from '../../__tests__/helpers/emulator.js'
import { runAction } from '../lib/github-runner.js'

const STEPS = '10,25,50,100'
const STEP_WAIT_S = 45
const DESIRED = 2

export interface RolloutFigures {
  result: string
  wallMs: number
  calls: CallRecord[]
  /** reads of the new side's target health during the rollout: its polls */
  polls: number
  reads: number
  /** all targets healthy (seen from outside) -> the first weight write */
  healthyNoticeMs?: number
  /** a target unhealthy (seen from outside) -> the weight write that returned the traffic */
  unhealthyNoticeMs?: number
  /** UpdateService of the new side -> its targets all healthy */
  convergenceMs?: number
  configuredWaitMs: number
}

/** Watches a target group every 20 ms: when all `count` targets are first healthy, when one is first unhealthy. */
function watchTargets(url: string, targetGroupArn: string, count: number) {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url))
  const seen: { healthyAt?: number; unhealthyAt?: number } = {}
  let watching = true
  const done = (async () => {
    while (watching) {
      try {
        const out = await elb.send(
          new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })
        )
        const states = (out.TargetHealthDescriptions ?? []).map((d) => d.TargetHealth?.State)
        const now = Date.now()
        if (!seen.healthyAt && states.length >= count && states.every((s) => s === 'healthy'))
          seen.healthyAt = now
        if (!seen.unhealthyAt && seen.healthyAt && states.includes('unhealthy'))
          seen.unhealthyAt = now
      } catch {
        // a reader that misses one look is still a reader
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  return {
    seen,
    async stop() {
      watching = false
      await done
      elb.destroy()
    }
  }
}

let counter = 0

/** One rollout at the default poll-interval on a pair of its own, watched from outside. */
export async function measuredRollout(
  url: string,
  image: string,
  extra: Record<string, string> = {}
): Promise<RolloutFigures> {
  const id = ++counter
  const t: Topology = await createBlueGreenTopology({
    endpoint: url,
    prefix: `econ${id}`,
    image: 'registry.example.com/app:1',
    desiredCount: DESIRED
  })
  const caller = `bench-econ-${String(id).padStart(4, '0')}`
  const inputs = {
    cluster: t.cluster,
    services: `${t.services.blue},${t.services.green}`,
    listener: t.routeArn,
    image,
    'traffic-steps': STEPS,
    'step-wait': `${STEP_WAIT_S}s`,
    timeout: '10m',
    'scale-down-delay': 'never',
    ...extra
  }
  const watcher = watchTargets(url, t.targetGroups.green, DESIRED)
  const started = Date.now()
  const run = await runAction(inputs, { endpoint: url, env: { AWS_SDK_UA_APP_ID: caller } })
  const wallMs = Date.now() - started
  await watcher.stop()
  const log = await calls(url, { userAgent: `app/${caller}` })
  const at = (c: CallRecord) => Date.parse(c.at)
  const writes = log.filter((c) => c.operation === 'ModifyListener' && !c.error)
  const update = log.find((c) => c.operation === 'UpdateService' && !c.error)
  const { healthyAt, unhealthyAt } = watcher.seen
  const firstWrite = writes[0]
  const returned = unhealthyAt ? writes.find((c) => at(c) >= unhealthyAt) : undefined
  const steps = STEPS.split(',').length
  return {
    result: run.outputs.result || 'unknown',
    wallMs,
    calls: log,
    polls: log.filter((c) => c.operation === 'DescribeTargetHealth').length,
    reads: log.filter((c) => !c.mutating).length,
    ...(healthyAt && firstWrite ? { healthyNoticeMs: at(firstWrite) - healthyAt } : {}),
    ...(unhealthyAt && returned ? { unhealthyNoticeMs: at(returned) - unhealthyAt } : {}),
    ...(healthyAt && update ? { convergenceMs: healthyAt - at(update) } : {}),
    configuredWaitMs: steps * STEP_WAIT_S * 1000
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** Runs the good and the failing rollouts (a few at once) and prints the figures with their targets. */
export async function economyFigures(url: string, rollouts = 5): Promise<string[]> {
  const good = await Promise.all(
    Array.from({ length: rollouts }, (_, i) =>
      measuredRollout(url, `registry.example.com/app:good-${i}`)
    )
  )
  const badImages = Array.from(
    { length: rollouts },
    (_, i) => `registry.example.com/app:degrades-${i}`
  )
  // healthy through the bring-up, failing in the first bakes
  for (const image of badImages)
    await setImage(url, { image, behavior: 'degrade', afterSeconds: 60 })
  const bad = await Promise.all(badImages.map((image) => measuredRollout(url, image)))

  const promoted = good.filter((r) => r.result === 'promoted').length
  const reverted = bad.filter((r) => r.result === 'reverted').length
  const readsPerPoll = good.map((r) => r.reads / Math.max(r.polls, 1))
  const callsPerSecond = good.map((r) => r.calls.length / (r.wallMs / 1000))
  const healthy = good.flatMap((r) => (r.healthyNoticeMs === undefined ? [] : [r.healthyNoticeMs]))
  const unhealthy = bad.flatMap((r) =>
    r.unhealthyNoticeMs === undefined ? [] : [r.unhealthyNoticeMs]
  )
  const overhead = good.flatMap((r) =>
    r.convergenceMs === undefined ? [] : [(r.wallMs - r.convergenceMs) / r.configuredWaitMs]
  )
  const worst = (values: number[]) => Math.max(...values)
  return [
    `economy at the default poll-interval (5s), ${rollouts} good and ${rollouts} failing rollouts of 4 steps x ${STEP_WAIT_S}s: ${promoted} promoted, ${reverted} reverted`,
    `  AWS read calls per poll:       ${median(readsPerPoll).toFixed(2)} median, ${worst(readsPerPoll).toFixed(2)} worst (target <= 1.5; a poll = one read of the new side's target health)`,
    `  AWS calls per second:          ${median(callsPerSecond).toFixed(2)} median, ${worst(callsPerSecond).toFixed(2)} worst per rollout (target <= 1)`,
    `  calls per rollout:             ${median(good.map((r) => r.calls.length))} median (${median(good.map((r) => r.calls.filter((c) => c.mutating).length))} mutating)`,
    `  notice, new side healthy:      ${s(median(healthy))} median, ${s(worst(healthy))} worst, to the first weight write (target median <= 1 s)`,
    `  notice, a target unhealthy:    ${s(median(unhealthy))} median, ${s(worst(unhealthy))} worst, to the weight write returning the traffic (target median <= 1 s)`,
    `  overhead:                      ${median(overhead).toFixed(3)}x median, ${worst(overhead).toFixed(3)}x worst: wall time minus the emulator's convergence, over the configured waits (target <= 1.05x)`,
    `  wall:                          ${s(median(good.map((r) => r.wallMs)))} median for ${s(good[0]!.configuredWaitMs)} of configured waits; convergence ${s(median(good.flatMap((r) => (r.convergenceMs === undefined ? [] : [r.convergenceMs]))))} median`
  ]
}
