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
  /** the injected fault that decided the answer, or null */
  fault: FaultKind | null
  region: string
  /** when the call took effect (after any injected latency), ISO 8601 */
  at: string
}

export interface CallFilter {
  service?: string
  operation?: string
  mutating?: boolean
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
        (filter.mutating === undefined || call.mutating === filter.mutating)
    )
  }

  clear(): void {
    this.records = []
  }
}
