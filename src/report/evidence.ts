import type { SideFigures } from '../rollout/ports.js'
import { errorRate } from '../rollout/watch/analysis.js'
import type { Evidence, TestTrafficRecord } from '../rollout/watch/evidence.js'
import { escapeMarkdown } from './markdown.js'

/**
 * What the alarm, metric and test-traffic verdicts were based on: the figures of each window
 * (both sides), the alarms watched and the test answers. Empty when nothing was watched.
 */
export function evidenceSection(evidence: Evidence | undefined): string {
  if (!evidence) return ''
  const blocks = [
    testTrafficBlock(evidence.testTraffic),
    windowsBlock(evidence),
    alarmsBlock(evidence)
  ].filter((block) => block !== '')
  if (blocks.length === 0) return ''
  return ['### What users saw', ...blocks].join('\n\n')
}

function testTrafficBlock(test: TestTrafficRecord | undefined): string {
  if (!test) return ''
  const answers = Object.entries(test.answers)
    .map(([answer, count]) => `${escapeMarkdown(answer)} ×${count}`)
    .join(', ')
  const lines = [
    `**Test traffic** to ${escapeMarkdown(test.url)}: ${test.passed} of ${test.sent} passed` +
      ` (answers: ${answers || 'none'}${test.p95Ms === undefined ? '' : `; p95 ${Math.round(test.p95Ms)}ms`}).`
  ]
  if (test.firstFailure) lines.push(`First failure: ${escapeMarkdown(test.firstFailure)}`)
  return lines.join(' ')
}

function windowsBlock(evidence: Evidence): string {
  if (evidence.windows.length === 0) return ''
  const rows = evidence.windows.map((window) =>
    [
      `${window.percent}%`,
      `${Math.round((window.to - window.from) / 1000)}s`,
      sideCells(window.idle),
      sideCells(window.live),
      escapeMarkdown(
        window.judgement + (window.reasons.length > 0 ? `: ${window.reasons.join('; ')}` : '')
      )
    ].join(' | ')
  )
  return [
    '**Metric analysis** (new side | live side, over the same window)',
    '',
    '| step | window | new: requests, 5xx, p95, p99 | live: requests, 5xx, p95, p99 | verdict |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`)
  ].join('\n')
}

function sideCells(figures: SideFigures): string {
  const latency = (value: number | undefined) =>
    value === undefined ? '–' : `${Math.round(value)}ms`
  const rate = Number(errorRate(figures).toFixed(2))
  return `${figures.requests}, ${rate}%, ${latency(figures.p95Ms)}, ${latency(figures.p99Ms)}`
}

function alarmsBlock(evidence: Evidence): string {
  if (evidence.alarms.length === 0) return ''
  const names = evidence.alarms.map((name) => escapeMarkdown(name)).join(', ')
  const lines = [
    `**Alarms** checked ${evidence.alarmChecks} ${evidence.alarmChecks === 1 ? 'time' : 'times'}: ${names}.`
  ]
  for (const note of evidence.alarmNotes) lines.push(`- ${escapeMarkdown(note)}`)
  return lines.join('\n')
}
