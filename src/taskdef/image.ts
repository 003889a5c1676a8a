import { InputError } from '../rollout/errors.js'
import { quote } from './quote.js'

/**
 * Longer is a paste gone wrong. ECS documents 255 characters for an image and enforces its own
 * limit when the revision is registered, which changes nothing in the services.
 */
const MAX_IMAGE_LENGTH = 1024
export const IMAGE_FORM =
  '[registry/]repository[:tag][@sha256:<64 hex digits>], e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2"'
const REGISTRY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d+)?$/
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const DIGEST = /^sha256:[0-9a-f]{64}$/

/**
 * Refuses what cannot be an image reference, before it reaches RegisterTaskDefinition: a typo
 * found there costs a registered revision and a confusing error.
 */
export function checkImageReference(text: string, input = 'image', where = ''): string {
  const refuse = (problem: string) =>
    new InputError(input, `${where}${problem}; expected ${IMAGE_FORM}`)
  if (text === '') throw refuse('is empty')
  if (text.length > MAX_IMAGE_LENGTH) {
    throw refuse(`is ${text.length} characters long, more than ${MAX_IMAGE_LENGTH}`)
  }
  if (/[\s\p{Cc}]/u.test(text))
    throw refuse(`${quote(text)} contains whitespace or a control character`)

  const [reference = '', digest, ...extra] = text.split('@')
  if (extra.length > 0 || (digest !== undefined && !DIGEST.test(digest))) {
    throw refuse(
      `${quote(text)} has a malformed digest; a digest is @sha256: and 64 lowercase hex digits`
    )
  }
  const slash = reference.lastIndexOf('/')
  const colon = reference.lastIndexOf(':')
  const tag = colon > slash ? reference.slice(colon + 1) : undefined
  const name = colon > slash ? reference.slice(0, colon) : reference
  if (tag !== undefined && !TAG.test(tag)) {
    throw refuse(
      `${quote(text)} has tag ${quote(tag)}; a tag is up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`
    )
  }
  const components = name.split('/')
  const first = components[0] ?? ''
  const hasRegistry =
    components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (hasRegistry && !REGISTRY.test(first)) {
    throw refuse(
      `${quote(text)} has registry ${quote(first)}, which is not a host name with an optional port`
    )
  }
  const repository = hasRegistry ? components.slice(1) : components
  if (repository.some((part) => !PATH_COMPONENT.test(part))) {
    const problem = /[A-Z]/.test(repository.join('/'))
      ? 'its repository path must be lowercase'
      : "its repository path is lowercase letters and digits, separated by '/', '.', '_' or '-'"
    throw refuse(`${quote(text)} is not an image reference: ${problem}`)
  }
  return text
}
