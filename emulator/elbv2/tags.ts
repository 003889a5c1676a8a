import { AwsError } from '../core/errors.js'
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

const MAX_TAGS = 50
const MAX_KEY = 128
const MAX_VALUE = 256
const KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u

const KIND_NAMES = {
  loadbalancer: 'load balancer',
  targetgroup: 'target group',
  listener: 'listener',
  'listener-rule': 'rule'
} as const

/** The tags of a request (`Tags` of Create*, AddTags), validated as AWS does. */
export function readTags(params: Params, key = 'Tags'): [string, string][] {
  const seen = new Set<string>()
  return objectList(params, key).map((tag, index) => {
    const tagKey = optionalString(tag, 'Key')
    const value = optionalString(tag, 'Value') ?? ''
    const at = `tags.${index + 1}.member`
    if (tagKey === undefined || tagKey === '') throw notNull(`${at}.key`)
    if (tagKey.length > MAX_KEY) throw lengthError(tagKey, `${at}.key`, MAX_KEY)
    if (value.length > MAX_VALUE) throw lengthError(value, `${at}.value`, MAX_VALUE)
    if (!KEY_PATTERN.test(tagKey)) {
      throw validationError(`Tag key '${tagKey}' contains characters that are not allowed`)
    }
    if (tagKey.toLowerCase().startsWith('aws:')) {
      throw validationError(`Tag keys starting with 'aws:' are reserved for system use`)
    }
    if (seen.has(tagKey))
      throw new AwsError('DuplicateTagKeys', `Tag key '${tagKey}' is duplicated`)
    seen.add(tagKey)
    return [tagKey, value]
  })
}

function lengthError(value: string, at: string, max: number): AwsError {
  return validationError(
    `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${max}`
  )
}

/** Adds (or overwrites) tags; refuses to go over 50 on one resource. */
export function applyTags(
  target: Tags,
  tags: [string, string][],
  kind: keyof typeof KIND_NAMES
): void {
  const added = tags.filter(([key]) => !target.has(key)).length
  if (target.size + added > MAX_TAGS) {
    throw new AwsError(
      'TooManyTags',
      `The quota for the number of tags that can be assigned to a ${KIND_NAMES[kind]} has been reached`
    )
  }
  for (const [key, value] of tags) target.set(key, value)
}

export function renderTags(tags: Tags): { Key: string; Value: string }[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }))
}

function resource(model: Elbv2Model, arn: string): { tags: Tags; kind: keyof typeof KIND_NAMES } {
  const kind = arnKind(arn)
  switch (kind) {
    case 'loadbalancer':
      return { tags: model.loadBalancer(arn).tags, kind }
    case 'targetgroup':
      return { tags: model.targetGroup(arn).tags, kind }
    case 'listener':
      return { tags: model.listener(arn).tags, kind }
    case 'listener-rule':
      return { tags: model.rule(arn).tags, kind }
    default:
      throw validationError(
        `'${arn}' is not a valid load balancer, target group, listener or rule ARN`
      )
  }
}

function resourceArns(params: Params, max: number): string[] {
  const arns = stringList(params, 'ResourceArns')
  if (arns.length === 0) throw notNull('ResourceArns')
  if (arns.length > max) {
    throw validationError(
      `1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to ${max}`
    )
  }
  return arns
}

export function addTagsOp(model: Elbv2Model, params: Params): object {
  const tags = readTags(params)
  if (tags.length === 0) throw notNull('Tags')
  const targets = resourceArns(params, 20).map((arn) => resource(model, arn))
  // all or nothing: check every resource's quota before changing any
  for (const { tags: current, kind } of targets) applyTags(new Map(current), tags, kind)
  for (const { tags: current, kind } of targets) applyTags(current, tags, kind)
  return {}
}

export function removeTagsOp(model: Elbv2Model, params: Params): object {
  const keys = stringList(params, 'TagKeys')
  if (keys.length === 0) throw notNull('TagKeys')
  const targets = resourceArns(params, 20).map((arn) => resource(model, arn))
  for (const { tags } of targets) for (const key of keys) tags.delete(key)
  return {}
}

export function describeTagsOp(model: Elbv2Model, params: Params): object {
  return {
    TagDescriptions: resourceArns(params, 20).map((arn) => ({
      ResourceArn: arn,
      Tags: renderTags(resource(model, arn).tags)
    }))
  }
}
