/**
 * Previews end to end: the real AWS SDK against the emulator, the real Octokit client against
 * the GitHub stand-in, the real config parser and the real clock. Assertions read AWS back
 * through the SDK and GitHub back from the stand-in, never what a test wrote itself.
 */
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { startEmulator, type RunningEmulator } from '../../emulator/server.js'
import { GitHubAdapter } from '../../src/aws/github.js'
import { PreviewEcsAdapter } from '../../src/aws/preview-ecs.js'
import { PreviewElbAdapter } from '../../src/aws/preview-elb.js'
import { parseSettings } from '../../src/config.js'
import type { PreviewDeps, PullRequestInfo } from '../../src/preview/ports.js'
import { systemClock } from '../../src/rollout/clock.js'
import type { RolloutObserver } from '../../src/rollout/ports.js'
import type { Settings } from '../../src/rollout/settings.js'
import { clientConfig, REGION } from '../helpers/emulator.js'
import { startGitHubStandin, type GitHubStandin } from '../helpers/github-standin.js'

/** Simulated time runs 50 times faster: a task starts in 60 ms, a health check every 100 ms. */
export const TIME_SCALE = 0.02

export interface Harness {
  emulator: RunningEmulator
  github: GitHubStandin
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  stop(): Promise<void>
}

export async function startHarness(): Promise<Harness> {
  const [emulator, github] = await Promise.all([
    startEmulator({ port: 0, timeScale: TIME_SCALE }),
    startGitHubStandin()
  ])
  const ecs = new ECSClient(clientConfig(emulator.url))
  const elb = new ElasticLoadBalancingV2Client(clientConfig(emulator.url))
  return {
    emulator,
    github,
    ecs,
    elb,
    async stop() {
      ecs.destroy()
      elb.destroy()
      await Promise.all([emulator.stop(), github.stop()])
    }
  }
}

let counter = 0

/** A blue/green pair of its own (blue live, 2 healthy tasks) for each test. */
export async function freshPair(
  h: Harness,
  options: { useRule?: boolean } = {}
): Promise<Topology> {
  counter++
  return createBlueGreenTopology({
    endpoint: h.emulator.url,
    prefix: `pv${counter}`,
    image: 'registry.example.com/app:1.0.0',
    useRule: options.useRule
  })
}

export const HOST = 'pr-{number}.preview.example.com'

export function previewInputs(
  t: Topology,
  overrides: Record<string, string> = {}
): Record<string, string> {
  return {
    command: 'preview',
    cluster: t.cluster,
    services: `${t.services.blue},${t.services.green}`,
    listener: t.routeArn,
    image: 'registry.example.com/app:pr-1',
    'preview-host': HOST,
    timeout: '20s',
    'poll-interval': '100ms',
    ...overrides
  }
}

export function settingsFor(inputs: Record<string, string>): Settings {
  return parseSettings((name) => inputs[name] ?? '', { region: REGION })
}

export interface Recorder extends RolloutObserver {
  lines: string[]
  warnings: string[]
}

export function recorder(): Recorder {
  const lines: string[] = []
  const warnings: string[] = []
  return {
    lines,
    warnings,
    phase: (name) => void lines.push(`## ${name}`),
    info: (line) => void lines.push(line),
    warn: (line) => {
      lines.push(`warning: ${line}`)
      warnings.push(line)
    },
    timeline: () => undefined
  }
}

export function pullRequest(number: number, extra: Partial<PullRequestInfo> = {}): PullRequestInfo {
  return {
    number,
    headSha: `${number}`.padStart(7, '0') + 'abcdef0123456789abcdef0123456789a',
    title: `Change number ${number}`,
    headRef: `feature/${number}`,
    ...extra
  }
}

export function depsFor(
  h: Harness,
  options: { pullRequest?: PullRequestInfo; observer?: Recorder; github?: boolean } = {}
): PreviewDeps & { observer: Recorder } {
  const observer = options.observer ?? recorder()
  return {
    ecs: new PreviewEcsAdapter(h.ecs),
    elb: new PreviewElbAdapter(h.elb),
    ...(options.github === false
      ? {}
      : {
          github: new GitHubAdapter({
            token: h.github.token,
            owner: h.github.owner,
            repo: h.github.repo,
            baseUrl: h.github.url
          })
        }),
    ...(options.pullRequest ? { pullRequest: options.pullRequest } : {}),
    runUrl: 'https://github.com/acme/web/actions/runs/42',
    clock: systemClock,
    observer
  }
}
