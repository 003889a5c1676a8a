import * as core from '@actions/core'
import { outcomeLines } from '../report/log.js'
import { actionOutputs } from '../report/outputs.js'
import { renderSummary } from '../report/summary.js'
import type { RolloutOutcome, Settings } from '../rollout/settings.js'
import { runUrl, type CommandContext } from './context.js'

/** Sets the outputs, logs the closing lines, writes the job summary and fails a revert. */
export async function finishRollout(
  settings: Settings,
  outcome: RolloutOutcome,
  context: CommandContext
): Promise<void> {
  context.observer.close()
  for (const [name, value] of Object.entries(actionOutputs(outcome))) core.setOutput(name, value)
  for (const line of outcomeLines(outcome)) core.info(line)
  await core.summary
    .addRaw(
      renderSummary({
        settings,
        outcome,
        timeline: context.observer.entries,
        startedAt: context.startedAt,
        finishedAt: Date.now(),
        runUrl: runUrl()
      })
    )
    .write()
  if (outcome.result === 'reverted') {
    core.setFailed(`Reverted: ${outcome.reason ?? 'unknown reason'}`)
  }
}
