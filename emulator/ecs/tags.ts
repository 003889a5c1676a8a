import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { parseEcsArn } from './ids.js'
import type { EcsModel } from './model.js'
import {
  invalid,
  objectList,
  optionalString,
  type Params,
  requiredString,
  stringList
} from './params.js'
import type { Tags } from './state.js'

const MAX_TAGS = 50

/** ECS tags (`[{key, value}]`), validated as ECS does. */
export function readTags(params: Params, key = 'tags'): [string, string][] {
  return objectList(params, key).map((tag) => {
    const tagKey = optionalString(tag, 'key')
    const value = optionalString(tag, 'value') ?? ''
    if (tagKey === undefined || tagKey.length === 0 || tagKey.length > 128) {
      throw invalid('Tag keys must be between 1 and 128 characters.')
    }
    if (value.length > 256) throw invalid('Tag values must be at most 256 characters.')
    if (tagKey.toLowerCase().startsWith('aws:')) {
      throw invalid('Tag keys and values may not start with the reserved prefix aws:.')
    }
    return [tagKey, value]
  })
}

export function applyTags(target: Tags, tags: [string, string][]): void {
  const added = new Set(tags.map(([key]) => key).filter((key) => !target.has(key))).size
  if (target.size + added > MAX_TAGS) {
    throw invalid(`A resource can have at most ${MAX_TAGS} tags.`)
  }
  for (const [key, value] of tags) target.set(key, value)
}

export function renderTags(tags: Tags): { key: string; value: string }[] {
  return [...tags].map(([key, value]) => ({ key, value }))
}

/** the tags of the cluster, service, task definition or task an ARN names */
function resourceTags(model: EcsModel, arn: string, ctx: CallContext): Tags {
  const parsed = parseEcsArn(arn)
  if (!parsed) throw invalid('Invalid resource ARN.')
  const notFound = (): AwsError =>
    new AwsError('ResourceNotFoundException', 'The specified resource could not be found.')
  const cluster = (name: string | undefined) =>
    name === undefined
      ? undefined
      : model.clusters.get(arn.replace(/:[a-z-]+\/.*$/, `:cluster/${name}`))
  switch (parsed.kind) {
    case 'cluster': {
      const found = model.clusters.get(arn)
      if (!found) throw notFound()
      return found.tags
    }
    case 'service': {
      const owner = cluster(parsed.path[0])
      const found = owner && model.findService(owner, arn)
      if (!found || found.status === 'INACTIVE') throw notFound()
      return found.tags
    }
    case 'task': {
      const found = cluster(parsed.path[0])?.tasks.get(parsed.path.at(-1) ?? '')
      if (!found) throw notFound()
      return found.tags
    }
    case 'task-definition': {
      const found = model.findTaskDefinition(arn, ctx)
      if (!found || !/:[0-9]+$/.test(arn)) throw notFound()
      return found.tags
    }
    default:
      throw invalid('Invalid resource ARN.')
  }
}

export function tagResourceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const tags = readTags(params)
  if (tags.length === 0) throw invalid('tags can not be empty.')
  applyTags(resourceTags(model, requiredString(params, 'resourceArn'), ctx), tags)
  return {}
}

export function untagResourceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const keys = stringList(params, 'tagKeys')
  if (keys.length === 0) throw invalid('tagKeys can not be empty.')
  const tags = resourceTags(model, requiredString(params, 'resourceArn'), ctx)
  for (const key of keys) tags.delete(key)
  return {}
}

export function listTagsForResourceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  return { tags: renderTags(resourceTags(model, requiredString(params, 'resourceArn'), ctx)) }
}
