const LIMIT = 60

/**
 * A value as messages show it: in quotes, control characters escaped so that a log line stays
 * one line, and cut short so that a pasted blob does not flood the log.
 */
export function quote(value: string, limit = LIMIT): string {
  const cut = value.length > limit ? `${value.slice(0, limit)}…` : value
  const escaped = JSON.stringify(cut).slice(1, -1).replace(/\\"/g, '"')
  return `'${escaped}'`
}
