import { arnKind } from './arns.js'
import type { Elbv2Model } from './model.js'
import {
  notNull,
  objectList,
  optionalString,
  type Params,
  stringList,
  validationError
} from './params.js'
import type { Tags } from './state.js'
import {
  checkNotReserved,
  checkTag,
  checkTagKey,
  duplicateKeys,
  tooManyTags
} from './tags/rules.js'

const MAX_TAGS = 50
/**
 * DescribeTags takes up to 20 resources (API reference). AddTags and RemoveTags state no limit;
 * the emulator holds them to the same 20, erring on the side that cannot pass here and fail there.
 */
const MAX_ARNS = 20

/**
 * The tags of a request (`Tags` of Create*, AddTags), validated as AWS does: first every tag
 * against the request model (lengths, characters), then the service's own rules (the `aws:`
 * prefix, a key given twice).
 */
export function readTags(params: Params, key = 'Tags'): [string, string][] {
  const tags = objectList(params, key).map((tag, index): [string, string] => {
    const value = optionalString(tag, 'Value') ?? ''
    return [checkTag(optionalString(tag, 'Key'), value, index), value]
  })
  for (const [tagKey] of tags) checkNotReserved(tagKey)
  const seen = new Set<string>()
  for (const [tagKey] of tags) {
    if (seen.has(tagKey)) throw duplicateKeys()
    seen.add(tagKey)
  }
  return tags
}

/** Adds (or overwrites) tags; refuses to go over 50 on one resource. */
export function applyTags(target: Tags, tags: [string, string][]): void {
  const added = tags.filter(([key]) => !target.has(key)).length
  if (target.size + added > MAX_TAGS) throw tooManyTags()
  for (const [key, value] of tags) target.set(key, value)
}

export function renderTags(tags: Tags): { Key: string; Value: string }[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }))
}

/** The tags of the resource an ARN names; an unknown one is the NotFound error of its kind. */
function resourceTags(model: Elbv2Model, arn: string): Tags {
  switch (arnKind(arn)) {
    case 'loadbalancer':
      return model.loadBalancer(arn).tags
    case 'targetgroup':
      return model.targetGroup(arn).tags
    case 'listener':
      return model.listener(arn).tags
    case 'listener-rule':
      return model.rule(arn).tags
    default:
      // our wording: AWS's answer to an ARN of no taggable kind is not documented
      throw validationError(
        `'${arn}' is not a valid load balancer, target group, listener or rule ARN`
      )
  }
}

function resourceArns(params: Params): string[] {
  const arns = stringList(params, 'ResourceArns')
  if (arns.length === 0) throw notNull('ResourceArns')
  if (arns.length > MAX_ARNS) {
    // our wording: the API reference states the limit, not the message
    throw validationError(`You can specify up to ${MAX_ARNS} resources in a single call`)
  }
  return arns
}

export function addTagsOp(model: Elbv2Model, params: Params): object {
  const tags = readTags(params)
  if (tags.length === 0) throw notNull('Tags')
  const targets = resourceArns(params).map((arn) => resourceTags(model, arn))
  // all or nothing: check every resource's quota before changing any
  for (const current of targets) applyTags(new Map(current), tags)
  for (const current of targets) applyTags(current, tags)
  return {}
}

export function removeTagsOp(model: Elbv2Model, params: Params): object {
  const keys = stringList(params, 'TagKeys')
  if (keys.length === 0) throw notNull('TagKeys')
  keys.forEach((key, index) => checkTagKey(key, index))
  // an aws: tag stays AWS's: it cannot be removed either
  keys.forEach((key) => checkNotReserved(key))
  const targets = resourceArns(params).map((arn) => resourceTags(model, arn))
  for (const tags of targets) for (const key of keys) tags.delete(key)
  return {}
}

export function describeTagsOp(model: Elbv2Model, params: Params): object {
  return {
    TagDescriptions: resourceArns(params).map((arn) => ({
      ResourceArn: arn,
      Tags: renderTags(resourceTags(model, arn))
    }))
  }
}
