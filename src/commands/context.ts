import * as core from '@actions/core'
import { CapacityAdapter } from '../aws/capacity.js'
import { once, patientFor, runBudget } from '../aws/budget.js'
import { CLIENT_TIMEOUTS, createClients, type AwsClients } from '../aws/clients.js'
import { CloudWatchAdapter } from '../aws/cloudwatch.js'
import { ScalingAdapter } from '../aws/scaling.js'
import { EcsAdapter } from '../aws/ecs.js'
import { ElbAdapter } from '../aws/elb.js'
import { GitHubObserver } from '../github-observer.js'
import { FetchProbe } from '../http/probe.js'
import { systemClock } from '../rollout/clock.js'
import type { RolloutDeps } from '../rollout/deploy.js'

/**
 * How long the post step keeps trying throttled calls: it has no timeout input of its own, and
 * the settling it does (a revert at most) must not outlast the job's cleanup by much.
 */
export const POST_STEP_CALL_BUDGET_MS = 180_000

/** State the main step saves for the post step (src/step.ts keeps the step mark). */
export const STATE = { postStep: 'postStep' } as const

/**
 * What every command runs with: AWS ports, the GitHub observer, and an abort signal that fires
 * on SIGINT/SIGTERM (what GitHub sends on cancel). `close()` releases all of it.
 */
export interface CommandContext {
  clients: AwsClients
  observer: GitHubObserver
  deps: RolloutDeps
  startedAt: number
  close(): void
}

export function commandContext(timeoutMs: number): CommandContext {
  const budget = runBudget(timeoutMs)
  const clients = createClients(CLIENT_TIMEOUTS, budget)
  const observer = new GitHubObserver()
  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    core.warning(`${signal} received: stopping safely`)
    cancel.abort(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    clients,
    observer,
    startedAt: Date.now(),
    deps: {
      ecs: new EcsAdapter(clients.ecs),
      revisions: new EcsAdapter(clients.ecs),
      elb: new ElbAdapter(clients.elb),
      metrics: new CloudWatchAdapter(clients.cloudwatch),
      scaling: new ScalingAdapter(clients.scaling),
      capacity: new CapacityAdapter(clients.ecs),
      probe: new FetchProbe(),
      clock: systemClock,
      observer,
      signal: cancel.signal,
      crowded: budget.crowded,
      patientFor: (ms, work) => patientFor(ms, work),
      once: (work) => once(work)
    },
    close() {
      observer.close()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      clients.destroy()
    }
  }
}

export function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
}
