import type { RolloutOutcome } from '../rollout/settings.js'
import { migrationLogLine } from './migration.js'
import { shortRevision, taskId } from './names.js'
import { oneLine } from './text.js'

/** Stopped tasks named in the log; the summary has them all. */
const MAX_TASKS = 3

/**
 * The run's last log lines: result, reason, revisions and what to run next. Text from outside
 * is kept to one line, so nothing it holds can start a line of its own (a `::` workflow command).
 */
export function outcomeLines(outcome: RolloutOutcome): string[] {
  const lines = [`Result: ${outcome.result}`]
  if (outcome.reason) lines.push(`Reason: ${oneLine(outcome.reason)}`)
  if (outcome.taskDefinitionArn) lines.push(`Revision: ${revision(outcome.taskDefinitionArn)}`)
  if (outcome.previousTaskDefinitionArn)
    lines.push(`Previous revision: ${revision(outcome.previousTaskDefinitionArn)}`)
  if (outcome.liveService || outcome.idleService)
    lines.push(
      `Live service: ${oneLine(outcome.liveService ?? 'unknown')}; idle service: ${oneLine(outcome.idleService ?? 'unknown')}`
    )
  if (outcome.result === 'planned') lines.push(...plannedLines(outcome))
  const migration = migrationLogLine(outcome.migration)
  if (migration) lines.push(migration)
  for (const task of outcome.stoppedTasks.slice(0, MAX_TASKS)) lines.push(stoppedTask(task))
  if (outcome.stoppedTasks.length > MAX_TASKS)
    lines.push(`${outcome.stoppedTasks.length - MAX_TASKS} more stopped tasks: see the job summary`)
  if (outcome.scaleDown) lines.push(`Old side: ${oneLine(outcome.scaleDown)}`)
  if (outcome.autoScaling) lines.push(`Auto scaling: ${oneLine(outcome.autoScaling)}`)
  if (outcome.revisions) lines.push(`Old revisions: ${oneLine(outcome.revisions)}`)
  for (const words of outcome.interruptedTasks ?? [])
    lines.push(`Replaced by ECS, not a failure of the release: ${oneLine(words)}`)
  const next = nextStep(outcome)
  if (next) lines.push(next)
  return lines
}

/**
 * A dry run's plan and task definition diff, as the summary has them: numbered steps, then the
 * diff indented, one log line per diff line (the diff holds no environment values).
 */
function plannedLines(outcome: RolloutOutcome): string[] {
  const lines: string[] = []
  const steps = outcome.plan.filter((line) => line.trim() !== '')
  if (steps.length > 0) {
    lines.push('Plan:')
    steps.forEach((line, i) => lines.push(`  ${i + 1}. ${oneLine(line)}`))
  }
  const diff = outcome.taskDefinitionDiff
  if (diff === undefined) return lines
  if (diff.trim() === '') {
    lines.push('Task definition changes: none (the same as the live revision)')
    return lines
  }
  lines.push('Task definition changes (- live revision, + new revision):')
  for (const line of diff.replace(/\n+$/, '').split(/\r\n|\r|\n/)) lines.push(`  ${oneLine(line)}`)
  return lines
}

function revision(arn: string): string {
  const short = shortRevision(arn)
  return oneLine(short === arn ? arn : `${short} (${arn})`)
}

function stoppedTask(task: RolloutOutcome['stoppedTasks'][number]): string {
  const exits = task.containers
    .filter((container) => container.exitCode !== undefined || container.reason)
    .map((container) => {
      const exit = container.exitCode === undefined ? '' : `exit ${container.exitCode}`
      const said = container.reason ? `(${container.reason})` : ''
      return `${container.name}: ${[exit, said].filter(Boolean).join(' ')}`
    })
  const parts = [task.stopCode, task.stoppedReason, ...exits].filter(Boolean)
  return oneLine(`Stopped task ${taskId(task.taskArn)}: ${parts.join('; ') || 'no reason given'}`)
}

function nextStep(outcome: RolloutOutcome): string {
  switch (outcome.result) {
    case 'promoted':
      return 'To go back to the previous revision: run with command: rollback'
    case 'reverted':
      return 'The previous side kept running throughout. Fix the cause and deploy again.'
    case 'paused':
      return 'To continue: run again with command: promote. To put all traffic back: command: abort'
    case 'planned':
      return 'Dry run: nothing was changed. Run without dry-run to deploy.'
    case 'aborted':
    case 'rolled-back':
    case 'unchanged':
      return ''
  }
}
