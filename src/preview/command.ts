import { InputError } from '../rollout/errors.js'
import type { PreviewSettings, Settings } from '../rollout/settings.js'
import { createOrUpdatePreview } from './create.js'
import { removePreview } from './destroy.js'
import { collectPreviews } from './gc.js'
import { PreviewReporter } from './github-report.js'
import { previewEnvironment, previewNames } from './names.js'
import type { PreviewOutcome } from './outcome.js'
import type { PreviewDeps } from './ports.js'

export type { PreviewOutcome, PreviewResultKind } from './outcome.js'
export { previewOutputs } from './outcome.js'
export type { PreviewDeps } from './ports.js'

/**
 * The preview commands. Each throws InputError or TopologyError (and PreviewLimitError at an
 * AWS quota) before it changes anything; a preview that does not become healthy is a `failed`
 * outcome, after which an existing preview still serves its previous revision.
 */

/** command: preview (pull_request opened, synchronize, reopened) */
export async function runPreview(settings: Settings, deps: PreviewDeps): Promise<PreviewOutcome> {
  const preview = previewSettings(settings)
  const pr = prNumber(preview, deps)
  const env = previewEnvironment(settings)
  const reporter = new PreviewReporter(deps, env, previewNames(env, pr))
  return createOrUpdatePreview(settings, preview, deps, env, pr, reporter)
}

/** command: preview-destroy (pull_request closed). A second run finds nothing and succeeds. */
export async function runPreviewDestroy(
  settings: Settings,
  deps: PreviewDeps
): Promise<PreviewOutcome> {
  const preview = previewSettings(settings)
  const pr = prNumber(preview, deps)
  const env = previewEnvironment(settings)
  deps.observer.phase(`Remove the preview of PR #${pr}`)
  const changes = await removePreview(settings, preview.listenerArn, deps, env, pr)
  const outcome = { pr, changes, removedPrs: [] }
  if (changes.length === 0) return { ...outcome, result: 'unchanged' }
  if (settings.dryRun) return { ...outcome, result: 'planned' }
  const reporter = new PreviewReporter(deps, env, previewNames(env, pr))
  await reporter.comment({ pr, status: 'removed' }, false)
  await reporter.retireDeployments()
  return { ...outcome, result: 'destroyed', removedPrs: [pr] }
}

/** command: preview-gc (schedule, workflow_dispatch) */
export async function runPreviewGc(settings: Settings, deps: PreviewDeps): Promise<PreviewOutcome> {
  return collectPreviews(settings, previewSettings(settings), deps, previewEnvironment(settings))
}

function previewSettings(settings: Settings): PreviewSettings {
  if (!settings.preview) {
    throw new Error(
      `preview settings are missing for command ${settings.command}: parseSettings sets them`
    )
  }
  return settings.preview
}

function prNumber(preview: PreviewSettings, deps: PreviewDeps): number {
  const pr = preview.prNumber ?? deps.pullRequest?.number
  if (pr === undefined) {
    throw new InputError(
      'pr-number',
      'is required when the workflow does not run for a pull request (on: pull_request); ' +
        'give the number, e.g. "42"'
    )
  }
  return pr
}
