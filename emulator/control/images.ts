import type { ImageBehavior } from '../core/contracts.js'
import { asObject, nonEmptyString, oneOf, optionalNumber, rejectUnknownFields } from './input.js'

const BEHAVIORS = ['healthy', 'unhealthy', 'crash', 'degrade'] as const
const FIELDS = ['image', 'behavior', 'startSeconds', 'afterSeconds', 'exitCode']

/** Validates the body of `PUT /_emulator/images`. */
export function parseImageBehavior(body: unknown): ImageBehavior {
  const input = asObject(body, 'the image behaviour')
  rejectUnknownFields(input, FIELDS, 'the image behaviour')
  const behavior: ImageBehavior = {
    image: nonEmptyString(input.image, 'image'),
    behavior: oneOf(input.behavior, 'behavior', BEHAVIORS)
  }
  const startSeconds = optionalNumber(input.startSeconds, 'startSeconds', { min: 0 })
  const afterSeconds = optionalNumber(input.afterSeconds, 'afterSeconds', { min: 0 })
  const exitCode = optionalNumber(input.exitCode, 'exitCode', { min: 0, max: 255, integer: true })
  if (startSeconds !== undefined) behavior.startSeconds = startSeconds
  if (afterSeconds !== undefined) behavior.afterSeconds = afterSeconds
  if (exitCode !== undefined) behavior.exitCode = exitCode
  return behavior
}
