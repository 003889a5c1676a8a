import { deployWithState } from '../rollout/control/deploy.js'
import type { Settings } from '../rollout/settings.js'
import { runDurableCommand } from './durable.js'

export async function runDeployCommand(settings: Settings): Promise<void> {
  await runDurableCommand(settings, async (given, deps) => ({
    outcome: await deployWithState(given, deps)
  }))
}
