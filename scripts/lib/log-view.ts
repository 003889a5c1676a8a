/**
 * Shows an action's stdout as the GitHub log would: workflow commands (`::group::`,
 * `::warning::`, `::save-state` ...) rendered or hidden, their %-escapes decoded, and each line
 * indented under its group.
 */
const unescape = (text: string): string =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')

export function renderLogLine(line: string): string | null {
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
  if (!command) return `    ${line}`
  const [, name, message] = command
  switch (name) {
    case 'group':
      return `  > ${unescape(message ?? '')}`
    case 'warning':
      return `    warning: ${unescape(message ?? '')}`
    case 'error':
      return `    error: ${unescape(message ?? '')}`
    case 'notice':
      return `    notice: ${unescape(message ?? '')}`
    default:
      return null // endgroup, save-state, set-output, debug: not shown in a log
  }
}

/** A stdout sink that renders complete lines as they arrive. */
export function logViewer(write: (text: string) => void): (chunk: string) => void {
  let pending = ''
  return (chunk) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const shown = renderLogLine(line)
      if (shown !== null) write(`${shown}\n`)
    }
  }
}
