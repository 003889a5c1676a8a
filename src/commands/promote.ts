import { promoteRollout } from '../rollout/control/promote.js'
import type { Settings } from '../rollout/settings.js'
import { runDurableCommand } from './durable.js'

/** Continues a paused or interrupted rollout; fails the step when it reverts, as a deploy does. */
export async function runPromoteCommand(settings: Settings): Promise<void> {
  await runDurableCommand(settings, promoteRollout)
}
