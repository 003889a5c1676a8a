const CONTEXT = 3

type Op = { kind: ' ' | '-' | '+'; line: string }

/**
 * A line diff of two texts: `- ` and `+ ` lines with up to three unchanged lines around them,
 * `  ...` between distant changes; '' when the texts are equal.
 */
export function lineDiff(before: string, after: string): string {
  const ops = diffOps(before.split('\n'), after.split('\n'))
  if (ops.every((op) => op.kind === ' ')) return ''
  const keep = ops.map((op, index) => op.kind !== ' ' || nearChange(ops, index))
  const out: string[] = []
  let inGap = false
  ops.forEach((op, index) => {
    if (keep[index]) out.push(`${op.kind} ${op.line}`.trimEnd())
    else if (!inGap) out.push('  ...')
    inGap = !keep[index]
  })
  return out.join('\n')
}

function nearChange(ops: Op[], index: number): boolean {
  const from = Math.max(0, index - CONTEXT)
  const to = Math.min(ops.length - 1, index + CONTEXT)
  for (let i = from; i <= to; i++) if (ops[i]?.kind !== ' ') return true
  return false
}

/** Longest common subsequence over the lines between the common head and tail. */
function diffOps(a: string[], b: string[]): Op[] {
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++
  }
  const midA = a.slice(head, a.length - tail)
  const midB = b.slice(head, b.length - tail)
  const n = midA.length
  const m = midB.length
  // lengths[i * (m + 1) + j]: LCS length of midA[i..] and midB[j..]
  const lengths = new Uint32Array((n + 1) * (m + 1))
  const at = (i: number, j: number): number => lengths[i * (m + 1) + j] ?? 0
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        midA[i] === midB[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1))
    }
  }
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }))
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      ops.push({ kind: ' ', line: midA[i++] ?? '' })
      j++
    } else if (i < n && (j >= m || at(i + 1, j) >= at(i, j + 1))) {
      ops.push({ kind: '-', line: midA[i++] ?? '' })
    } else {
      ops.push({ kind: '+', line: midB[j++] ?? '' })
    }
  }
  for (const line of a.slice(a.length - tail)) ops.push({ kind: ' ', line })
  return ops
}
