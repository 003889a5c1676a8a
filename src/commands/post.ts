import * as core from '@actions/core'
import { parseSettings } from '../config.js'
import { settleAfterMainStep } from '../rollout/control/post-step.js'
import type { PostStepHold } from '../rollout/durable/keeper.js'
import { commandContext, STATE, POST_STEP_CALL_BUDGET_MS } from './context.js'
import { durableDeps } from './durable.js'

/**
 * The `post:` step. It runs after the job even when it was cancelled: if the main step died
 * while it held a rollout, the rollout is settled as a failed run would have settled it, but
 * only while the lock and the record still say it is this run's.
 */
export async function runPostStep(): Promise<void> {
  const saved = core.getState(STATE.postStep)
  if (!saved) return
  const context = commandContext(POST_STEP_CALL_BUDGET_MS)
  try {
    const hold = JSON.parse(saved) as PostStepHold
    const settings = parseSettings((name) => core.getInput(name), {
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
      workspace: process.env.GITHUB_WORKSPACE
    })
    const deps = durableDeps(context)
    const done = await settleAfterMainStep(hold, settings, {
      ...deps,
      owner: { ...deps.owner, token: hold.ownerToken },
      onPostStep: undefined
    })
    if (done.failed) core.setFailed(done.line)
    else core.info(done.line)
  } catch (error) {
    core.setFailed(
      `Could not settle the rollout the main step left: ${error instanceof Error ? error.message : String(error)}`
    )
  } finally {
    context.close()
  }
}
