/** Durations as the inputs write them: `250ms`, `30s`, `5m`, `1h`, and compounds like `1h30m`. */

const UNITS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1]
] as const

const PART = /(\d+)(ms|h|m|s)/y

/**
 * Milliseconds, or undefined when the text is not a duration. Units go from the largest to the
 * smallest, each at most once (`1m30s`, not `30s1m`); a bare number is refused because its unit
 * would be a guess.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  let total = 0
  let lastUnit = -1
  PART.lastIndex = 0
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed)
    if (!match) return undefined
    const unit = UNITS.findIndex(([name]) => name === match[2])
    const size = UNITS[unit]?.[1]
    if (size === undefined || unit <= lastUnit) return undefined
    lastUnit = unit
    total += Number(match[1]) * size
  }
  return Number.isSafeInteger(total) ? total : undefined
}

/** The shortest way to write ms in the same notation: `1m30s`, `45s`, `250ms`, `2h`, `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms < 0) return `-${formatDuration(-ms)}`
  let rest = Math.round(ms)
  const parts: string[] = []
  for (const [name, size] of UNITS) {
    const count = Math.floor(rest / size)
    rest -= count * size
    if (count > 0) parts.push(`${count}${name}`)
  }
  return parts.length === 0 ? '0s' : parts.join('')
}
