/**
 * Hides environment values and secret references from a printed task definition: the logs of a
 * public repository are public. On the `after` side, a value that differs from the same entry's
 * value before is masked as `*** (changed)`, so that a diff still shows that it changed, and
 * nothing of what it was.
 */
export const MASK = '***'
export const MASK_CHANGED = '*** (changed)'

type Leaf = (path: string, value: unknown) => unknown

export function maskSecrets(before: unknown, after: unknown): [unknown, unknown] {
  const beforeValues = secretValues(before)
  const changed: Leaf = (path, value) =>
    beforeValues.has(path) && beforeValues.get(path) !== value ? MASK_CHANGED : MASK
  return [walk(before, '', '', () => MASK), walk(after, '', '', changed)]
}

function secretValues(tree: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>()
  walk(tree, '', '', (path, value) => values.set(path, value))
  return values
}

/**
 * Copies the tree, passing each secret leaf through `leaf`. Array entries are identified by
 * their `name` when they have one, so a value is compared with the same variable on the other
 * side even when variables were added before it.
 */
function walk(node: unknown, path: string, arrayKey: string, leaf: Leaf): unknown {
  if (Array.isArray(node)) {
    return node.map((item, index) => walk(item, `${path}[${entryId(item, index)}]`, arrayKey, leaf))
  }
  if (typeof node !== 'object' || node === null) return node
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}/${key}`
    copy[key] = isSecret(key, arrayKey) ? leaf(at, value) : walk(value, at, key, leaf)
  }
  return copy
}

/** `value` of an environment entry, and every `valueFrom` (secrets, log driver secretOptions). */
function isSecret(key: string, arrayKey: string): boolean {
  return key === 'valueFrom' || (key === 'value' && arrayKey === 'environment')
}

function entryId(item: unknown, index: number): string {
  if (
    typeof item === 'object' &&
    item !== null &&
    'name' in item &&
    typeof item.name === 'string'
  ) {
    return `name=${JSON.stringify(item.name)}`
  }
  return String(index)
}
