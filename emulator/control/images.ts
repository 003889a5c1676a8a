import type { ImageBehavior } from '../core/contracts.js'
import {
  asObject,
  ControlInputError,
  nonEmptyString,
  oneOf,
  optionalNumber,
  rejectUnknownFields
} from './input.js'

const BEHAVIORS = ['healthy', 'unhealthy', 'crash', 'degrade'] as const
const FIELDS = [
  'image',
  'behavior',
  'startSeconds',
  'afterSeconds',
  'exitCode',
  'errorRate',
  'latencyMs',
  'status',
  'body',
  'cpuBaseline',
  'cpuPerRequest',
  'memoryBaseline',
  'memoryPerRequest',
  'oneOff'
]
/** the resource figures are percentages of the task's CPU or memory */
const PERCENT_FIELDS = [
  'cpuBaseline',
  'cpuPerRequest',
  'memoryBaseline',
  'memoryPerRequest'
] as const
/** a body larger than this is a mistake in a test, not a behaviour worth simulating */
const MAX_BODY_LENGTH = 65_536

/** Validates the body of `PUT /_emulator/images`; `behavior` defaults to healthy. */
export function parseImageBehavior(body: unknown): ImageBehavior {
  const input = asObject(body, 'the image behaviour')
  rejectUnknownFields(input, FIELDS, 'the image behaviour')
  const behavior: ImageBehavior = {
    image: nonEmptyString(input.image, 'image'),
    behavior: oneOf(input.behavior, 'behavior', BEHAVIORS, 'healthy')
  }
  const startSeconds = optionalNumber(input.startSeconds, 'startSeconds', { min: 0 })
  const afterSeconds = optionalNumber(input.afterSeconds, 'afterSeconds', { min: 0 })
  const exitCode = optionalNumber(input.exitCode, 'exitCode', { min: 0, max: 255, integer: true })
  if (startSeconds !== undefined) behavior.startSeconds = startSeconds
  if (afterSeconds !== undefined) behavior.afterSeconds = afterSeconds
  if (exitCode !== undefined) behavior.exitCode = exitCode
  const errorRate = optionalNumber(input.errorRate, 'errorRate', { min: 0, max: 1 })
  const latencyMs = optionalNumber(input.latencyMs, 'latencyMs', { min: 0, max: 600_000 })
  const status = optionalNumber(input.status, 'status', { min: 200, max: 599, integer: true })
  if (errorRate !== undefined) behavior.errorRate = errorRate
  if (latencyMs !== undefined) behavior.latencyMs = latencyMs
  if (status !== undefined) behavior.status = status
  for (const field of PERCENT_FIELDS) {
    const value = optionalNumber(input[field], field, { min: 0, max: 100 })
    if (value !== undefined) behavior[field] = value
  }
  if (input.oneOff !== undefined) {
    const oneOff = asObject(input.oneOff, 'oneOff')
    rejectUnknownFields(oneOff, ['exitCode', 'afterSeconds'], 'oneOff')
    const code = optionalNumber(oneOff.exitCode, 'oneOff.exitCode', {
      min: 0,
      max: 255,
      integer: true
    })
    const after = optionalNumber(oneOff.afterSeconds, 'oneOff.afterSeconds', { min: 0 })
    behavior.oneOff = {
      ...(code !== undefined ? { exitCode: code } : {}),
      ...(after !== undefined ? { afterSeconds: after } : {})
    }
  }
  if (input.body !== undefined) {
    if (typeof input.body !== 'string' || input.body.length > MAX_BODY_LENGTH) {
      throw new ControlInputError(
        `body must be a string of at most ${MAX_BODY_LENGTH} characters, got ${JSON.stringify(input.body).slice(0, 80)}`
      )
    }
    behavior.body = input.body
  }
  return behavior
}
