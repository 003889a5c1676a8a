import { abortRollout } from '../rollout/control/abort.js'
import type { Settings } from '../rollout/settings.js'
import { runDurableCommand } from './durable.js'

export async function runAbortCommand(settings: Settings): Promise<void> {
  await runDurableCommand(settings, abortRollout)
}
