import { TopologyError } from '../rollout/errors.js'
import {
  isOurs,
  prOfTags,
  TAG_ENVIRONMENT,
  type PreviewEnvironment,
  type PreviewNames
} from './names.js'
import type {
  PreviewEcsPort,
  PreviewElbPort,
  RuleView,
  ServiceTemplate,
  Tags,
  TargetGroupTemplate
} from './ports.js'

/**
 * Finding a preview's parts again. A resource counts as a preview's only when its tags say so:
 * a service or target group that merely has the name is someone else's and is never changed.
 */

export interface ListenerRules {
  listenerArn: string
  /** every rule, the default one included */
  rules: RuleView[]
  tags: Map<string, Tags>
}

export async function readListenerRules(
  elb: PreviewElbPort,
  listenerArn: string
): Promise<ListenerRules> {
  const rules = await elb.listRules(listenerArn)
  const numbered = rules.filter((rule) => rule.priority !== 'default').map((rule) => rule.arn)
  const tags = numbered.length > 0 ? await elb.tagsOf(numbered) : new Map<string, Tags>()
  return { listenerArn, rules, tags }
}

/** The rules of this environment's previews (of one PR, when given), lowest priority first. */
export function previewRules(
  found: ListenerRules,
  env: PreviewEnvironment,
  pr?: number
): RuleView[] {
  return found.rules
    .filter((rule) => isOurs(found.tags.get(rule.arn), env, pr))
    .sort((a, b) => Number(a.priority) - Number(b.priority))
}

/** PR numbers that have a rule on the listener. */
export function prsWithRules(found: ListenerRules, env: PreviewEnvironment): number[] {
  return found.rules.flatMap((rule) => {
    const pr = prOfTags(found.tags.get(rule.arn), env)
    return pr === undefined ? [] : [pr]
  })
}

/** The preview's service, unless there is none or it is INACTIVE (deleted). */
export async function findPreviewService(
  ecs: PreviewEcsPort,
  env: PreviewEnvironment,
  names: PreviewNames
): Promise<ServiceTemplate | undefined> {
  const service = await ecs.describeService(env.cluster, names.service)
  if (!service || service.status === 'INACTIVE') return undefined
  // a DRAINING one is on its way out and is only waited for, whoever made it
  if (service.status === 'ACTIVE' && !isOurs(service.tags, env, names.pr)) {
    throw notOurs('service', names.service, env)
  }
  return service
}

export async function findPreviewTargetGroup(
  elb: PreviewElbPort,
  env: PreviewEnvironment,
  names: PreviewNames
): Promise<TargetGroupTemplate | undefined> {
  const group = await elb.findTargetGroup(names.targetGroup)
  if (!group) return undefined
  const tags = (await elb.tagsOf([group.arn])).get(group.arn)
  if (!isOurs(tags, env, names.pr)) throw notOurs('target group', names.targetGroup, env)
  return group
}

function notOurs(what: string, name: string, env: PreviewEnvironment): TopologyError {
  return new TopologyError(
    `a ${what} named ${name} exists but is not this pull request's preview (it lacks the tag ` +
      `${TAG_ENVIRONMENT}=${env.hash}); it was left alone: rename or remove it, or preview another pair`
  )
}
