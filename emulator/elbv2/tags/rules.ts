import { AwsError } from '../../core/errors.js'
import { notNull, validationError } from '../params.js'

/**
 * ELBv2's rules for tags (API reference, `Tag` and `RemoveTags`): a key of 1-128 and a value of
 * 0-256 characters, both of the pattern below; keys starting with `aws:` are AWS's. Length and
 * pattern break the request model, so they come back in the service framework's words
 * ("1 validation error detected: ..."); AWS lists every broken constraint in one message, the
 * emulator the first it finds.
 */
export const MAX_KEY = 128
export const MAX_VALUE = 256
export const PATTERN_TEXT = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$'
const PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u

function constraint(value: string, at: string, rule: string): AwsError {
  return validationError(
    `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: Member must ${rule}`
  )
}

/** A tag key or value against its length and character set; `at` is AWS's member path. */
export function checkText(text: string, at: string, min: number, max: number): void {
  if (text.length < min) {
    throw constraint(text, at, `have length greater than or equal to ${min}`)
  }
  if (text.length > max) throw constraint(text, at, `have length less than or equal to ${max}`)
  if (!PATTERN.test(text)) {
    throw constraint(text, at, `satisfy regular expression pattern: ${PATTERN_TEXT}`)
  }
}

/** AWS's words, as ELBv2 answers CreateLoadBalancer with such a tag. */
export function checkNotReserved(key: string): void {
  if (key.toLowerCase().startsWith('aws:')) {
    throw validationError(`Tag key '${key}' cannot start with 'aws:'`)
  }
}

/**
 * One tag of a request (`Tags.member.N` of AddTags and Create*) against the request model; the
 * `aws:` prefix is the service's rule, checked once the whole request passed the model.
 */
export function checkTag(key: string | undefined, value: string, index: number): string {
  const at = `tags.${index + 1}.member`
  if (key === undefined) throw notNull(`${at}.key`)
  checkText(key, `${at}.key`, 1, MAX_KEY)
  checkText(value, `${at}.value`, 0, MAX_VALUE)
  return key
}

/** A key of RemoveTags (`TagKeys.member.N`) against the request model. */
export function checkTagKey(key: string, index: number): void {
  checkText(key, `tagKeys.${index + 1}.member`, 1, MAX_KEY)
}

/**
 * The same key twice in one request. The message is Elastic Load Balancing's (as its classic
 * API words it); the code is the one the ELBv2 API reference lists.
 */
export function duplicateKeys(): AwsError {
  return new AwsError(
    'DuplicateTagKeys',
    'Duplicate Tag Keys found in the request. Tag keys should be unique.'
  )
}

/** Over 50 tags on one resource: the API reference's description of TooManyTags. */
export function tooManyTags(): AwsError {
  return new AwsError(
    'TooManyTags',
    "You've reached the limit on the number of tags for this resource."
  )
}
