import type { LoadSpec } from '../core/contracts.js'
import {
  asObject,
  ControlInputError,
  nonEmptyString,
  optionalNumber,
  rejectUnknownFields
} from './input.js'

const FIELDS = ['listenerArn', 'rps', 'host', 'path', 'method', 'headers', 'seed']
/** in-process requests are cheap, but a simulated second can pass in a millisecond */
const MAX_RPS = 1000

/** Validates the body of `PUT /_emulator/load`. */
export function parseLoadSpec(body: unknown): LoadSpec {
  const input = asObject(body, 'the load')
  rejectUnknownFields(input, FIELDS, 'the load')
  const rps = optionalNumber(input.rps, 'rps', { min: 0, max: MAX_RPS, above: true })
  if (rps === undefined)
    throw new ControlInputError(
      `rps must be a number above 0 and at most ${MAX_RPS}, got undefined`
    )
  const spec: LoadSpec = { listenerArn: nonEmptyString(input.listenerArn, 'listenerArn'), rps }
  if (input.host !== undefined) spec.host = nonEmptyString(input.host, 'host')
  if (input.path !== undefined) {
    const path = nonEmptyString(input.path, 'path')
    if (!path.startsWith('/'))
      throw new ControlInputError(`path must start with /, got ${JSON.stringify(path)}`)
    spec.path = path
  }
  if (input.method !== undefined) {
    const method = nonEmptyString(input.method, 'method')
    if (!/^[A-Z]+$/.test(method)) {
      throw new ControlInputError(
        `method must be an HTTP method in capitals, got ${JSON.stringify(method)}`
      )
    }
    spec.method = method
  }
  if (input.headers !== undefined) {
    const headers = asObject(input.headers, 'headers')
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
        throw new ControlInputError(
          `headers must map header names to strings, got ${JSON.stringify(name)}: ${JSON.stringify(value)}`
        )
      }
    }
    spec.headers = { ...(headers as Record<string, string>) }
  }
  const seed = optionalNumber(input.seed, 'seed', { min: 0, integer: true })
  if (seed !== undefined) spec.seed = seed
  return spec
}
