import type { TimelineEntry } from '../rollout/ports.js'
import type { RolloutOutcome, Settings, TrafficStep } from '../rollout/settings.js'
import { formatDuration } from './elapsed.js'
import { code, escapeMarkdown, table } from './markdown.js'
import { shortRevision, targetGroupName } from './names.js'
import { timelineSides } from './sides.js'

/** What went out: image, revisions, cluster and how the traffic was to move. */
export function deploymentSection(settings: Settings, outcome: RolloutOutcome): string {
  const image = outcome.image ?? settings.release.image
  const images = (settings.release.images ?? []).map((i) => `${i.container}=${i.image}`)
  const items = [
    image ? `Image: ${code(image)}` : '',
    images.length > 0 ? `Images: ${images.map(code).join(', ')}` : '',
    outcome.taskDefinitionArn ? `Revision: ${code(shortRevision(outcome.taskDefinitionArn))}` : '',
    outcome.previousTaskDefinitionArn
      ? `Previous revision: ${code(shortRevision(outcome.previousTaskDefinitionArn))}`
      : '',
    `Cluster: ${code(settings.cluster)}`,
    settings.managed
      ? `Steps: ECS's own, as the service's deploymentConfiguration sets them; timeout ${formatDuration(settings.timeoutMs)}`
      : `Steps: ${stepsInWords(settings.steps)}, baking ${formatDuration(settings.stepWaitMs)} at each; timeout ${formatDuration(settings.timeoutMs)}`,
    outcome.scaleDown ? `Old side scale-down: ${escapeMarkdown(outcome.scaleDown)}` : '',
    outcome.autoScaling ? `Auto scaling: ${escapeMarkdown(outcome.autoScaling)}` : '',
    outcome.revisions ? `Old revisions: ${escapeMarkdown(outcome.revisions)}` : '',
    ...(outcome.interruptedTasks ?? []).map(
      (words) => `Replaced by ECS, not a failure of the release: ${escapeMarkdown(words)}`
    )
  ]
  return [
    '### Deployment',
    items
      .filter((item) => item !== '')
      .map((item) => `- ${item}`)
      .join('\n')
  ].join('\n\n')
}

function stepsInWords(steps: TrafficStep[]): string {
  return steps.map((step) => (step.kind === 'pause' ? 'pause' : `${step.percent}%`)).join(' → ')
}

/** The pair in the order the user named it, with where the traffic is after the run. */
export function servicesSection(
  settings: Settings,
  outcome: RolloutOutcome,
  timeline: TimelineEntry[]
): string {
  // one service that ECS deploys itself: its service deployment section says where it is
  if (settings.managed) return ''
  const traffic = trafficAfterRun(outcome, timeline)
  const rows = settings.services.map((service) => {
    const side =
      service === outcome.liveService ? 'live' : service === outcome.idleService ? 'idle' : ''
    const targetGroup =
      side === 'live'
        ? outcome.liveTargetGroupArn
        : side === 'idle'
          ? outcome.idleTargetGroupArn
          : undefined
    const percent = traffic.get(service)
    return [
      code(service),
      targetGroup ? code(targetGroupName(targetGroup)) : '',
      side === '' ? '' : percent === undefined ? side : `${side} (${percent}%)`
    ]
  })
  return ['### Services', table(['Service', 'Target group', 'After the run'], rows)].join('\n\n')
}

/** Traffic % per service from the last timeline entry, where the result says which is which. */
function trafficAfterRun(outcome: RolloutOutcome, timeline: TimelineEntry[]): Map<string, number> {
  const last = timeline.at(-1)
  const sides = timelineSides(outcome)
  const traffic = new Map<string, number>()
  if (!last) return traffic
  if (sides.old !== undefined) traffic.set(sides.old, last.liveWeight)
  if (sides.new !== undefined) traffic.set(sides.new, last.idleWeight)
  return traffic
}

/** Short names above keep the page readable; the full ARNs are one click away. */
export function arnsSection(outcome: RolloutOutcome): string {
  const arns: [string, string | undefined][] = [
    ['Revision', outcome.taskDefinitionArn],
    ['Previous revision', outcome.previousTaskDefinitionArn],
    [`Target group of ${outcome.liveService ?? 'the live side'}`, outcome.liveTargetGroupArn],
    [`Target group of ${outcome.idleService ?? 'the idle side'}`, outcome.idleTargetGroupArn]
  ]
  const items = arns
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([what, arn]) => `- ${escapeMarkdown(what)}: ${code(arn)}`)
  if (items.length === 0) return ''
  return ['<details>\n<summary>Full ARNs</summary>', items.join('\n'), '</details>'].join('\n\n')
}
