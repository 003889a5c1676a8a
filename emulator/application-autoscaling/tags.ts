import { constraint, optionalObject, type Params } from './params.js'

/** TagMap: 1 to 200 tags; keys 1-128 characters, not `aws:`; values up to 256 */
const MAX_TAGS = 200
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u
const TAG_KEY_PATTERN = '^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$'

/** the `Tags` of RegisterScalableTarget, checked as the API model checks a TagMap */
export function readTags(params: Params): Map<string, string> | undefined {
  const given = optionalObject(params, 'Tags')
  if (!given) return undefined
  const entries = Object.entries(given)
  if (entries.length < 1) throw constraint('{}', 'tags', 'have length greater than or equal to 1')
  if (entries.length > MAX_TAGS) {
    throw constraint('{...}', 'tags', `have length less than or equal to ${MAX_TAGS}`)
  }
  const tags = new Map<string, string>()
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128) {
      throw constraint(key, 'tags', 'have length less than or equal to 128')
    }
    if (!TAG_KEY.test(key)) {
      throw constraint(key, 'tags', `satisfy regular expression pattern: ${TAG_KEY_PATTERN}`)
    }
    if (typeof value !== 'string') {
      throw constraint(value, `tags.${key}`, 'be a string')
    }
    if (value.length > 256) {
      throw constraint(value, `tags.${key}`, 'have length less than or equal to 256')
    }
    tags.set(key, value)
  }
  return tags
}
