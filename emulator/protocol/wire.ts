import type { AwsError } from '../core/errors.js'

/** An HTTP answer already written in a service's wire format. */
export interface WireResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * How one AWS protocol writes its answers. Every decoded request carries the format it arrived
 * in, so that faults, unknown operations and backend errors all reach the SDK in the shape it
 * parses into its own exception classes.
 */
export interface WireFormat {
  result(operation: string, result: unknown, requestId: string): WireResponse
  error(error: AwsError, requestId: string): WireResponse
  /** the service's own error for an operation it does not have */
  unknownOperation(operation: string): AwsError
  /** what AWS answers when a caller exceeds the request rate */
  throttling(): AwsError
  /** what AWS answers when it fails on its side */
  internalFailure(): AwsError
}

/** One AWS API call, decoded from HTTP. */
export interface AwsRequest {
  /** 'ecs' | 'elbv2' | 'cloudwatch': the backend's `service` and the name in logs and fault rules */
  service: string
  operation: string
  params: Record<string, unknown>
  region: string
  format: WireFormat
  /** set when the body could not be decoded; the call is answered with this error */
  decodeError?: AwsError
  /** the caller's User-Agent header, so the call log can tell the action's calls from a test's */
  userAgent?: string
}
