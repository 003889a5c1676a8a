import * as core from '@actions/core'
import { runAbortCommand } from './commands/abort.js'
import { runDeployCommand } from './commands/deploy.js'
import { runPromoteCommand } from './commands/promote.js'
import { runRollbackCommand } from './commands/rollback.js'
import { runStatusCommand } from './commands/status.js'
import { runTidyCommand } from './commands/tidy.js'
import { runPostStep } from './commands/post.js'
import { runManagedCommand, runManagedPostStep } from './commands/managed.js'
import {
  runPreviewCommand,
  runPreviewDestroyCommand,
  runPreviewGcCommand
} from './commands/preview.js'
import { parseSettings } from './config.js'
import type { Command, Settings } from './rollout/settings.js'

/** Each command's glue: settings in, outputs and summary out. Commands not listed are planned. */
const COMMANDS: Partial<Record<Command, (settings: Settings) => Promise<void>>> = {
  deploy: runDeployCommand,
  promote: runPromoteCommand,
  abort: runAbortCommand,
  rollback: runRollbackCommand,
  status: runStatusCommand,
  preview: runPreviewCommand,
  'preview-destroy': runPreviewDestroyCommand,
  'preview-gc': runPreviewGcCommand,
  tidy: runTidyCommand
}

/** Runs the `post:` step, or the command the inputs name. */
export async function run(isPostStep: boolean): Promise<void> {
  if (isPostStep) {
    if (await runManagedPostStep()) return
    return runPostStep()
  }
  try {
    const settings = parseSettings((name) => core.getInput(name), {
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
      workspace: process.env.GITHUB_WORKSPACE
    })
    // one service that ECS deploys itself: its own mode (see src/rollout/managed/); its previews
    // are per-PR services with the ROLLING strategy cloned from it, as for a pair
    if (settings.managed && !settings.command.startsWith('preview')) {
      return await runManagedCommand(settings)
    }
    const command = COMMANDS[settings.command]
    if (!command) {
      const supported = Object.keys(COMMANDS).join(', ')
      throw new Error(
        `Input 'command': '${settings.command}' is not implemented yet; this version supports: ${supported}`
      )
    }
    await command(settings)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
