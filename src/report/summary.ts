import type { TimelineEntry } from '../rollout/ports.js'
import type { RolloutOutcome, RolloutResultKind, Settings } from '../rollout/settings.js'
import { arnsSection, deploymentSection, servicesSection } from './deployment.js'
import { formatDuration } from './elapsed.js'
import { evidenceSection } from './evidence.js'
import { serviceEventsSection, stoppedTasksSection } from './failure.js'
import { code, codeBlock, escapeMarkdown } from './markdown.js'
import { migrationSection } from './migration.js'
import { serviceDeploymentSection } from './service-deployment.js'
import { shortRevision } from './names.js'
import { timelineSides } from './sides.js'
import { chartSection, timelineSection } from './timeline.js'

export interface SummaryInput {
  settings: Settings
  outcome: RolloutOutcome
  timeline: TimelineEntry[]
  startedAt: number
  finishedAt: number
  /** link to the workflow run; only http(s) URLs are linked */
  runUrl?: string
}

const STATUS: Record<RolloutResultKind, string> = {
  promoted: 'Promoted',
  reverted: 'Reverted',
  paused: 'Paused',
  planned: 'Planned',
  aborted: 'Aborted',
  'rolled-back': 'Rolled back',
  unchanged: 'Unchanged'
}

/** The job summary of one run, as GitHub-flavoured markdown. */
export function renderSummary(input: SummaryInput): string {
  const { settings, outcome, timeline, startedAt, finishedAt } = input
  const sides = timelineSides(outcome)
  const span = { startedAt, finishedAt }
  return (
    [
      `## ECS blue/green: ${STATUS[outcome.result]}`,
      lead(input),
      outcome.reason ? `**Reason:** ${escapeMarkdown(outcome.reason)}` : '',
      outcome.result === 'paused' ? howToContinue() : '',
      migrationSection(outcome.migration),
      serviceDeploymentSection(outcome.serviceDeployment),
      stoppedTasksSection(outcome.stoppedTasks),
      serviceEventsSection(outcome.serviceEvents),
      evidenceSection(outcome.evidence),
      deploymentSection(settings, outcome),
      servicesSection(settings, outcome, timeline),
      arnsSection(outcome),
      planSection(outcome.plan),
      outcome.result === 'planned' ? diffSection(outcome.taskDefinitionDiff) : '',
      timelineSection(timeline, sides, span),
      chartSection(timeline, sides, span),
      runLink(input.runUrl)
    ]
      .filter((block) => block !== '')
      .join('\n\n') + '\n'
  )
}

/** One sentence a reader can stop after: where the traffic is now and on what. */
function lead({ outcome, timeline, startedAt, finishedAt }: SummaryInput): string {
  const took = `Took ${formatDuration(finishedAt - startedAt)}.`
  const live = outcome.liveService ? `**${escapeMarkdown(outcome.liveService)}**` : ''
  const revision = outcome.taskDefinitionArn ? code(shortRevision(outcome.taskDefinitionArn)) : ''
  const previous = outcome.previousTaskDefinitionArn
    ? code(shortRevision(outcome.previousTaskDefinitionArn))
    : ''
  const onLive = live ? ` on ${live}` : ''
  switch (outcome.result) {
    case 'promoted':
      return `All traffic is${onLive || ' on the new side'}${revision ? `, running ${revision}` : ''}. ${took}`
    case 'reverted':
      return `The deploy was reverted: all traffic is back${onLive || ' on the previous side'}${previous ? `, running ${previous}` : ''}. ${took}`
    case 'paused': {
      const onNew = timeline.at(-1)?.idleWeight
      return `The rollout is paused${onNew === undefined ? '' : ` with ${onNew}% of the traffic on the new side`}${revision ? ` (${revision})` : ''}; the rest stays where it was until you continue. ${took}`
    }
    case 'planned':
      return 'Dry run: nothing was changed. This is what a deploy would do.'
    case 'aborted':
      return `The rollout was aborted: all traffic is${onLive || ' on the previous side'}. ${took}`
    case 'rolled-back':
      return `Rolled back: all traffic is${onLive || ' on the other side'}. ${took}`
    case 'unchanged':
      // command: tidy may have scaled an old side down: the deployment section says what it did
      return outcome.scaleDown
        ? `No traffic moved and no revision changed. ${took}`
        : `Nothing was changed. ${took}`
  }
}

function howToContinue(): string {
  return [
    '### To continue',
    `Run this workflow again with ${code('command: promote')} to move the rest of the traffic step by step, or with ${code('command: abort')} to put all of it back on the previous side.`
  ].join('\n\n')
}

function planSection(plan: string[]): string {
  const steps = plan.filter((line) => line.trim() !== '')
  if (steps.length === 0) return ''
  return ['### Plan', steps.map((line, i) => `${i + 1}. ${escapeMarkdown(line)}`).join('\n')].join(
    '\n\n'
  )
}

/** The diff holds no environment values (the engine leaves them out); it is shown verbatim. */
function diffSection(diff: string | undefined): string {
  if (diff === undefined) return ''
  return [
    '### Task definition changes',
    diff.trim() === ''
      ? 'The rendered task definition is the same as the live revision.'
      : codeBlock(diff, 'diff')
  ].join('\n\n')
}

function runLink(url: string | undefined): string {
  if (!url) return ''
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return ''
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return ''
  // a parenthesis would end the link destination early
  const href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29')
  return `[Workflow run](${href})`
}
