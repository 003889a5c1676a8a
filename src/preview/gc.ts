import { errorText } from '../rollout/context.js'
import { InputError } from '../rollout/errors.js'
import type { PreviewSettings, Settings } from '../rollout/settings.js'
import { removePreview } from './destroy.js'
import { prsWithRules, readListenerRules } from './find.js'
import { PreviewReporter } from './github-report.js'
import { previewNames, prOfServiceName, type PreviewEnvironment } from './names.js'
import type { PreviewOutcome } from './outcome.js'
import type { PreviewDeps } from './ports.js'

/**
 * Removes the previews of pull requests that are no longer open: those whose close event was
 * missed (a failed run, a workflow added later). Previews are found by their rules on the
 * listener and their services in the cluster; GitHub says which PRs are open. Nothing is removed
 * unless that list was read in full.
 */
export async function collectPreviews(
  settings: Settings,
  preview: PreviewSettings,
  deps: PreviewDeps,
  env: PreviewEnvironment
): Promise<PreviewOutcome> {
  const { github, observer } = deps
  if (!github) {
    throw new InputError(
      'github-token',
      'is required for command: preview-gc, which asks GitHub which pull requests are still open'
    )
  }
  observer.phase('Find previews of closed pull requests')
  const [open, rules, services] = await Promise.all([
    github.openPullRequests(),
    readListenerRules(deps.elb, preview.listenerArn),
    deps.ecs.listServiceNames(settings.cluster)
  ])
  const found = new Set([
    ...prsWithRules(rules, env),
    ...services.flatMap((name) => {
      const pr = prOfServiceName(name, env)
      return pr === undefined ? [] : [pr]
    })
  ])
  const openSet = new Set(open)
  const stale = [...found].filter((pr) => !openSet.has(pr)).sort((a, b) => a - b)
  observer.info(
    `${found.size} ${found.size === 1 ? 'preview' : 'previews'} found; ` +
      (stale.length > 0
        ? `PRs ${stale.map((pr) => `#${pr}`).join(', ')} are closed`
        : 'all of their PRs are open')
  )

  const changes: string[] = []
  const removedPrs: number[] = []
  const failures: string[] = []
  for (const pr of stale) {
    observer.phase(`Remove the preview of PR #${pr}`)
    try {
      const removed = await removePreview(settings, preview.listenerArn, deps, env, pr)
      if (removed.length === 0) continue
      removedPrs.push(pr)
      changes.push(...removed.map((line) => `PR #${pr}: ${line}`))
      if (!settings.dryRun) {
        const reporter = new PreviewReporter(deps, env, previewNames(env, pr))
        await reporter.comment({ pr, status: 'removed' }, false)
        await reporter.retireDeployments()
      }
    } catch (error) {
      failures.push(`PR #${pr}: ${errorText(error)}`)
      observer.warn(`could not remove the preview of PR #${pr}: ${errorText(error)}`)
    }
  }
  const result =
    failures.length > 0
      ? 'failed'
      : settings.dryRun && removedPrs.length > 0
        ? 'planned'
        : removedPrs.length > 0
          ? 'destroyed'
          : 'unchanged'
  return {
    result,
    changes,
    removedPrs,
    ...(failures.length > 0 ? { reason: failures.join('; ') } : {})
  }
}
