import * as core from '@actions/core'
import { actionOutputs } from '../report/outputs.js'
import { statusLines, statusPhase, statusSides, statusSummary } from '../report/status.js'
import { rolloutStatus } from '../rollout/control/status.js'
import type { Settings } from '../rollout/settings.js'
import { commandContext, runUrl } from './context.js'
import { durableDeps } from './durable.js'

/**
 * Prints the stored state, the weights, and the revision and health of both sides, and writes
 * them to the summary. Changes nothing: `result` is `unchanged`, and `rollout-phase` is the
 * stored rollout's phase (`none` when there is none, `unreadable` when it cannot be used).
 */
export async function runStatusCommand(settings: Settings): Promise<void> {
  const context = commandContext(settings.timeoutMs)
  try {
    const report = await rolloutStatus(settings, durableDeps(context))
    const { live, idle } = statusSides(report)
    const outputs = actionOutputs({
      result: 'unchanged',
      taskDefinitionArn: live?.taskDefinitionArn,
      liveService: live?.service,
      idleService: idle?.service,
      ...(report.state.kind === 'record' && report.state.record.scaleDownAt !== undefined
        ? { scaleDownAt: report.state.record.scaleDownAt }
        : {})
    })
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
    core.setOutput('rollout-phase', statusPhase(report))
    for (const line of statusLines(report)) core.info(line)
    await core.summary.addRaw(statusSummary(report, runUrl())).write()
  } finally {
    context.close()
  }
}
