/**
 * What the rate-limit suite tells about throttling: which operations AWS's buckets refused and how
 * often, so that a change to the action's polling shows where its calls are spent.
 */
import type { CallRecord } from '../../emulator/control/call-log.js'

/** Throttled calls per operation, most throttled first (ties by name, so reports compare). */
export function throttledByOperation(calls: CallRecord[]): [operation: string, count: number][] {
  const counts = new Map<string, number>()
  for (const call of calls) {
    if (call.fault !== 'rate-limit') continue
    counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1)
  }
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
}

/** `throttled: DescribeTargetHealth 120, DescribeServices 40`, or `throttled: none` */
export function formatThrottled(calls: CallRecord[]): string {
  const counts = throttledByOperation(calls)
  if (counts.length === 0) return 'throttled: none'
  return `throttled: ${counts.map(([operation, count]) => `${operation} ${count}`).join(', ')}`
}

/**
 * `answered per rollout: elbv2 38.2 (DescribeTargetHealth 20.1, ...), ecs ...`: the calls AWS
 * carried out, per rollout, by service and operation, so that the share of the tightest bucket
 * (ELBv2's, one for the whole account) that each rollout needs shows.
 */
export function formatAnswered(calls: CallRecord[], rollouts: number): string {
  const byService = new Map<string, Map<string, number>>()
  for (const call of calls) {
    if (call.fault) continue
    const operations = byService.get(call.service) ?? new Map<string, number>()
    operations.set(call.operation, (operations.get(call.operation) ?? 0) + 1)
    byService.set(call.service, operations)
  }
  const per = (count: number): string => (count / Math.max(1, rollouts)).toFixed(1)
  const services = [...byService].map(([service, operations]) => {
    const sorted = [...operations].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    const total = sorted.reduce((sum, [, count]) => sum + count, 0)
    return {
      total,
      text: `${service} ${per(total)} (${sorted.map(([op, n]) => `${op} ${per(n)}`).join(', ')})`
    }
  })
  services.sort((a, b) => b.total - a.total)
  return `answered per rollout: ${services.map((s) => s.text).join('; ') || 'none'}`
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
