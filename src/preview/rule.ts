import { createHash } from 'node:crypto'
import type { RolloutObserver } from '../rollout/ports.js'
import { AwsLimitError, PreviewLimitError, PriorityTakenError } from './errors.js'
import { readListenerRules, type ListenerRules } from './find.js'
import { limitMessage, noFreePriorityMessage } from './limits.js'
import type { PreviewEnvironment } from './names.js'
import type { NewRule, PreviewElbPort } from './ports.js'

/** Runs for other PRs may take the same priorities at the same moment; a few rounds settle it. */
const ATTEMPTS = 8

/**
 * Adds the preview's rule at a free priority of the range. Each PR starts looking at its own
 * place in the range (a stable hash), so that runs for different PRs at the same moment rarely
 * want the same priority; when one does (PriorityInUse), the rules are read again and the next
 * free one is tried. A quota becomes a PreviewLimitError that says what to clean up.
 */
export async function addRule(
  elb: PreviewElbPort,
  observer: RolloutObserver,
  rule: Omit<NewRule, 'priority'>,
  range: { min: number; max: number },
  env: PreviewEnvironment,
  pr: number,
  found: ListenerRules
): Promise<{ arn: string; priority: number }> {
  let rules = found
  const tried = new Set<number>()
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const taken = new Set([
      ...tried,
      ...rules.rules.flatMap((r) => (r.priority === 'default' ? [] : [r.priority]))
    ])
    const priority = freePriority(range, taken, startOf(range, env, pr))
    if (priority === undefined) {
      throw new PreviewLimitError(noFreePriorityMessage(range, env, rules))
    }
    try {
      const arn = await elb.createRule({ ...rule, priority })
      return { arn, priority }
    } catch (error) {
      if (error instanceof AwsLimitError)
        throw new PreviewLimitError(limitMessage(error, env, rules))
      if (!(error instanceof PriorityTakenError)) throw error
      observer.info(`rule priority ${priority} was taken meanwhile; looking for another`)
      tried.add(priority)
      rules = await readListenerRules(elb, rule.listenerArn)
    }
  }
  throw new Error(
    `could not add a rule to ${rule.listenerArn}: the priorities tried (${[...tried].join(', ')}) ` +
      'were each taken by another rule just before; try again'
  )
}

function startOf(range: { min: number; max: number }, env: PreviewEnvironment, pr: number): number {
  const size = range.max - range.min + 1
  const hash = Number.parseInt(
    createHash('sha256').update(`${env.hash}#${pr}`).digest('hex').slice(0, 8),
    16
  )
  return range.min + (hash % size)
}

/** The first priority at or after `start` that is not taken, wrapping around the range. */
export function freePriority(
  range: { min: number; max: number },
  taken: Set<number>,
  start: number
): number | undefined {
  const size = range.max - range.min + 1
  for (let i = 0; i < size; i++) {
    const priority = range.min + ((start - range.min + i) % size)
    if (!taken.has(priority)) return priority
  }
  return undefined
}
