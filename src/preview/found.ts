import type { TaskDefinition } from '../rollout/ports.js'
import type { PreviewSettings, Settings } from '../rollout/settings.js'
import { sameTaskDefinition } from '../taskdef/compare.js'
import { previewAddress, previewUrl } from './address.js'
import { readBase, type Base } from './base.js'
import { renderPreviewRevision } from './clone.js'
import {
  findPreviewService,
  findPreviewTargetGroup,
  previewRules,
  readListenerRules,
  type ListenerRules
} from './find.js'
import { previewNames, previewTags, type PreviewEnvironment, type PreviewNames } from './names.js'
import type { PreviewDeps, RuleView, ServiceTemplate } from './ports.js'

/** Everything read before the first change: a refusal or a dry run stops here. */
export interface Found {
  names: PreviewNames
  base: Base
  url: string
  rules: ListenerRules
  ownRules: RuleView[]
  service?: ServiceTemplate
  targetGroupArn?: string
  rendered: TaskDefinition
  /** the service already runs exactly the rendered revision */
  same: boolean
}

export async function findPreview(
  settings: Settings,
  preview: PreviewSettings,
  deps: PreviewDeps,
  env: PreviewEnvironment,
  pr: number
): Promise<Found> {
  const { ecs, elb } = deps
  const names = previewNames(env, pr)
  const address = previewAddress(preview, pr)
  const [base, listener, rules, service, group] = await Promise.all([
    readBase(settings, ecs, elb),
    elb.describeListener(preview.listenerArn),
    readListenerRules(elb, preview.listenerArn),
    findPreviewService(ecs, env, names),
    findPreviewTargetGroup(elb, env, names)
  ])
  const dns = address.host ? '' : await elb.loadBalancerDnsName(listener.loadBalancerArn)
  const source =
    settings.release.taskDefinition ??
    (await ecs.describeTaskDefinition(
      settings.release.taskDefinitionRevision ?? base.service.taskDefinitionArn
    ))
  const rendered = renderPreviewRevision(
    source,
    settings.release,
    names.family,
    previewTags(env, pr)
  )
  const active = service?.status === 'ACTIVE' ? service : undefined
  const current = active ? await ecs.describeTaskDefinition(active.taskDefinitionArn) : undefined
  return {
    names,
    base,
    url: previewUrl(address, listener, dns),
    rules,
    ownRules: previewRules(rules, env, pr),
    ...(service ? { service } : {}),
    ...(group ? { targetGroupArn: group.arn } : {}),
    rendered,
    same: current !== undefined && sameTaskDefinition(rendered, current)
  }
}

export function plannedChanges(
  found: Found,
  active: ServiceTemplate | undefined,
  preview: PreviewSettings
): string[] {
  const { names } = found
  const changes: string[] = []
  if (!found.targetGroupArn) changes.push(`create target group ${names.targetGroup}`)
  if (found.ownRules.length === 0) changes.push(`add a rule to the listener for ${found.url}`)
  if (!found.same) changes.push(`register a revision of ${names.family}`)
  if (!active) changes.push(`create service ${names.service} with ${preview.taskCount} tasks`)
  else if (!found.same) changes.push(`update service ${names.service} to the new revision`)
  else if (active.desiredCount !== preview.taskCount) {
    changes.push(`scale service ${names.service} to ${preview.taskCount} tasks`)
  }
  return changes
}
