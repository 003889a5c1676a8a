import { errorText } from '../rollout/context.js'
import { formatDuration } from '../rollout/duration.js'
import type { PreviewSettings, Settings } from '../rollout/settings.js'
import { catchesAll } from './address.js'
import type { CommentView } from './comment.js'
import { findPreview, plannedChanges, type Found } from './found.js'
import type { PreviewReporter } from './github-report.js'
import { waitUntilHealthy } from './health.js'
import type { PreviewEnvironment } from './names.js'
import type { PreviewOutcome } from './outcome.js'
import type { PreviewDeps } from './ports.js'
import { setUp } from './set-up.js'

/**
 * Creates the PR's preview, or updates the one there is: target group, listener rule, revision
 * and service, each made only when missing, then waits until the new tasks are healthy. A failed
 * update puts the previous revision back, so the preview keeps serving what it served.
 */
export async function createOrUpdatePreview(
  settings: Settings,
  preview: PreviewSettings,
  deps: PreviewDeps,
  env: PreviewEnvironment,
  pr: number,
  reporter: PreviewReporter
): Promise<PreviewOutcome> {
  const { observer, clock } = deps
  const deadline = clock.now() + settings.timeoutMs
  observer.phase(`Find the preview of PR #${pr}`)
  const found = await findPreview(settings, preview, deps, env, pr)
  const { names, base, url } = found
  const active = found.service?.status === 'ACTIVE' ? found.service : undefined
  const changes = plannedChanges(found, active, preview)
  observer.info(`preview ${names.service} from ${base.service.name}, at ${url}`)
  for (const change of changes) observer.info(change)
  warnIfShadowed(found, preview, deps)
  const outcome = {
    pr,
    previewUrl: url,
    service: names.service,
    changes,
    removedPrs: [],
    ...(active ? { previousTaskDefinitionArn: active.taskDefinitionArn } : {})
  }
  if (settings.dryRun) return { ...outcome, result: 'planned' }

  observer.phase('Set up the preview')
  if (found.service && !active) await waitUntilDeleted(settings, deps, names.service, deadline)
  const { taskDefinitionArn, label, targetGroupArn } = await setUp(
    settings,
    preview,
    deps,
    env,
    found,
    active
  )

  // reported once the preview exists: a refusal or quota above fails the run, not the PR page
  const view: Omit<CommentView, 'status'> = {
    ...commentBasics(deps, pr),
    url,
    image: settings.release.image,
    revision: label
  }
  await reporter.comment({ ...view, status: 'deploying' }, true)
  await reporter.startDeployment(refOf(deps, pr))

  observer.phase('Wait for the preview to be healthy')
  const health = await waitUntilHealthy(
    settings,
    deps,
    base,
    {
      service: names.service,
      targetGroupArn,
      targetGroupName: names.targetGroup,
      taskDefinitionArn,
      desiredCount: preview.taskCount
    },
    deadline
  )
  const previousServes = Boolean(active && !found.same)
  if (!health.healthy) {
    // a revision that failed is never left running: the previous one serves, or none at all
    if (active && previousServes) {
      await updateQuietly(settings, deps, names.service, 'put back on its previous revision', {
        taskDefinitionArn: active.taskDefinitionArn
      })
    } else if (!active) {
      await updateQuietly(settings, deps, names.service, 'scaled to 0', { desiredCount: 0 })
    }
    await reporter.comment(
      { ...view, status: 'failed', reason: health.reason, previousServes, stopped: !active },
      true
    )
    await reporter.finishDeployment(false, undefined)
    return { ...outcome, result: 'failed', reason: health.reason, taskDefinitionArn }
  }
  observer.info(`preview of PR #${pr} is up at ${url}`)
  await reporter.comment({ ...view, status: 'ready' }, true)
  await reporter.finishDeployment(true, url)
  const result = !active
    ? 'created'
    : found.same && active.desiredCount === preview.taskCount
      ? 'unchanged'
      : 'updated'
  return { ...outcome, result, taskDefinitionArn }
}

/** Stops a revision that failed: ECS stops its tasks. A failure here is only a warning. */
async function updateQuietly(
  settings: Settings,
  deps: PreviewDeps,
  service: string,
  what: string,
  change: { taskDefinitionArn?: string; desiredCount?: number }
): Promise<void> {
  try {
    await deps.ecs.updateService(settings.cluster, service, change)
    deps.observer.info(`${service} ${what}`)
  } catch (error) {
    deps.observer.warn(`${service} could not be ${what}: ${errorText(error)}`)
  }
}

/** A service deleted moments ago (PR closed and reopened) drains before its name is free. */
async function waitUntilDeleted(
  settings: Settings,
  deps: PreviewDeps,
  service: string,
  deadline: number
): Promise<void> {
  const { ecs, clock, observer, signal } = deps
  observer.info(`${service} is still being deleted; waiting until it is gone`)
  for (;;) {
    const found = await ecs.describeService(settings.cluster, service)
    if (!found || found.status === 'INACTIVE') return
    if (clock.now() >= deadline || signal?.aborted) {
      throw new Error(
        `${service} was still ${found.status} after ${formatDuration(settings.timeoutMs)}: it is ` +
          'being deleted from an earlier preview; run the preview again once it is gone'
      )
    }
    await clock.sleep(
      Math.min(settings.pollIntervalMs, Math.max(deadline - clock.now(), 0)),
      signal
    )
  }
}

/** A catch-all rule ahead of the preview's priorities means the preview URL shows something else. */
function warnIfShadowed(found: Found, preview: PreviewSettings, deps: PreviewDeps): void {
  const first = found.ownRules[0]?.priority
  const lowest = typeof first === 'number' ? first : preview.priorities.min
  const ahead = found.rules.rules.find(
    (rule) =>
      typeof rule.priority === 'number' && rule.priority < lowest && catchesAll(rule.conditions)
  )
  if (ahead) {
    deps.observer.warn(
      `the listener's rule at priority ${ahead.priority} matches every path, so requests never reach ` +
        `the preview's rule; set preview-rule-priorities below ${ahead.priority}`
    )
  }
}

function commentBasics(deps: PreviewDeps, pr: number): Omit<CommentView, 'status'> {
  const pull = deps.pullRequest?.number === pr ? deps.pullRequest : undefined
  return {
    pr,
    ...(pull?.title ? { title: pull.title } : {}),
    ...(pull?.headRef ? { branch: pull.headRef } : {}),
    ...(refOf(deps, pr) ? { sha: refOf(deps, pr) } : {}),
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {})
  }
}

/** The commit the preview runs: the PR's head, else the workflow's commit. */
function refOf(deps: PreviewDeps, pr: number): string | undefined {
  return deps.pullRequest?.number === pr ? deps.pullRequest.headSha : deps.sha
}
