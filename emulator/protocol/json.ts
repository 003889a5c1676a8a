import { AwsError } from '../core/errors.js'
import type { WireFormat, WireResponse } from './wire.js'

/**
 * AWS JSON 1.0 / 1.1 (ECS speaks 1.1; CloudWatch 1.0 in query-compatible mode).
 *
 * The SDK names the exception after `__type` (JSON RPC reads `__type`, then a `code` field, then
 * the `x-amzn-ErrorType` header); we send both so any reading order finds the same code. In
 * query-compatible mode it reads the `code` first, which it takes from `x-amzn-query-error`
 * (`<QueryCode>;<Sender|Receiver>`): that is the code a Query client of the service would see.
 */
export function jsonFormat(version: '1.0' | '1.1', queryCompatible = false): WireFormat {
  const contentType = `application/x-amz-json-${version}`
  const headers = (requestId: string): Record<string, string> => ({
    'content-type': contentType,
    'x-amzn-requestid': requestId
  })
  return {
    result(_operation, result, requestId): WireResponse {
      return {
        status: 200,
        headers: headers(requestId),
        body: JSON.stringify(result ?? {}, epochSeconds)
      }
    },
    error(error, requestId): WireResponse {
      const errorHeaders: Record<string, string> = {
        ...headers(requestId),
        'x-amzn-errortype': error.code
      }
      if (queryCompatible) {
        errorHeaders['x-amzn-query-error'] = `${queryErrorCode(error.code)};${error.fault}`
      }
      return {
        status: error.status,
        headers: errorHeaders,
        body: JSON.stringify({ __type: error.code, message: error.message })
      }
    },
    unknownOperation(operation) {
      return new AwsError('UnknownOperationException', `Unknown operation ${operation}`)
    },
    throttling() {
      return new AwsError('ThrottlingException', 'Rate exceeded')
    },
    internalFailure() {
      return new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error.',
        500
      )
    }
  }
}

/** The body of a JSON request: an object, or SerializationException as AWS answers. */
export function decodeJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw new AwsError(
      'SerializationException',
      'Start of structure or map found where not expected.'
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object.')
  }
  return parsed as Record<string, unknown>
}

/** JSON protocols carry timestamps as epoch seconds; a Date from a backend is written so. */
function epochSeconds(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key]
  return original instanceof Date ? original.getTime() / 1000 : value
}

/** codes that differ between a JSON service and its Query ancestor */
const QUERY_CODES: Record<string, string> = {
  ThrottlingException: 'Throttling',
  UnknownOperationException: 'InvalidAction',
  InternalFailure: 'InternalServiceError',
  // CloudWatch's exceptions, by their JSON shape names
  InvalidParameterValueException: 'InvalidParameterValue',
  InvalidParameterCombinationException: 'InvalidParameterCombination',
  MissingRequiredParameterException: 'MissingParameter',
  LimitExceededFault: 'LimitExceeded',
  InvalidFormatFault: 'InvalidFormat',
  InternalServiceFault: 'InternalServiceError'
}

function queryErrorCode(code: string): string {
  return QUERY_CODES[code] ?? code
}
