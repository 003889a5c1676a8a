import type { ProbeAnswer } from '../ports.js'
import type { TestTrafficRecord } from './evidence.js'
import type { TestTrafficSettings } from './settings.js'

/** Why one answer of the test traffic does not pass, or undefined when it does. Pure. */
export function probeFailure(answer: ProbeAnswer, expect: TestTrafficSettings): string | undefined {
  if (!answer.ok) return answer.error
  const allowed = expect.expectStatus.some(
    (range) => answer.status >= range.min && answer.status <= range.max
  )
  if (!allowed) return `status ${answer.status}, expected ${statusWords(expect)}`
  if (expect.expectBody !== undefined && !new RegExp(expect.expectBody).test(answer.body)) {
    return `status ${answer.status}, but the body does not match test-expect-body /${expect.expectBody}/: ${excerpt(answer.body)}`
  }
  return undefined
}

/** The record of every answer, for the summary. Pure. */
export function testTrafficRecord(
  answers: ProbeAnswer[],
  expect: TestTrafficSettings
): TestTrafficRecord {
  const counts: Record<string, number> = {}
  let passed = 0
  let firstFailure: string | undefined
  for (const answer of answers) {
    const key = answer.ok ? String(answer.status) : answer.error
    counts[key] = (counts[key] ?? 0) + 1
    const failure = probeFailure(answer, expect)
    if (failure === undefined) passed++
    else firstFailure ??= failure
  }
  const times = answers.map((answer) => answer.ms).sort((a, b) => a - b)
  const p95 = times[Math.max(0, Math.ceil(times.length * 0.95) - 1)]
  return {
    url: expect.url,
    sent: answers.length,
    passed,
    answers: counts,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    ...(p95 === undefined ? {} : { p95Ms: p95 })
  }
}

function statusWords(expect: TestTrafficSettings): string {
  return expect.expectStatus
    .map((range) => (range.min === range.max ? String(range.min) : `${range.min}-${range.max}`))
    .join(', ')
}

/** A body is the release's own output: shown short, on one line. */
function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim()
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}
