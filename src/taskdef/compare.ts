import type { TaskDefinition } from '../rollout/ports.js'
import { lineDiff } from './line-diff.js'
import { maskSecrets } from './mask.js'
import { normalizeTaskDefinition } from './normalize.js'

/**
 * Whether registering `b` would give what `a` already is: equal after read-only fields are
 * dropped, ignoring key order, the order of environment and secrets entries, and null or empty
 * fields (see normalizeTaskDefinition).
 */
export function sameTaskDefinition(a: TaskDefinition, b: TaskDefinition): boolean {
  return stableJson(normalizeTaskDefinition(a)) === stableJson(normalizeTaskDefinition(b))
}

/**
 * A line diff (`- ` / `+ ` lines with a little context) of the two definitions as pretty JSON,
 * normalized as sameTaskDefinition compares them; '' when they are the same. Environment values
 * and secret references are printed as `***`, or `*** (changed)` where they differ.
 */
export function diffTaskDefinitions(before: TaskDefinition, after: TaskDefinition): string {
  if (sameTaskDefinition(before, after)) return ''
  const [maskedBefore, maskedAfter] = maskSecrets(
    normalizeTaskDefinition(before),
    normalizeTaskDefinition(after)
  )
  return lineDiff(stableJson(maskedBefore), stableJson(maskedAfter))
}

/** normalizeTaskDefinition already sorted the keys, so plain stringify is stable. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
}
