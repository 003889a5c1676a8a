import type { StoppedTaskReport } from '../rollout/settings.js'
import { code, escapeMarkdown, table } from './markdown.js'
import { taskId } from './names.js'

/** ECS keeps the newest events first; past a handful they are history, not the cause. */
const MAX_EVENTS = 10

/** Why the new tasks died: what ECS said, the stop code and each container's exit. */
export function stoppedTasksSection(tasks: StoppedTaskReport[]): string {
  if (tasks.length === 0) return ''
  const rows = tasks.map((task) => [
    code(taskId(task.taskArn)),
    task.stopCode ? code(task.stopCode) : '',
    escapeMarkdown(task.stoppedReason ?? ''),
    escapeMarkdown(task.containers.map(containerExit).join('; '))
  ])
  return [
    '### Stopped tasks',
    table(['Task', 'Stop code', 'Stopped because', 'Containers'], rows)
  ].join('\n\n')
}

function containerExit(container: StoppedTaskReport['containers'][number]): string {
  const exit = container.exitCode === undefined ? 'no exit code' : `exit ${container.exitCode}`
  return `${container.name}: ${exit}${container.reason ? ` (${container.reason})` : ''}`
}

export function serviceEventsSection(events: string[]): string {
  events = events.filter((event) => event.trim() !== '')
  if (events.length === 0) return ''
  const shown = events.slice(0, MAX_EVENTS).map((event) => `- ${escapeMarkdown(event)}`)
  const more = events.length - MAX_EVENTS
  if (more > 0) shown.push(`- and ${more} older`)
  return ['### Recent service events', shown.join('\n')].join('\n\n')
}
