import { deploy } from '../rollout/deploy.js'
import type { Settings } from '../rollout/settings.js'
import { commandContext } from './context.js'
import { finishRollout } from './finish.js'

export async function runDeployCommand(settings: Settings): Promise<void> {
  const context = commandContext()
  try {
    const outcome = await deploy(settings, context.deps)
    await finishRollout(settings, outcome, context)
  } finally {
    context.close()
  }
}
