import type { SideHealth, TimelineEntry } from '../rollout/ports.js'
import { formatDuration } from './elapsed.js'
import { escapeMarkdown, table } from './markdown.js'
import { weightChart } from './mermaid.js'
import type { TimelineSides } from './sides.js'

export interface RunSpan {
  startedAt: number
  finishedAt: number
}

/** Every entry the engine recorded, with elapsed time since the run started. */
export function timelineSection(
  timeline: TimelineEntry[],
  sides: TimelineSides,
  span: RunSpan
): string {
  if (timeline.length === 0) return ''
  const old = sides.old ? escapeMarkdown(sides.old) : 'old'
  const fresh = sides.new ? escapeMarkdown(sides.new) : 'new'
  const rows = timeline.map((entry) => [
    formatDuration(entry.at - span.startedAt),
    escapeMarkdown(entry.event),
    `${entry.liveWeight}% / ${entry.idleWeight}%`,
    health(entry.live),
    health(entry.idle)
  ])
  return [
    '### Timeline',
    table(
      ['Elapsed', 'Event', `Traffic ${old} / ${fresh}`, `Healthy ${old}`, `Healthy ${fresh}`],
      rows
    )
  ].join('\n\n')
}

function health(side: SideHealth): string {
  return `${side.healthy}/${side.total}`
}

/** The chart, and a caption that tells its two lines apart (Mermaid draws no legend). */
export function chartSection(
  timeline: TimelineEntry[],
  sides: TimelineSides,
  span: RunSpan
): string {
  const old = sides.old ?? 'old side'
  const fresh = sides.new ?? 'new side'
  const chart = weightChart(timeline, { live: old, idle: fresh }, span)
  const first = timeline[0]
  if (!chart || !first) return ''
  return [
    '### Traffic',
    chart,
    `${escapeMarkdown(old)} starts at ${first.liveWeight}%, ${escapeMarkdown(fresh)} at ${first.idleWeight}%.`
  ].join('\n\n')
}
