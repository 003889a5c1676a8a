import type { AwsError } from '../../core/errors.js'
import { invalid } from '../params.js'

/**
 * ECS's rules for tags (API reference, `Tag` data type, TagResource, UntagResource): at most 50
 * tags a request and a resource, a key of 1-128 and a value of 0-256 characters, both of the
 * pattern below, unique keys, and `aws:` (in any case) reserved as the prefix of a key or a value:
 * such tags cannot be added, changed or removed. ECS answers all of these with
 * InvalidParameterException; the API reference gives no message text, so the messages here are
 * our wording.
 */
export const MAX_TAGS = 50
export const MAX_KEY = 128
export const MAX_VALUE = 256
const PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u
const CHARACTERS = 'letters, numbers, spaces and _ . : / = + - @'

function reserved(text: string): boolean {
  return text.toLowerCase().startsWith('aws:')
}

function checkKey(key: string | undefined): string {
  if (key === undefined || key.length === 0 || key.length > MAX_KEY) {
    throw invalid(`Tag keys must be between 1 and ${MAX_KEY} characters.`)
  }
  if (!PATTERN.test(key)) {
    throw invalid(`Tag key '${key}' may only contain ${CHARACTERS}.`)
  }
  if (reserved(key)) {
    throw invalid('Tag keys and values may not start with the reserved prefix aws:.')
  }
  return key
}

function checkValue(value: string): void {
  if (value.length > MAX_VALUE) {
    throw invalid(`Tag values must be at most ${MAX_VALUE} characters.`)
  }
  if (!PATTERN.test(value)) {
    throw invalid(`Tag value '${value}' may only contain ${CHARACTERS}.`)
  }
  if (reserved(value)) {
    throw invalid('Tag keys and values may not start with the reserved prefix aws:.')
  }
}

/** The `tags` of a request, checked; returns them as [key, value] pairs. */
export function checkTags(tags: { key: string | undefined; value: string }[]): [string, string][] {
  if (tags.length > MAX_TAGS) throw tooManyTags()
  const seen = new Set<string>()
  return tags.map(({ key, value }): [string, string] => {
    const checked = checkKey(key)
    checkValue(value)
    if (seen.has(checked)) throw invalid(`Tag key '${checked}' is specified more than once.`)
    seen.add(checked)
    return [checked, value]
  })
}

/** The `tagKeys` of UntagResource: keys by the same rules; an `aws:` tag cannot be removed. */
export function checkTagKeys(keys: string[]): void {
  for (const key of keys) checkKey(key)
}

export function tooManyTags(): AwsError {
  return invalid(`A resource can have at most ${MAX_TAGS} tags.`)
}
