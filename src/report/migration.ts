import type { MigrationReport } from '../rollout/settings.js'
import { formatDuration } from './elapsed.js'
import { code, escapeMarkdown } from './markdown.js'
import { taskId } from './names.js'
import { oneLine } from './text.js'

/** The one-off task (migration-command) in the job summary: what ran, how it ended, its logs. */
export function migrationSection(report: MigrationReport | undefined): string {
  if (!report) return ''
  const lines = [
    `- Command: ${code(report.command.join(' ')) || '(as recorded)'} in container ${code(report.container) || '(unknown)'}`,
    report.taskArn ? `- Task: ${code(taskId(report.taskArn))}` : '- Task: not started',
    `- Result: **${report.result === 'succeeded' ? 'succeeded' : 'failed'}**`,
    `- Exit code: ${report.exitCode === undefined ? 'none reported' : code(String(report.exitCode))}`,
    report.stoppedReason
      ? `- Stop reason: ${escapeMarkdown(report.stoppedReason)}${report.stopCode ? ` (${code(report.stopCode)})` : ''}`
      : '',
    report.ranMs !== undefined ? `- Ran for ${formatDuration(report.ranMs)}` : '',
    logsLine(report.logsUrl)
  ].filter((line) => line !== '')
  return ['### Migration task', lines.join('\n')].join('\n\n')
}

/** The same in one log line. */
export function migrationLogLine(report: MigrationReport | undefined): string | undefined {
  if (!report) return undefined
  const task = report.taskArn ? `task ${taskId(report.taskArn)}` : 'not started'
  const exit = report.exitCode === undefined ? 'no exit code' : `exit code ${report.exitCode}`
  const why = report.stoppedReason ? `; ${report.stoppedReason}` : ''
  const logs = report.logsUrl ? `; logs: ${report.logsUrl}` : ''
  return oneLine(
    `Migration (${report.command.join(' ')}): ${report.result}, ${task}, ${exit}${why}${logs}`
  )
}

function logsLine(url: string | undefined): string {
  if (!url) return ''
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return ''
  }
  if (parsed.protocol !== 'https:') return ''
  // the console's own escapes ($25...) are kept; a parenthesis would end the link early
  const href = url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\s/g, '%20')
  return `- [Logs in CloudWatch](${href})`
}
