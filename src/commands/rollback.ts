import * as core from '@actions/core'
import { rollbackRollout } from '../rollout/control/rollback.js'
import type { Settings } from '../rollout/settings.js'
import { runDurableCommand } from './durable.js'

/** A rollback that could not be done fails the step, after its outputs say why. */
export async function runRollbackCommand(settings: Settings): Promise<void> {
  const outcome = await runDurableCommand(settings, rollbackRollout)
  if (outcome.result !== 'rolled-back') {
    core.setFailed(outcome.reason ?? 'the rollback was not done')
  }
}
