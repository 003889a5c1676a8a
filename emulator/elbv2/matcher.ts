import { object, optionalString, type Params, validationError } from './params.js'

/** ALB's HTTP matcher codes: 200-499 (API reference, Matcher.HttpCode); gRPC codes 0-99. */
const HTTP_RANGE = { min: 200, max: 499 }
const GRPC_RANGE = { min: 0, max: 99 }
const MAX_PATH = 1024

/** A health check's path, as AWS constrains HealthCheckPath: 1-1024 characters, from `/`. */
export function readHealthCheckPath(params: Params): string {
  const path = optionalString(params, 'HealthCheckPath')
  if (path === undefined) return '/'
  if (path.length < 1 || path.length > MAX_PATH) {
    throw validationError(
      `1 validation error detected: Value '${path}' at 'healthCheckPath' failed to satisfy constraint: Member must have length between 1 and ${MAX_PATH}`
    )
  }
  if (!path.startsWith('/')) {
    throw validationError(`Health check path '${path}' must begin with a '/' character`)
  }
  return path
}

/** The Matcher: codes such as "200", "200,202" or "200-299", each within ALB's range. */
export function readMatcher(params: Params): Record<string, string> {
  const matcher = object(params, 'Matcher') ?? {}
  const grpc = optionalString(matcher, 'GrpcCode')
  if (grpc !== undefined) {
    checkCodes(grpc, 'GrpcCode', GRPC_RANGE)
    return { GrpcCode: grpc }
  }
  const http = optionalString(matcher, 'HttpCode') ?? '200'
  checkCodes(http, 'HttpCode', HTTP_RANGE)
  return { HttpCode: http }
}

function checkCodes(text: string, member: string, range: { min: number; max: number }): void {
  const refuse = (): Error =>
    validationError(
      `${member} '${text}' is not valid: use codes from ${range.min} to ${range.max}, as one value ("200"), several ("200,202") or a range ("200-299")`
    )
  for (const part of text.split(',')) {
    const bounds = part.split('-')
    if (bounds.length > 2 || bounds.some((b) => !/^\d{1,3}$/.test(b))) throw refuse()
    const [low, high] = bounds.map(Number) as [number, number | undefined]
    if (low < range.min || low > range.max) throw refuse()
    if (high !== undefined && (high < low || high > range.max)) throw refuse()
  }
}
