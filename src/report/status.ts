import type { StatusReport, SideStatus } from '../rollout/control/status.js'
import { scaleDownWords } from '../rollout/control/tidy.js'
import { doing } from '../rollout/durable/lock.js'
import { ownerWords, type RolloutRecord } from '../rollout/durable/record.js'
import { formatDuration } from './elapsed.js'
import { code, escapeMarkdown, table } from './markdown.js'
import { shortRevision, targetGroupName } from './names.js'
import { oneLine } from './text.js'

/** What `status` sets as the `rollout-phase` output: the stored phase, `none` or `unreadable`. */
export function statusPhase(report: StatusReport): string {
  return report.state.kind === 'record' ? report.state.record.phase : report.state.kind
}

/** The side with the traffic (the most of it), and the other one. */
export function statusSides(report: StatusReport): { live?: SideStatus; idle?: SideStatus } {
  const [a, b] = report.sides
  if (!a || !b) return {}
  if ((a.percent ?? 0) === 0 && (b.percent ?? 0) === 0) return {}
  return (a.percent ?? 0) >= (b.percent ?? 0) ? { live: a, idle: b } : { live: b, idle: a }
}

/** The state in one sentence: what the stored rollout is doing, and whether its run is alive. */
export function stateWords(report: StatusReport): string {
  const { state, lock } = report
  if (state.kind === 'none') return 'No rollout state is stored on this listener.'
  if (state.kind === 'unreadable')
    return `The stored rollout state is not usable: ${state.problem}.`
  const { record } = state
  const who = ownerWords(record.owner)
  switch (lock.kind) {
    case 'held':
      return `A rollout is in progress: ${who} is ${doing(record)} (last heartbeat ${ago(lock.silentMs)} ago).`
    case 'stale':
      return `A rollout was interrupted: ${who} stopped while ${doing(record)} and has sent no heartbeat for ${ago(lock.silentMs)}; the next deploy takes it over, or run command: promote or abort.`
    case 'paused':
      return `A rollout to ${record.idle.service} is paused at step ${(record.step ?? 0) + 1}: run command: promote to continue or command: abort to return all traffic to ${record.live.service}.`
    case 'free': {
      // when the old side is (or was) scaled down says more than the reason the run wrote then
      const said = scaleDownWords(record, report.at) ?? record.reason
      return `The last ${record.kind}, by ${who}, ${ENDED[record.phase] ?? `ended ${record.phase}`}${said ? `: ${said}` : ''}.`
    }
  }
}

const ENDED: Partial<Record<RolloutRecord['phase'], string>> = {
  promoted: 'was promoted',
  reverted: 'was reverted',
  aborted: 'was aborted',
  'rolled-back': 'rolled back'
}

function ago(ms: number): string {
  return formatDuration(ms)
}

/** The log lines of `status`. */
export function statusLines(report: StatusReport): string[] {
  const lines = [`Rollout state: ${oneLine(stateWords(report))}`]
  if (report.state.kind === 'record') lines.push(...recordLines(report.state.record))
  if (report.routeProblem)
    lines.push(`Could not read ${report.routeArn}: ${oneLine(report.routeProblem)}`)
  for (const side of report.sides) lines.push(oneLine(sideLine(side)))
  return lines
}

function recordLines(record: RolloutRecord): string[] {
  return [
    `Rollout ${record.rolloutId}: ${record.kind} from ${record.live.service} to ${record.idle.service}, phase ${record.phase}`,
    `Revision: ${record.revision ? shortRevision(record.revision) : 'not registered yet'}; previous revision: ${shortRevision(record.previousRevision)}`
  ]
}

function sideLine(side: SideStatus): string {
  if (side.problem && side.desiredCount === undefined) return `${side.service}: ${side.problem}`
  const parts = [
    side.percent === undefined ? 'not forwarded to' : `${side.percent}% of the traffic`,
    side.revision ?? 'no revision',
    `${side.runningCount ?? 0}/${side.desiredCount ?? 0} running`,
    side.targets === undefined ? '' : `${side.healthy ?? 0}/${side.targets} targets healthy`,
    side.problem ?? ''
  ]
  return `${side.service}: ${parts.filter((part) => part !== '').join(', ')}`
}

/** The job summary of `status`. */
export function statusSummary(report: StatusReport, runUrl?: string): string {
  const rows = report.sides.map((side) => [
    code(side.service),
    side.targetGroupArn ? code(targetGroupName(side.targetGroupArn)) : '',
    side.percent === undefined ? 'not forwarded to' : `${side.percent}%`,
    side.revision ? code(side.revision) : '',
    side.desiredCount === undefined ? '' : `${side.runningCount ?? 0}/${side.desiredCount}`,
    side.targets === undefined ? '' : `${side.healthy ?? 0}/${side.targets}`,
    escapeMarkdown(side.problem ?? '')
  ])
  const blocks = [
    '## ECS blue/green: Status',
    escapeMarkdown(stateWords(report)),
    report.routeProblem
      ? `**Could not read the listener:** ${escapeMarkdown(report.routeProblem)}`
      : '',
    table(
      ['Service', 'Target group', 'Traffic', 'Revision', 'Running', 'Healthy targets', ''],
      rows
    ),
    report.state.kind === 'record' ? recordSection(report.state.record) : '',
    'Nothing was changed.',
    runUrl && /^https?:\/\//.test(runUrl)
      ? `[Workflow run](${runUrl.replace(/[()]/g, encodeURIComponent)})`
      : ''
  ]
  return blocks.filter((block) => block !== '').join('\n\n') + '\n'
}

function recordSection(record: RolloutRecord): string {
  const items = [
    `Rollout: ${code(record.rolloutId)} (${record.kind})`,
    `Phase: ${code(record.phase)}`,
    `From ${code(record.live.service)} to ${code(record.idle.service)}`,
    `Revision: ${record.revision ? code(shortRevision(record.revision)) : 'not registered yet'}`,
    `Previous revision: ${code(shortRevision(record.previousRevision))}`,
    `Run: ${escapeMarkdown(ownerWords(record.owner))}`,
    `Last heartbeat: ${code(new Date(record.heartbeatAt).toISOString())}`,
    record.reason ? `Reason: ${escapeMarkdown(record.reason)}` : '',
    record.scaleDownAt === undefined
      ? ''
      : `Old side scale-down due: ${code(new Date(record.scaleDownAt).toISOString())}`,
    record.scaledDownAt === undefined
      ? ''
      : `Old side scaled down: ${code(new Date(record.scaledDownAt).toISOString())}`
  ]
  return [
    '### Stored state',
    items
      .filter((item) => item !== '')
      .map((item) => `- ${item}`)
      .join('\n')
  ].join('\n\n')
}
