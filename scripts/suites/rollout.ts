/**
 * One rollout of a suite: its own pair, a release that behaves a chosen way, the bundled action
 * run as GitHub runs it, and a verdict on how it ended. Its AWS calls are told apart from the
 * others' by the id the SDK puts in their User-Agent (AWS_SDK_UA_APP_ID).
 */
import type { CallRecord } from '../../emulator/control/call-log.js'
import type { ImageBehavior } from '../../emulator/core/contracts.js'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { control, setImage } from '../../__tests__/helpers/emulator.js'
import { placeholdersOf, policyProblems } from '../../__tests__/iam/check.js'
import { runAction } from '../lib/github-runner.js'
import { readEndState } from './safety.js'

export const RELEASE_KINDS = ['good', 'unhealthy', 'crash', 'degrade'] as const
export type ReleaseKind = (typeof RELEASE_KINDS)[number]

/** How each kind of release behaves in the emulator. */
const BEHAVIOUR: Record<ReleaseKind, Omit<ImageBehavior, 'image'> | undefined> = {
  good: undefined,
  unhealthy: { behavior: 'unhealthy' },
  crash: { behavior: 'crash', exitCode: 3 },
  // healthy through bring-up and the first shift (simulated seconds), failing well before the
  // last bake ends: a release that must be caught after traffic reached it
  degrade: { behavior: 'degrade', afterSeconds: 30 }
}

/** How many tasks the live side of every suite pair runs before its rollout. */
export const SUITE_DESIRED_COUNT = 2

export interface PlannedRollout {
  index: number
  kind: ReleaseKind
  topology: Topology
  image: string
}

/** How a rollout ended, as the action reported it and the emulator logged it. */
export interface RolloutRun {
  rollout: PlannedRollout
  inputs: Record<string, string>
  /** the action's `result` output; 'unknown' when it set none */
  result: string
  reason?: string
  error?: string
  exitCode: number | null
  calls: CallRecord[]
  wallMs: number
}

/** The inputs every suite rollout deploys with; `extra` changes some. */
export function suiteInputs(t: Topology, image: string, extra: Record<string, string> = {}) {
  return {
    command: 'deploy',
    cluster: t.cluster,
    services: `${t.services.blue},${t.services.green}`,
    listener: t.routeArn,
    image,
    'traffic-steps': '10,50,100',
    'step-wait': '1s',
    'poll-interval': '250ms',
    timeout: '3m',
    'scale-down-delay': '0s',
    ...extra
  }
}

/** Builds the pair and sets the release's behaviour. */
export async function planRollout(
  url: string,
  name: string,
  index: number,
  kind: ReleaseKind
): Promise<PlannedRollout> {
  const topology = await createBlueGreenTopology({
    endpoint: url,
    prefix: `${name}${index}`,
    image: 'registry.example.com/app:1.0.0',
    desiredCount: SUITE_DESIRED_COUNT
  })
  const image = `registry.example.com/app:${name}-${index}-${kind}`
  const behaviour = BEHAVIOUR[kind]
  if (behaviour) await setImage(url, { image, ...behaviour })
  return { index, kind, topology, image }
}

/** Runs the rollout to its end. */
export async function runRollout(
  url: string,
  suite: string,
  rollout: PlannedRollout,
  extra: Record<string, string> = {}
): Promise<RolloutRun> {
  const caller = `${suite}-${String(rollout.index).padStart(5, '0')}`
  const inputs = suiteInputs(rollout.topology, rollout.image, extra)
  const started = Date.now()
  const run = await runAction(inputs, { endpoint: url, env: { AWS_SDK_UA_APP_ID: caller } })
  const wallMs = Date.now() - started
  const calls = await control<CallRecord[]>(
    url,
    'GET',
    `calls?userAgent=${encodeURIComponent(`app/${caller}`)}`
  )
  return {
    rollout,
    inputs,
    result: run.outputs.result || 'unknown',
    ...(run.outputs.reason ? { reason: run.outputs.reason } : {}),
    ...(/^::error::(.*)$/m.test(run.stdout)
      ? { error: /^::error::(.*)$/m.exec(run.stdout)?.[1] }
      : {}),
    exitCode: run.exitCode,
    calls,
    wallMs
  }
}

/**
 * What is wrong with how the rollout ended: a good release not promoted or a bad one not
 * reverted, weight on a side with an unhealthy or missing task, a call the IAM policy denies.
 * Reads AWS, so call it once faults and rate limits are off.
 */
export async function judge(url: string, run: RolloutRun): Promise<string[]> {
  const { rollout } = run
  const expected = rollout.kind === 'good' ? 'promoted' : 'reverted'
  const label = `rollout ${rollout.index} (${rollout.kind} release)`
  const problems: string[] = []
  if (run.result !== expected) {
    const why = run.reason ?? run.error ?? `exit ${run.exitCode}`
    problems.push(`${label} ended ${run.result} (${why}), expected ${expected}`)
  }
  const end = await readEndState(url, rollout.topology)
  if (end.unsafe) problems.push(`${label} ended unsafe: ${end.unsafe}`)
  const values = placeholdersOf(run.inputs)
  if (values) problems.push(...policyProblems(run.calls, values).map((p) => `${label}: ${p}`))
  return problems
}
