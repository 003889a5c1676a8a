import { formatDuration } from '../rollout/duration.js'
import type { Settings } from '../rollout/settings.js'
import { ResourceInUseError } from './errors.js'
import {
  findPreviewService,
  findPreviewTargetGroup,
  previewRules,
  readListenerRules
} from './find.js'
import { previewNames, type PreviewEnvironment } from './names.js'
import type { PreviewDeps } from './ports.js'

/** AWS may still count a just-deleted rule as using the target group for a moment. */
const IN_USE_RETRIES = 5
const IN_USE_FIRST_WAIT_MS = 1000

/**
 * Removes what there is of the PR's preview: the rule first (no more traffic), the service
 * scaled to 0, its revisions deregistered, the target group, and the service itself last, so
 * that a run that dies halfway leaves a service (or rule) for preview-gc to find. Finds
 * everything before it changes anything; anything of the name that is not the preview's
 * (by its tags) stops it unchanged. Returns what it removed (would remove, in a dry run);
 * nothing for a preview that is already gone.
 */
export async function removePreview(
  settings: Settings,
  listenerArn: string,
  deps: PreviewDeps,
  env: PreviewEnvironment,
  pr: number
): Promise<string[]> {
  const { ecs, elb, observer } = deps
  const names = previewNames(env, pr)
  const [rules, service, group, revisions] = await Promise.all([
    readListenerRules(elb, listenerArn),
    findPreviewService(ecs, env, names),
    findPreviewTargetGroup(elb, env, names),
    ecs.listRevisions(names.family)
  ])
  const ownRules = previewRules(rules, env, pr)
  const active = service?.status === 'ACTIVE' ? service : undefined
  const removed = [
    ...ownRules.map((rule) => `the listener rule at priority ${rule.priority}`),
    ...(active ? [`service ${names.service}`] : []),
    ...(revisions.length > 0
      ? [
          `${revisions.length} ${revisions.length === 1 ? 'revision' : 'revisions'} of ${names.family}`
        ]
      : []),
    ...(group ? [`target group ${names.targetGroup}`] : [])
  ]
  if (removed.length === 0) {
    observer.info(`PR #${pr} has no preview (anymore): nothing to remove`)
    return []
  }
  for (const line of removed)
    observer.info(`${settings.dryRun ? 'would remove' : 'removing'} ${line}`)
  if (settings.dryRun) return removed

  for (const rule of ownRules) await elb.deleteRule(rule.arn)
  if (active && active.desiredCount > 0) {
    await ecs.updateService(settings.cluster, names.service, { desiredCount: 0 })
  }
  for (const arn of revisions) await ecs.deregisterTaskDefinition(arn)
  if (group) await deleteTargetGroup(deps, group.arn)
  if (active) await ecs.deleteService(settings.cluster, names.service)
  observer.info(`removed the preview of PR #${pr}`)
  return removed
}

async function deleteTargetGroup(deps: PreviewDeps, arn: string): Promise<void> {
  let wait = IN_USE_FIRST_WAIT_MS
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.elb.deleteTargetGroup(arn)
    } catch (error) {
      if (!(error instanceof ResourceInUseError) || attempt >= IN_USE_RETRIES) throw error
      deps.observer.info(
        `the target group is still in use; trying again in ${formatDuration(wait)}`
      )
      await deps.clock.sleep(wait)
      wait *= 2
    }
  }
}
