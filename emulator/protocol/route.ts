import type { IncomingHttpHeaders } from 'node:http'
import { AwsError } from '../core/errors.js'
import { decodeJsonBody, jsonFormat } from './json.js'
import { decodeQueryParams, queryAction, queryFormat } from './query.js'
import type { AwsRequest, WireFormat } from './wire.js'

export const DEFAULT_REGION = 'us-east-1'

interface JsonService {
  service: string
  format: WireFormat
}

/** `X-Amz-Target: <prefix>.<Operation>` of the JSON services */
const JSON_TARGETS: Record<string, JsonService> = {
  AmazonEC2ContainerServiceV20141113: { service: 'ecs', format: jsonFormat('1.1') },
  GraniteServiceVersion20100801: { service: 'cloudwatch', format: jsonFormat('1.0', true) },
  AnyScaleFrontendService: { service: 'application-autoscaling', format: jsonFormat('1.1') }
}

interface QueryService {
  service: string
  format: WireFormat
}

/** one endpoint serves every service, so a Query call is told apart by its API `Version` */
const QUERY_VERSIONS: Record<string, QueryService> = {
  '2015-12-01': {
    service: 'elbv2',
    format: queryFormat('http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/')
  },
  '2010-08-01': {
    service: 'cloudwatch',
    format: queryFormat('http://monitoring.amazonaws.com/doc/2010-08-01/')
  },
  '2011-01-01': {
    service: 'autoscaling',
    format: queryFormat('http://autoscaling.amazonaws.com/doc/2011-01-01/')
  }
}

/** the format for a request that names no service we know, so the caller still gets an AWS error */
const FALLBACK_JSON = jsonFormat('1.1')
const FALLBACK_QUERY = QUERY_VERSIONS['2015-12-01']?.format ?? queryFormat('')

/**
 * Decodes one AWS call from its HTTP request, or returns undefined when the request is not an
 * AWS call at all (no `X-Amz-Target` and no form body).
 */
export function decodeAwsRequest(
  headers: IncomingHttpHeaders,
  body: string
): AwsRequest | undefined {
  const region = regionOf(headers.authorization)
  const userAgent = header(headers['user-agent']) ?? ''
  const target = header(headers['x-amz-target'])
  if (target !== undefined) {
    const dot = target.lastIndexOf('.')
    const prefix = dot < 0 ? target : target.slice(0, dot)
    const operation = dot < 0 ? '' : target.slice(dot + 1)
    const known = JSON_TARGETS[prefix]
    const format = known?.format ?? FALLBACK_JSON
    const request: AwsRequest = {
      service: known?.service ?? prefix,
      operation,
      params: {},
      region,
      format,
      userAgent
    }
    if (!known || operation === '') {
      request.decodeError = format.unknownOperation(target)
      return request
    }
    try {
      request.params = decodeJsonBody(body)
    } catch (error) {
      request.decodeError = error as AwsError
    }
    return request
  }

  const contentType = header(headers['content-type']) ?? ''
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return undefined
  const { action, version } = queryAction(body)
  const known = version === undefined ? undefined : QUERY_VERSIONS[version]
  const format = known?.format ?? FALLBACK_QUERY
  const request: AwsRequest = {
    service: known?.service ?? 'unknown',
    operation: action ?? '',
    params: {},
    region,
    format,
    userAgent
  }
  if (action === undefined) {
    request.decodeError = new AwsError(
      'MissingAction',
      'The request must contain the parameter Action.'
    )
  } else if (!known) {
    request.decodeError = new AwsError(
      'NoSuchVersion',
      `Could not find operation ${action} for version ${version ?? '(none)'}.`
    )
  } else {
    try {
      request.params = decodeQueryParams(body)
    } catch (error) {
      request.decodeError = error as AwsError
    }
  }
  return request
}

/** the region of a SigV4 credential scope: `Credential=AKID/20261125/<region>/<service>/aws4_request` */
export function regionOf(authorization: string | undefined): string {
  const match = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//.exec(authorization ?? '')
  return match?.[1] ?? DEFAULT_REGION
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
