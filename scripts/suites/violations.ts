/**
 * The emulator watches safety at every instant (`GET /_emulator/violations`): a weight written
 * onto a target group with no healthy target, a service scaled to 0 while its group carries
 * weight. A suite reads the violations its own rollouts' calls caused (their User-Agents carry
 * `app/<suite>-<n>`), so that suites sharing one emulator (npm run bench) count only their own.
 */
import { violations, type Violation } from '../../__tests__/helpers/emulator.js'

export type { Violation }

/** The violations of the calls whose User-Agent carries `app/<name>-`, in the order they landed. */
export function suiteViolations(url: string, name: string): Promise<Violation[]> {
  return violations(url, { userAgent: `app/${name}-` })
}

/** `violations: 2` and one line per violation under it. */
export function formatViolations(found: Violation[]): string {
  const lines = [`violations: ${found.length}`]
  for (const v of found) {
    const caller = /app\/(\S+)/.exec(v.userAgent)?.[1] ?? v.userAgent
    lines.push(`  VIOLATION ${v.at} ${v.kind} (${caller}): ${v.message}`)
  }
  return lines.join('\n')
}
