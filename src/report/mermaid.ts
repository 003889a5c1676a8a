import type { TimelineEntry } from '../rollout/ports.js'
import { formatDuration } from './elapsed.js'

export interface ChartLabels {
  /** the side that was live when the run started */
  live: string
  /** the side being deployed */
  idle: string
}

/** The run's edges: elapsed times count from `startedAt`, the last weights hold to `finishedAt`. */
export interface ChartSpan {
  startedAt?: number
  finishedAt?: number
}

interface Point {
  label: string
  live: number
  idle: number
}

/**
 * A Mermaid `xychart-beta` of the traffic weight on each side over the run, fenced for markdown.
 * Empty string for an empty timeline: there is nothing to draw.
 */
export function weightChart(
  timeline: TimelineEntry[],
  labels: ChartLabels,
  span: ChartSpan = {}
): string {
  const points = chartPoints(timeline, span)
  if (points.length === 0) return ''
  const live = chartText(labels.live) || 'old side'
  const idle = chartText(labels.idle) || 'new side'
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Traffic on ${live} and ${idle}"`,
    `  x-axis "elapsed" [${points.map((p) => `"${p.label}"`).join(', ')}]`,
    '  y-axis "traffic %" 0 --> 100',
    `  line "${live}" [${points.map((p) => p.live).join(', ')}]`,
    `  line "${idle}" [${points.map((p) => p.idle).join(', ')}]`,
    '```'
  ].join('\n')
}

/**
 * One point per distinct elapsed label: the x-axis is categorical, and two categories with one
 * name would be drawn as one, so entries within the same second keep the latest weights.
 */
function chartPoints(timeline: TimelineEntry[], span: ChartSpan): Point[] {
  const first = timeline[0]
  if (!first) return []
  const origin = span.startedAt ?? first.at
  const points: Point[] = []
  let latest = origin
  const add = (at: number, live: number, idle: number): void => {
    latest = Math.max(latest, at)
    const label = formatDuration(latest - origin)
    const last = points.at(-1)
    if (last?.label === label) Object.assign(last, { live, idle })
    else points.push({ label, live, idle })
  }
  for (const entry of timeline) add(entry.at, weight(entry.liveWeight), weight(entry.idleWeight))
  const last = points.at(-1)
  if (last && span.finishedAt !== undefined && span.finishedAt > latest) {
    // weights hold until the run ends; this also turns a single entry into a visible line
    add(span.finishedAt, last.live, last.idle)
  }
  return points
}

/** The grammar takes plain numbers only; anything else would break the whole chart. */
function weight(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : 0
}

/**
 * Quotes end a Mermaid string, brackets and `;` or newlines end a statement, `%%` starts a
 * comment and `#...;` is an entity: keep letters, digits and a few harmless marks.
 */
function chartText(text: string): string {
  return text
    .replace(/[^\p{L}\p{N} ._:/@+=-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 40)
    .trim()
}
