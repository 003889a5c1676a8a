import * as core from '@actions/core'
import { createClients } from './aws/clients.js'
import { EcsAdapter } from './aws/ecs.js'
import { ElbAdapter } from './aws/elb.js'
import { parseSettings } from './config.js'
import { GitHubObserver } from './github-observer.js'
import { systemClock } from './rollout/clock.js'
import { deploy, restoreTraffic, type TrafficCheckpoint } from './rollout/deploy.js'
import type { Settings } from './rollout/settings.js'
import { outcomeLines } from './report/log.js'
import { actionOutputs } from './report/outputs.js'
import { renderSummary } from './report/summary.js'

const POST_MARKER = 'isPost'
const CHECKPOINT = 'trafficCheckpoint'

/** The main step and the `post:` step run this same bundle; saved state tells them apart. */
export async function run(): Promise<void> {
  if (core.getState(POST_MARKER) === 'true') return post()
  core.saveState(POST_MARKER, 'true')
  try {
    const settings = parseSettings((name) => core.getInput(name), {
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
      workspace: process.env.GITHUB_WORKSPACE
    })
    if (settings.command !== 'deploy') {
      throw new Error(
        `command '${settings.command}' is not implemented yet; this version supports command: deploy`
      )
    }
    await runDeploy(settings)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

async function runDeploy(settings: Settings): Promise<void> {
  const clients = createClients()
  const observer = new GitHubObserver()
  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    core.warning(`${signal} received: returning traffic to the previous side`)
    cancel.abort(signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const startedAt = Date.now()
  try {
    const outcome = await deploy(settings, {
      ecs: new EcsAdapter(clients.ecs),
      elb: new ElbAdapter(clients.elb),
      clock: systemClock,
      observer,
      signal: cancel.signal,
      onCheckpoint: (checkpoint) =>
        core.saveState(CHECKPOINT, checkpoint ? JSON.stringify(checkpoint) : '')
    })
    observer.close()
    for (const [name, value] of Object.entries(actionOutputs(outcome))) core.setOutput(name, value)
    for (const line of outcomeLines(outcome)) core.info(line)
    await core.summary
      .addRaw(
        renderSummary({
          settings,
          outcome,
          timeline: observer.entries,
          startedAt,
          finishedAt: Date.now(),
          runUrl: runUrl()
        })
      )
      .write()
    if (outcome.result === 'reverted')
      core.setFailed(`Reverted: ${outcome.reason ?? 'unknown reason'}`)
  } finally {
    observer.close()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    clients.destroy()
  }
}

/**
 * Runs after the job even when it was cancelled: if the main step died between the first shift
 * and settling the traffic, the weights go back to the side that was live.
 */
async function post(): Promise<void> {
  const saved = core.getState(CHECKPOINT)
  if (!saved) return
  const clients = createClients()
  const observer = new GitHubObserver()
  try {
    const checkpoint = JSON.parse(saved) as TrafficCheckpoint
    const done = await restoreTraffic(checkpoint, { elb: new ElbAdapter(clients.elb), observer })
    core.info(
      done === 'restored'
        ? 'The deploy did not finish: all traffic was returned to the previous side.'
        : 'Traffic was already on the previous side.'
    )
  } catch (error) {
    core.setFailed(
      `Could not return traffic to the previous side: ${error instanceof Error ? error.message : String(error)}`
    )
  } finally {
    observer.close()
    clients.destroy()
  }
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
}
