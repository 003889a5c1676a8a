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
import { checkTagKeys, checkTags, MAX_TAGS, tooManyTags } from './tags/rules.js'

/** ECS tags (`[{key, value}]`), validated as ECS does (see tags/rules.ts). */
export function readTags(params: Params, key = 'tags'): [string, string][] {
  return checkTags(
    objectList(params, key).map((tag) => ({
      key: optionalString(tag, 'key'),
      value: optionalString(tag, 'value') ?? ''
    }))
  )
}

export function applyTags(target: Tags, tags: [string, string][]): void {
  const added = new Set(tags.map(([key]) => key).filter((key) => !target.has(key))).size
  if (target.size + added > MAX_TAGS) throw tooManyTags()
  for (const [key, value] of tags) target.set(key, value)
}

export function renderTags(tags: Tags): { key: string; value: string }[] {
  return [...tags].map(([key, value]) => ({ key, value }))
}

/** the tags of the cluster, service, task definition or task an ARN names */
function resourceTags(model: EcsModel, arn: string, ctx: CallContext): Tags {
  const parsed = parseEcsArn(arn)
  if (!parsed) throw invalid('Invalid resource ARN.')
  // an ARN of the old format (service/name, task/id) has no cluster: AWS's words
  if ((parsed.kind === 'service' || parsed.kind === 'task') && parsed.path.length < 2) {
    throw invalid('Long arn format must be used for tagging operations')
  }
  const notFound = (): AwsError =>
    new AwsError('ResourceNotFoundException', 'The specified resource could not be found.')
  // a service or task names its cluster: when that is gone, ECS says so (ClusterNotFoundException
  // is in the errors TagResource, UntagResource and ListTagsForResource list)
  const cluster = (name: string | undefined) => {
    const found =
      name === undefined
        ? undefined
        : model.clusters.get(arn.replace(/:[a-z-]+\/.*$/, `:cluster/${name}`))
    if (!found) throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
    return found
  }
  switch (parsed.kind) {
    case 'cluster': {
      const found = model.clusters.get(arn)
      if (!found) throw notFound()
      return found.tags
    }
    case 'service': {
      const owner = cluster(parsed.path[0])
      const found = model.findService(owner, arn)
      if (!found || found.status === 'INACTIVE') throw notFound()
      return found.tags
    }
    case 'task': {
      const found = cluster(parsed.path[0]).tasks.get(parsed.path.at(-1) ?? '')
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
  checkTagKeys(keys)
  const tags = resourceTags(model, requiredString(params, 'resourceArn'), ctx)
  for (const key of keys) tags.delete(key)
  return {}
}

export function listTagsForResourceOp(model: EcsModel, params: Params, ctx: CallContext): object {
  return { tags: renderTags(resourceTags(model, requiredString(params, 'resourceArn'), ctx)) }
}
