/**
 * What the e2e tests of the durable state need besides the harness: topologies that do not
 * clear the call log (the tests run at once, each on its own pair, and read their own calls by
 * run), the listener's tags, and each side's health as AWS reports it.
 */
import {
  AddTagsCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import type { ChildProcess } from 'node:child_process'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig } from '../helpers/emulator.js'
import { callsOf, currentWeights, type Harness, type HarnessRun } from './harness.js'

let counter = 0

/** Blue live at 100 with 2 healthy tasks of `image`; green at 0. Leaves the call log alone. */
export function pairTopology(
  h: Harness,
  image = 'registry.example.com/app:1.0.0'
): Promise<Topology> {
  counter++
  return createBlueGreenTopology({
    endpoint: h.url,
    prefix: `dur${counter}`,
    image,
    desiredCount: 2
  })
}

/** A run of the action as GitHub run `id` of acme/web. */
export function runEnv(id: number): Record<string, string> {
  return {
    GITHUB_RUN_ID: String(id),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/web'
  }
}

export const runUrl = (id: number): string => `https://github.com/acme/web/actions/runs/${id}`

/** An onOutput that SIGKILLs the action `delayMs` after a line matching `pattern`. */
export function killAfter(
  pattern: RegExp,
  delayMs = 0
): { onOutput: (text: string, child: ChildProcess) => void; killed: () => boolean } {
  let seen = false
  let killed = false
  return {
    onOutput: (text, child) => {
      if (seen || !pattern.test(text)) return
      seen = true
      setTimeout(() => {
        killed = true
        child.kill('SIGKILL')
      }, delayMs)
    },
    killed: () => killed
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

export async function routeTags(h: Harness, t: Topology): Promise<Record<string, string>> {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(h.url))
  try {
    const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [t.routeArn] }))
    return Object.fromEntries(
      (out.TagDescriptions?.[0]?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])
    )
  } finally {
    elb.destroy()
  }
}

export async function addRouteTags(
  h: Harness,
  t: Topology,
  tags: Record<string, string>
): Promise<void> {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(h.url))
  try {
    await elb.send(
      new AddTagsCommand({
        ResourceArns: [t.routeArn],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
      })
    )
  } finally {
    elb.destroy()
  }
}

export interface SideView {
  weight: number
  desired: number
  running: number
  taskDefinition: string
  healthy: number
  targets: number
}

/** A side of the pair as AWS reports it: its weight, its tasks, and its targets' health. */
export async function side(h: Harness, t: Topology, which: 'blue' | 'green'): Promise<SideView> {
  const ecs = new ECSClient(clientConfig(h.url))
  const elb = new ElasticLoadBalancingV2Client(clientConfig(h.url))
  try {
    const [weights, services, health] = await Promise.all([
      currentWeights(h, t),
      ecs.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.services[which]] })),
      elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: t.targetGroups[which] }))
    ])
    const service = services.services?.[0]
    const targets = health.TargetHealthDescriptions ?? []
    return {
      weight: weights[t.targetGroups[which]] ?? -1,
      desired: service?.desiredCount ?? -1,
      running: service?.runningCount ?? -1,
      taskDefinition: (service?.taskDefinition ?? '').split('/').at(-1) ?? '',
      healthy: targets.filter((target) => target.TargetHealth?.State === 'healthy').length,
      targets: targets.length
    }
  } finally {
    ecs.destroy()
    elb.destroy()
  }
}

/**
 * Waits until all traffic is on `which` and every one of its tasks is running and healthy in its
 * target group (targets of stopped tasks drain for a while); returns that side as last seen.
 */
export async function settledOn(
  h: Harness,
  t: Topology,
  which: 'blue' | 'green',
  timeoutMs = 10_000
): Promise<SideView> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const seen = await side(h, t, which)
    const settled =
      seen.weight === 100 &&
      seen.desired > 0 &&
      seen.running === seen.desired &&
      seen.healthy === seen.desired &&
      seen.targets === seen.desired
    if (settled || Date.now() > deadline) return seen
    await sleep(200)
  }
}

/** The mutating AWS calls of one run, as `Operation` names. */
export async function mutationsOf(h: Harness, run: HarnessRun): Promise<string[]> {
  return (await callsOf(h, run.caller))
    .filter((call) => call.mutating && call.error === null)
    .map((call) => call.operation)
}

/** Short heartbeats, so that a killed run's rollout is stale after a moment. */
export const STALE = { 'stale-after': '2s' }
export const STALE_WAIT_MS = 2500

/** A new image each call (each release must differ from what is live), under its own minor version. */
export function imageMaker(minor: number): () => string {
  let patch = 0
  return () => `registry.example.com/app:${minor}.0.${++patch}`
}
