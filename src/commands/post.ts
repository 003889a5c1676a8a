import * as core from '@actions/core'
import { createClients } from '../aws/clients.js'
import { ElbAdapter } from '../aws/elb.js'
import { GitHubObserver } from '../github-observer.js'
import { restoreTraffic, type TrafficCheckpoint } from '../rollout/deploy.js'
import { STATE } from './context.js'

/**
 * The `post:` step. It runs after the job even when it was cancelled: if the main step died
 * between the first shift and settling the traffic, the weights go back to the side that was live.
 */
export async function runPostStep(): Promise<void> {
  const saved = core.getState(STATE.checkpoint)
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
