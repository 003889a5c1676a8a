import type { SideFigures } from '../ports.js'

/**
 * What the verdicts on users' experience were based on, for the job summary: each metric window
 * judged, the alarms watched and what became of them, and the test traffic's results.
 */
export interface Evidence {
  windows: WindowRecord[]
  /** the alarm names watched; empty when there is no alarm gate */
  alarms: string[]
  /** how many times the alarms were read during the run */
  alarmChecks: number
  /** what happened with alarms besides "all OK": ignored at start, recovered, fired */
  alarmNotes: string[]
  testTraffic?: TestTrafficRecord
}

export type WindowJudgement = 'good' | 'bad' | 'not enough traffic'

export interface WindowRecord {
  /** the new side's weight during the window */
  percent: number
  from: number
  to: number
  idle: SideFigures
  live: SideFigures
  judgement: WindowJudgement
  /** why it was bad, or why there was no verdict */
  reasons: string[]
}

export interface TestTrafficRecord {
  url: string
  sent: number
  passed: number
  /** answers by status ("200", "503") or by error ("timeout", "connection refused") */
  answers: Record<string, number>
  /** the first answer that did not pass, in words */
  firstFailure?: string
  p95Ms?: number
}

export function emptyEvidence(alarms: string[]): Evidence {
  return { windows: [], alarms, alarmChecks: 0, alarmNotes: [] }
}
