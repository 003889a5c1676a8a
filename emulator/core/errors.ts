/**
 * An AWS API error as a backend model raises it. The protocol layer writes it in the wire
 * format of the service (JSON `__type` for ECS, `<ErrorResponse>` XML for ELBv2), so the SDK
 * throws its matching exception class.
 */
export class AwsError extends Error {
  constructor(
    /** the AWS error code, e.g. ClusterNotFoundException, ListenerNotFound, ValidationError */
    readonly code: string,
    message: string,
    /** HTTP status: 400 for client errors, 500/503 for server faults */
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender'
  ) {
    super(message)
    this.name = code
  }
}
