import type { FaultKind } from './faults.js'

/** One AWS call as `GET /_emulator/calls` returns it. */
export interface CallRecord {
  service: string
  operation: string
  /** whether the operation changes anything (the backend's isMutating) */
  mutating: boolean
  /** the decoded parameters, as the backend received them */
  params: Record<string, unknown>
  /** HTTP status answered; 0 when the connection was reset without an answer */
  status: number
  /** the AWS error code answered, 'ConnectionReset' for a reset, or null when the call succeeded */
  error: string | null
  /** the injected fault that decided the answer, 'rate-limit' when a rate limit did, or null */
  fault: FaultKind | 'rate-limit' | null
  region: string
  /** the caller's User-Agent header: the action's calls carry `ecs-blue-green-action/` */
  userAgent: string
  /** when the call took effect (after any injected latency), ISO 8601 */
  at: string
}

export interface CallFilter {
  service?: string
  operation?: string
  mutating?: boolean
  /** a part of the User-Agent, e.g. `ecs-blue-green-action` or a run's `app/<id>` */
  userAgent?: string
}

/** Every AWS call in the order it took effect, so tests can assert what was called and when. */
export class CallLog {
  private records: CallRecord[] = []

  record(call: CallRecord): void {
    this.records.push(call)
  }

  list(filter: CallFilter = {}): CallRecord[] {
    return this.records.filter(
      (call) =>
        (filter.service === undefined || call.service === filter.service) &&
        (filter.operation === undefined || call.operation === filter.operation) &&
        (filter.mutating === undefined || call.mutating === filter.mutating) &&
        (filter.userAgent === undefined || call.userAgent.includes(filter.userAgent))
    )
  }

  clear(): void {
    this.records = []
  }
}
