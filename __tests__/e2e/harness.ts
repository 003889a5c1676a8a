/**
 * One emulator per test file, a fresh blue/green topology per test, and the bundled action run
 * as GitHub runs it. Assertions read the emulator's call log and the real API state, never
 * what the test itself wrote.
 */
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import type { ContainerDefinition } from '@aws-sdk/client-ecs'
import {
  createBlueGreenTopology,
  type Topology,
  type TopologyOptions
} from '../../emulator/fixtures/topology.js'
import { runAction, type ActionRun, type RunOptions } from '../../scripts/lib/github-runner.js'
import {
  calls,
  clearCalls,
  clearViolations,
  setImage,
  clientConfig,
  control,
  violations,
  type Violation
} from '../helpers/emulator.js'
import { formatViolations } from '../../scripts/suites/violations.js'
import type { CallRecord } from '../../emulator/control/call-log.js'
import { placeholdersOf, policyProblems } from '../iam/check.js'

export const TIME_SCALE = 0.05

export interface Harness {
  emulator: RunningEmulator
  url: string
}

export async function startHarness(): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, timeScale: TIME_SCALE })
  return { emulator, url: emulator.url }
}

let counter = 0

export interface FreshTopologyOptions {
  useRule?: boolean
  desiredCount?: number
  containers?: ContainerDefinition[]
  forward?: TopologyOptions['forward']
}

/**
 * A topology with a unique prefix, blue live at 100 with `desiredCount` healthy tasks. Leaves the
 * call log and the violations alone: for tests that run at once and read their own runs' calls.
 */
export function ownTopology(h: Harness, options: FreshTopologyOptions = {}): Promise<Topology> {
  counter++
  return createBlueGreenTopology({
    endpoint: h.url,
    prefix: `app${counter}`,
    image: 'registry.example.com/app:1.0.0',
    desiredCount: options.desiredCount ?? 2,
    useRule: options.useRule,
    containers: options.containers,
    forward: options.forward
  })
}

/** ownTopology, then the call log and the violations cleared: for tests that run one at a time. */
export async function freshTopology(
  h: Harness,
  options: FreshTopologyOptions = {}
): Promise<Topology> {
  const topology = await ownTopology(h, options)
  await clearCalls(h.url)
  await clearViolations(h.url)
  return topology
}

export function deployInputs(t: Topology, overrides: Record<string, string> = {}) {
  return {
    command: 'deploy',
    cluster: t.cluster,
    services: `${t.services.blue},${t.services.green}`,
    listener: t.routeArn,
    image: 'registry.example.com/app:2.0.0',
    'traffic-steps': '10,50,100',
    'step-wait': '1s',
    'poll-interval': '250ms',
    timeout: '2m',
    'scale-down-delay': '1s',
    'dry-run': 'false',
    ...overrides
  }
}

/** A run of the bundled action, with the id its AWS calls carry in their User-Agent (`app/<id>`). */
export type HarnessRun = ActionRun & { caller: string }

let runs = 0

/**
 * Runs the bundled action, then checks that every AWS call it made is allowed by iam/policy.json
 * (filled in with this run's region, account, cluster and load balancer): a call the policy does
 * not allow fails the test that made it, with the IAM action to add.
 */
export async function run(
  h: Harness,
  inputs: Record<string, string>,
  options: Partial<RunOptions> & { caller?: string } = {}
): Promise<HarnessRun> {
  const caller = options.caller ?? nextCaller()
  const result = await runAction(inputs, {
    endpoint: h.url,
    ...options,
    env: { ...options.env, AWS_SDK_UA_APP_ID: caller }
  })
  const made = await callsOf(h, caller)
  const values = placeholdersOf(inputs)
  const problems = values ? policyProblems(made, values) : []
  if (problems.length > 0) {
    throw new Error(`IAM policy check failed:\n- ${problems.join('\n- ')}`)
  }
  return { ...result, caller }
}

/**
 * A new id for a run's User-Agent, to aim a fault at that run before it starts. Fixed width, so
 * that no id is a prefix of another in the User-Agent filter.
 */
export function nextCaller(): string {
  return `e2e-${process.pid}-${String(++runs).padStart(6, '0')}`
}

/** The AWS calls one run made, in order (the call log's calls since it was last cleared). */
export function callsOf(h: Harness, caller: string): Promise<CallRecord[]> {
  return control<CallRecord[]>(
    h.url,
    'GET',
    `calls?userAgent=${encodeURIComponent(`app/${caller}`)}`
  )
}

export { calls, setImage }

/**
 * Fails the test when the emulator's safety watch recorded any violation since the test's
 * topology was built (freshTopology clears them): a weight written onto a target group with no
 * healthy target, or a service scaled to 0 while its group carried weight, at the instant the
 * write landed. Given runs (tests that run at once), only the violations of those runs count.
 * Returns what it checked (an empty list).
 */
export async function expectNoViolations(h: Harness, ...runs: HarnessRun[]): Promise<Violation[]> {
  const found =
    runs.length === 0
      ? await violations(h.url)
      : (
          await Promise.all(runs.map((r) => violations(h.url, { userAgent: `app/${r.caller}` })))
        ).flat()
  if (found.length > 0) {
    throw new Error(`the emulator recorded safety violations:\n${formatViolations(found)}`)
  }
  return found
}

export interface WeightWrite {
  operation: string
  weights: Record<string, number>
}

/** Every weight write (ModifyListener/ModifyRule) in the call log, in order, as tg -> weight. */
export async function weightWrites(h: Harness): Promise<WeightWrite[]> {
  return weightWritesIn(await calls(h.url))
}

/** Every weight write (ModifyListener/ModifyRule) in `log`, in order, as tg -> weight. */
export function weightWritesIn(log: CallRecord[]): WeightWrite[] {
  return log
    .filter((c) => c.operation === 'ModifyListener' || c.operation === 'ModifyRule')
    .filter((c) => c.error === null)
    .map((c) => {
      const params = c.params as Record<string, unknown>
      const actions = (params.DefaultActions ?? params.Actions) as {
        Type: string
        ForwardConfig?: { TargetGroups?: { TargetGroupArn: string; Weight: string }[] }
      }[]
      const forward = actions.find((a) => a.Type === 'forward')
      const weights: Record<string, number> = {}
      for (const g of forward?.ForwardConfig?.TargetGroups ?? []) {
        weights[g.TargetGroupArn] = Number(g.Weight)
      }
      return { operation: c.operation, weights }
    })
}

/** The weights the route forwards with now, read back through the SDK. */
export async function currentWeights(h: Harness, t: Topology): Promise<Record<string, number>> {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(h.url))
  try {
    const actions = t.ruleArn
      ? (await elb.send(new DescribeRulesCommand({ RuleArns: [t.ruleArn] }))).Rules?.[0]?.Actions
      : (await elb.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn] })))
          .Listeners?.[0]?.DefaultActions
    const forward = actions?.find((a) => a.Type === 'forward')
    const weights: Record<string, number> = {}
    for (const g of forward?.ForwardConfig?.TargetGroups ?? []) {
      weights[g.TargetGroupArn ?? ''] = g.Weight ?? 0
    }
    return weights
  } finally {
    elb.destroy()
  }
}
