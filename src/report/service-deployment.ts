import type { ServiceDeploymentReport } from '../rollout/settings.js'
import { code, escapeMarkdown, table } from './markdown.js'

/** The service deployment ECS ran: its status, stage, hooks and the alarms that fired. */
export function serviceDeploymentSection(report: ServiceDeploymentReport | undefined): string {
  if (!report) return ''
  const lines = [
    '### ECS service deployment',
    `${code(report.arn)}: **${escapeMarkdown(report.status)}**` +
      (report.stage ? ` at ${code(report.stage)}` : '')
  ]
  if (report.pausedHook) {
    const expires =
      report.pausedHook.expiresAt === undefined
        ? ''
        : `; ECS acts on its own at ${new Date(report.pausedHook.expiresAt).toISOString()} (${escapeMarkdown(report.pausedHook.timeoutAction ?? 'its timeout action')})`
    lines.push(
      `Waiting at hook ${code(report.pausedHook.id)}${expires}. Run the action with ` +
        '`command: promote` to continue it, or `command: abort` to roll it back.'
    )
  }
  if (report.hooks.length > 0) {
    lines.push(
      table(
        ['Hook', 'Type', 'Target', 'State'],
        report.hooks.map((hook) => [
          code(hook.id),
          code(hook.targetType),
          hook.targetArn ? code(hook.targetArn) : '',
          code(hook.status)
        ])
      )
    )
  }
  if (report.triggeredAlarms.length > 0) {
    lines.push(`Alarms in ALARM: ${report.triggeredAlarms.map((name) => code(name)).join(', ')}`)
  }
  return lines.join('\n\n')
}
