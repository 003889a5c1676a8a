/**
 * Speed and economy figures of the bundled action against the emulator, and the counts of the
 * fault, rate-limit and kill suites beside them. Prints figures; asserts nothing (targets live
 * here, not in timed tests).
 *
 *   npm run bench
 */
import { statSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startEmulator, type RunningEmulator } from '../emulator/server.js'
import { createBlueGreenTopology, type Topology } from '../emulator/fixtures/topology.js'
import { calls, clearCalls, clientConfig, setImage } from '../__tests__/helpers/emulator.js'
import { runAction } from './lib/github-runner.js'
import { economyFigures } from './bench/economy.js'
import { runFaultSuite } from './suites/faults.js'
import { runKillSuite } from './suites/kill.js'
import { peakPerSecond, runRateLimitSuite } from './suites/rate-limits.js'
import { formatReport } from './suites/report.js'
import { SUITE_DESIRED_COUNT } from './suites/rollout.js'
import { scalePair } from './suites/scaling.js'

const TIME_SCALE = 0.05
const POLL = '1s'
const distDir = resolve(import.meta.dirname, '../dist')

function distSize(): { total: number; index: number } {
  let total = 0
  for (const f of readdirSync(distDir, { recursive: true }) as string[]) {
    const s = statSync(join(distDir, f))
    if (s.isFile()) total += s.size
  }
  return { total, index: statSync(join(distDir, 'index.js')).size }
}

let prefixCounter = 0
async function topology(emulator: RunningEmulator): Promise<Topology> {
  const t = await createBlueGreenTopology({
    endpoint: emulator.url,
    prefix: `bench${++prefixCounter}`,
    image: 'registry.example.com/app:1',
    desiredCount: 2
  })
  await clearCalls(emulator.url)
  return t
}

function inputs(t: Topology, image: string, extra: Record<string, string> = {}) {
  return {
    cluster: t.cluster,
    services: `${t.services.blue},${t.services.green}`,
    listener: t.routeArn,
    image,
    'traffic-steps': '10,25,50,100',
    'step-wait': '3s',
    'poll-interval': POLL,
    timeout: '5m',
    'scale-down-delay': 'never',
    ...extra
  }
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** How many calls of each operation a call log holds, in the order they first came. */
function byOperation(log: { operation: string }[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const c of log) counts.set(c.operation, (counts.get(c.operation) ?? 0) + 1)
  return counts
}

/** What the action calls only on a pair that Application Auto Scaling scales. */
const SCALING_OPERATIONS = [
  'DescribeScalableTargets',
  'DescribeScalingPolicies',
  'RegisterScalableTarget',
  'PutScalingPolicy'
]

/** "DescribeScalableTargets +1 (2 vs 1), ...": each scaling operation, scaled vs unscaled. */
function extraCalls(now: Map<string, number>, before: Map<string, number>): string {
  return SCALING_OPERATIONS.map((op) => {
    const [a, b] = [now.get(op) ?? 0, before.get(op) ?? 0]
    return `${op} ${a - b >= 0 ? '+' : ''}${a - b} (${a} vs ${b})`
  }).join(', ')
}

/** "DescribeServices +2, ModifyListener -1": the operations called more or less than before. */
function differences(now: Map<string, number>, before: Map<string, number>): string {
  const names = [...new Set([...before.keys(), ...now.keys()])]
  const changes = names
    .filter((name) => !SCALING_OPERATIONS.includes(name))
    .map((name) => [name, (now.get(name) ?? 0) - (before.get(name) ?? 0)] as const)
    .filter(([, diff]) => diff !== 0)
  return changes.map(([name, diff]) => `${name} ${diff > 0 ? '+' : ''}${diff}`).join(', ') || 'none'
}

const emulator = await startEmulator({ port: 0, timeScale: TIME_SCALE })
try {
  const size = distSize()
  console.log(
    `dist/ size:                      ${(size.total / 1e6).toFixed(2)} MB (index.js ${(size.index / 1e6).toFixed(2)} MB)`
  )

  // start-up: process spawn to the first AWS call, over a few runs (dry runs change nothing)
  const t0 = await topology(emulator)
  const startups: number[] = []
  for (let i = 0; i < 5; i++) {
    await clearCalls(emulator.url)
    const spawnedAt = Date.now()
    await runAction(inputs(t0, 'registry.example.com/app:2', { 'dry-run': 'true' }), {
      endpoint: emulator.url
    })
    const first = (await calls(emulator.url))[0]
    if (first) startups.push(Date.parse(first.at) - spawnedAt)
  }
  startups.sort((a, b) => a - b)
  console.log(
    `start-up to first AWS call:      median ${startups[2]} ms (min ${startups[0]}, max ${startups.at(-1)})`
  )

  // issue 15's economy and speed figures, on an emulator of their own at AWS's pace (time scale
  // 1): compressed time would make the new side healthy faster than any poll could notice
  const paced = await startEmulator({ port: 0, timeScale: 1 })
  try {
    for (const line of await economyFigures(paced.url, 5)) console.log(line)
  } finally {
    await paced.stop()
  }

  // a full good rollout of 4 steps: calls per rollout and per poll, overhead over the waits
  const t1 = await topology(emulator)
  const started = Date.now()
  const good = await runAction(inputs(t1, 'registry.example.com/app:2'), { endpoint: emulator.url })
  const elapsed = Date.now() - started
  const log = await calls(emulator.url)
  const byOp = byOperation(log)
  const shifts = log.filter((c) => c.operation === 'ModifyListener')
  const firstShift = log.indexOf(shifts[0]!)
  const lastShift = log.indexOf(shifts.at(-1)!)
  const bakeReads = log.slice(firstShift, lastShift).filter((c) => !c.mutating)
  // a poll is one read of the new side's target health (the services are read once in three)
  const polls = bakeReads.filter((c) => c.operation === 'DescribeTargetHealth').length
  const waits = 4 * 3000
  console.log(
    `rollout (4 steps x 3s bake):     result ${good.outputs.result}, ${fmt(elapsed)} wall, ${fmt(waits)} of configured waits`
  )
  console.log(
    `  overhead over the waits:       ${fmt(elapsed - waits)} (process start, discovery, register, bring-up of 2 tasks, scale-down)`
  )
  console.log(
    `  AWS calls per rollout:         ${log.length} (${log.filter((c) => c.mutating).length} mutating)`
  )
  console.log(
    `  AWS calls per bake poll:       ${(bakeReads.length / Math.max(polls, 1)).toFixed(2)} (${polls} polls at ${POLL})`
  )
  console.log(
    `  by operation:                  ${[...byOp].map(([k, v]) => `${k} ${v}`).join(', ')}`
  )
  console.log(
    `  call rate:                     ${(log.length / (elapsed / 1000)).toFixed(1)} calls/s on average, at most ${peakPerSecond(log)} in one second`
  )

  // the same rollout on a pair scaled by Application Auto Scaling (both sides registered, a
  // target tracking policy on the live side): what reading, holding and handing over the
  // scaling costs in calls. Scale-down is off here too, so the minimum is never lowered.
  const tScaled = await topology(emulator)
  await scalePair(emulator.url, tScaled, SUITE_DESIRED_COUNT, { policy: true })
  await clearCalls(emulator.url)
  const scaledStarted = Date.now()
  const scaled = await runAction(inputs(tScaled, 'registry.example.com/app:2'), {
    endpoint: emulator.url
  })
  const scaledElapsed = Date.now() - scaledStarted
  const scaledLog = await calls(emulator.url)
  const scaledByOp = byOperation(scaledLog)
  const mutating = (l: typeof log): number => l.filter((c) => c.mutating).length
  console.log(
    `rollout with auto scaling:       result ${scaled.outputs.result}, ${fmt(scaledElapsed)} wall (same 4 steps; target tracking on the live side)`
  )
  console.log(
    `  AWS calls per rollout:         ${scaledLog.length} (${mutating(scaledLog)} mutating) vs ${log.length} (${mutating(log)} mutating) unscaled: ${scaledLog.length - log.length >= 0 ? '+' : ''}${scaledLog.length - log.length}`
  )
  console.log(`  extra auto scaling calls:      ${extraCalls(scaledByOp, byOp)}`)
  // each guarded write (RegisterScalableTarget, PutScalingPolicy) first reads the lock's tags;
  // the bake polls' reads vary with timing
  console.log(`  other calls, vs unscaled:      ${differences(scaledByOp, byOp)}`)

  // time to revert: from the moment a target of the new side turns unhealthy (seen by a fast
  // watcher) to the weight write that returns the traffic
  const t2 = await topology(emulator)
  const bad = 'registry.example.com/app:bad'
  await setImage(emulator.url, { image: bad, behavior: 'degrade', afterSeconds: 120 })
  const elb = new ElasticLoadBalancingV2Client(clientConfig(emulator.url))
  let unhealthyAt = 0
  let watching = true
  const watcher = (async () => {
    while (watching && !unhealthyAt) {
      const out = await elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: t2.targetGroups.green })
      )
      if (out.TargetHealthDescriptions?.some((d) => d.TargetHealth?.State === 'unhealthy'))
        unhealthyAt = Date.now()
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const reverted = await runAction(inputs(t2, bad, { 'step-wait': '20s' }), {
    endpoint: emulator.url
  })
  watching = false
  await watcher
  elb.destroy()
  const revertCall = (await calls(emulator.url))
    .filter((c) => c.operation === 'ModifyListener')
    .at(-1)
  const revertAt = revertCall ? Date.parse(revertCall.at) : 0
  console.log(
    `time to revert:                  ${unhealthyAt && revertAt ? fmt(revertAt - unhealthyAt) : 'n/a'} from target unhealthy to traffic back (poll ${POLL}; goal: poll + 1 s), result ${reverted.outputs.result}`
  )

  // the suites' counts: how the action ends under faults, under AWS's request rate limits, and
  // when it is SIGKILLed mid-rollout and the post step or the next command follows
  console.log(formatReport(await runFaultSuite({ url: emulator.url, rollouts: 6, seed: 1 })))
  console.log(formatReport(await runRateLimitSuite({ url: emulator.url, rollouts: 20, seed: 1 })))
  console.log(formatReport(await runKillSuite({ url: emulator.url, trials: 10, seed: 1 })))
} finally {
  await emulator.stop()
}
