import type { AwsLimitError } from './errors.js'
import { previewRules, prsWithRules, type ListenerRules } from './find.js'
import type { PreviewEnvironment } from './names.js'

const GC = 'remove the previews of closed pull requests with command: preview-gc'

/** `...:listener/app/web-alb/50dc.../f2f7...` -> `web-alb/f2f7...` */
function listenerName(arn: string): string {
  const parts = arn.split('/')
  return parts.length >= 4 ? `${parts.at(-3)}/${parts.at(-1)}` : arn
}

function prList(prs: number[]): string {
  const shown = prs.slice(0, 20).map((pr) => `#${pr}`)
  return prs.length > shown.length
    ? `${shown.join(', ')} and ${prs.length - shown.length} more`
    : shown.join(', ')
}

/**
 * What a quota that stopped a preview means, and what to clean up, in the user's words. The
 * caller has already undone what the run made.
 */
export function limitMessage(
  error: AwsLimitError,
  env: PreviewEnvironment,
  rules: ListenerRules
): string {
  const ours = previewRules(rules, env).length
  const prs = [...new Set(prsWithRules(rules, env))].sort((a, b) => a - b)
  const previews =
    ours > 0
      ? `${ours} of them ${ours === 1 ? 'is a preview' : 'are previews'} of this pair (PRs ${prList(prs)})`
      : 'none of them is a preview of this pair'
  switch (error.code) {
    case 'TooManyRulesException': {
      const count = rules.rules.filter((rule) => rule.priority !== 'default').length
      return (
        `listener ${listenerName(rules.listenerArn)} has no room for another rule: it has ${count} ` +
        `rules besides its default one (AWS allows 100 unless the quota was raised) and ${previews}; ` +
        `${GC}, delete rules that are no longer needed, or ask AWS to raise the ` +
        `'Rules per Application Load Balancer' quota (${error.message})`
      )
    }
    case 'TooManyTargetGroupsException':
      return (
        `the region has as many target groups as its quota allows; ${GC}, delete target groups ` +
        `nothing uses, or ask AWS to raise the 'Target Groups per Region' quota (${error.message})`
      )
    case 'TargetGroupAssociationLimitException':
    case 'TooManyUniqueTargetGroupsPerLoadBalancerException':
      return (
        `the load balancer forwards to as many target groups as its quota allows (${previews}); ` +
        `${GC}, or ask AWS to raise the 'Target Groups per Application Load Balancer' quota (${error.message})`
      )
    default:
      return `an AWS quota was reached (${error.code}: ${error.message}); ${GC}, or ask AWS to raise the quota`
  }
}

export function noFreePriorityMessage(
  range: { min: number; max: number },
  env: PreviewEnvironment,
  rules: ListenerRules
): string {
  const size = range.max - range.min + 1
  const previews = previewRules(rules, env).length
  return (
    `no free rule priority in preview-rule-priorities ${range.min}-${range.max} on listener ` +
    `${listenerName(rules.listenerArn)}: all ${size} are taken (${previews} by previews of this pair); ` +
    `${GC}, or widen preview-rule-priorities`
  )
}
