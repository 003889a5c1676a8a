import * as core from '@actions/core'
import { tidyRollout } from '../rollout/control/tidy.js'
import type { Settings } from '../rollout/settings.js'
import { runDurableCommand } from './durable.js'

/**
 * `command: tidy`, for a scheduled workflow: a scale-down a promotion left to a later run, once
 * due, and nothing else. A due scale-down it could not do fails the step, with the reason.
 */
export async function runTidyCommand(settings: Settings): Promise<void> {
  let failed: string | undefined
  await runDurableCommand(settings, async (given, deps) => {
    const done = await tidyRollout(given, deps)
    failed = done.failed
    return done
  })
  if (failed) core.setFailed(failed)
}
