import { errorText } from '../rollout/context.js'
import type { TaskDefinition } from '../rollout/ports.js'
import type { PreviewSettings, Settings } from '../rollout/settings.js'
import { previewAddress, ruleConditions, sameConditions } from './address.js'
import { serviceSpec, targetGroupSettings } from './clone.js'
import { AwsLimitError, PreviewLimitError } from './errors.js'
import type { Found } from './found.js'
import { limitMessage } from './limits.js'
import { previewTags, type PreviewEnvironment } from './names.js'
import type { PreviewDeps, ServiceTemplate } from './ports.js'
import { addRule } from './rule.js'

/**
 * Makes whatever is missing. A run that fails before the service exists removes the target
 * group and rule it made itself, so a quota leaves nothing half-made behind.
 */
export async function setUp(
  settings: Settings,
  preview: PreviewSettings,
  deps: PreviewDeps,
  env: PreviewEnvironment,
  found: Found,
  active: ServiceTemplate | undefined
): Promise<{ taskDefinitionArn: string; label: string; targetGroupArn: string }> {
  const { ecs, elb, observer } = deps
  const { names, base } = found
  const tags = previewTags(env, names.pr)
  const made: Made = {}
  try {
    let groupArn = found.targetGroupArn
    if (!groupArn) {
      groupArn = await elb.createTargetGroup(names.targetGroup, targetGroupSettings(base), tags)
      made.group = groupArn
      observer.info(`created target group ${names.targetGroup}`)
    }
    const conditions = ruleConditions(previewAddress(preview, names.pr))
    const [rule, ...extra] = found.ownRules
    // a second rule can only come from two runs for one PR at once; one is enough
    for (const other of extra) await elb.deleteRule(other.arn)
    if (rule && rule.targetGroupArns.includes(groupArn)) {
      if (!sameConditions(rule.conditions, conditions)) {
        await elb.modifyRuleConditions(rule.arn, conditions)
        observer.info(`moved the rule at priority ${rule.priority} to ${found.url}`)
      }
    } else {
      if (rule) await elb.deleteRule(rule.arn)
      const placed = await addRule(
        elb,
        observer,
        { listenerArn: preview.listenerArn, conditions, targetGroupArn: groupArn, tags },
        preview.priorities,
        env,
        names.pr,
        found.rules
      )
      made.rule = placed.arn
      observer.info(`added a rule at priority ${placed.priority} for ${found.url}`)
    }
    const current = active?.taskDefinitionArn
    const revision =
      found.same && current
        ? { arn: current, label: current.split('/').at(-1) ?? current }
        : await register(deps, found.rendered)
    if (revision.arn !== current) made.revision = revision.arn
    if (!active) {
      await ecs.createService(
        serviceSpec(base, {
          cluster: settings.cluster,
          name: names.service,
          taskDefinitionArn: revision.arn,
          targetGroupArn: groupArn,
          desiredCount: preview.taskCount,
          tags
        })
      )
      observer.info(`created service ${names.service} on ${revision.label}`)
    } else if (!found.same || active.desiredCount !== preview.taskCount) {
      await ecs.updateService(settings.cluster, names.service, {
        taskDefinitionArn: revision.arn,
        desiredCount: preview.taskCount
      })
      observer.info(`updated service ${names.service} to ${revision.label}`)
    }
    return { taskDefinitionArn: revision.arn, label: revision.label, targetGroupArn: groupArn }
  } catch (error) {
    await undo(deps, made)
    if (error instanceof AwsLimitError)
      throw new PreviewLimitError(limitMessage(error, env, found.rules))
    throw error
  }
}

async function register(
  deps: PreviewDeps,
  rendered: TaskDefinition
): Promise<{ arn: string; label: string }> {
  const revision = await deps.ecs.registerTaskDefinition(rendered)
  const label = `${revision.family}:${revision.revision}`
  deps.observer.info(`registered ${label}`)
  return { arn: revision.arn, label }
}

/** What this run made, so that a failure before the service runs it can take it away again. */
interface Made {
  rule?: string
  group?: string
  revision?: string
}

async function undo(deps: PreviewDeps, made: Made): Promise<void> {
  const steps: [string | undefined, (arn: string) => Promise<void>][] = [
    [made.rule, (arn) => deps.elb.deleteRule(arn)],
    [made.group, (arn) => deps.elb.deleteTargetGroup(arn)],
    [made.revision, (arn) => deps.ecs.deregisterTaskDefinition(arn)]
  ]
  for (const [arn, remove] of steps) {
    if (!arn) continue
    try {
      await remove(arn)
    } catch (error) {
      deps.observer.warn(`could not remove ${arn} after the failure: ${errorText(error)}`)
    }
  }
}
