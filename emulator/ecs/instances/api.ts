import type { CallContext } from '../../core/contracts.js'
import { isArn } from '../ids.js'
import type { EcsModel } from '../model.js'
import {
  invalid,
  optionalBool,
  optionalString,
  page,
  type Params,
  requiredString,
  stringList
} from '../params.js'
import { matches, parseExpression } from '../placement/expression.js'
import type { Cluster } from '../state.js'
import { attributesOf } from './attributes.js'
import { deregisterContainerInstance } from './registry.js'
import { renderContainerInstance } from './render.js'
import type { ContainerInstance } from './state.js'

const LIST_STATUSES = ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED']
const MAX_DESCRIBE = 100
const MAX_UPDATE = 10

function instancesOf(model: EcsModel, cluster: Cluster): ContainerInstance[] {
  return [...model.instances.values()].filter((instance) => instance.cluster === cluster)
}

/** a container instance of the cluster by its ARN or its ID (the ARN's last part) */
function find(model: EcsModel, cluster: Cluster, ref: string): ContainerInstance | undefined {
  return instancesOf(model, cluster).find((instance) =>
    isArn(ref) ? instance.arn === ref : instance.id === ref
  )
}

export function listContainerInstancesOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const status = optionalString(params, 'status')
  if (status !== undefined && !LIST_STATUSES.includes(status)) {
    throw invalid(`status must be one of ${LIST_STATUSES.join(', ')}.`)
  }
  const filter = optionalString(params, 'filter')
  const expression = filter === undefined ? undefined : parseExpression(filter)
  const arns = instancesOf(model, cluster)
    .filter((instance) =>
      status === undefined ? instance.status !== 'INACTIVE' : instance.status === status
    )
    .filter((instance) => !expression || matches(expression, attributesOf(instance)))
    .map((instance) => instance.arn)
  const { items, nextToken } = page(arns, params)
  return { containerInstanceArns: items, ...(nextToken ? { nextToken } : {}) }
}

export function describeContainerInstancesOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const refs = stringList(params, 'containerInstances')
  if (refs.length === 0) throw invalid('containerInstances can not be empty.')
  if (refs.length > MAX_DESCRIBE) {
    throw invalid(`containerInstances can have at most ${MAX_DESCRIBE} items.`)
  }
  const found: object[] = []
  const failures: object[] = []
  for (const ref of refs) {
    const instance = find(model, cluster, ref)
    if (instance) found.push(renderContainerInstance(instance))
    else failures.push({ arn: ref, reason: 'MISSING' })
  }
  return { containerInstances: found, failures }
}

/**
 * DRAINING: no new task is placed on the instance and its services move their tasks elsewhere
 * (within their deployment's minimum healthy and maximum percent); ACTIVE takes tasks again.
 */
export function updateContainerInstancesStateOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const refs = stringList(params, 'containerInstances')
  if (refs.length === 0) throw invalid('containerInstances can not be empty.')
  if (refs.length > MAX_UPDATE)
    throw invalid(`containerInstances can have at most ${MAX_UPDATE} items.`)
  const status = requiredString(params, 'status')
  if (status !== 'ACTIVE' && status !== 'DRAINING') {
    throw invalid(
      `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, DRAINING, REGISTERING, DEREGISTERING, REGISTRATION_FAILED]`
    )
  }
  const updated: object[] = []
  const failures: object[] = []
  for (const ref of refs) {
    const instance = find(model, cluster, ref)
    if (!instance || instance.status === 'INACTIVE') {
      failures.push({ arn: ref, reason: 'MISSING' })
      continue
    }
    if (instance.status !== status) {
      instance.status = status
      instance.version++
    }
    updated.push(renderContainerInstance(instance))
  }
  return { containerInstances: updated, failures }
}

export function deregisterContainerInstanceOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const ref = requiredString(params, 'containerInstance')
  const instance = find(model, cluster, ref)
  if (!instance || instance.status === 'INACTIVE') {
    throw invalid('The referenced container instance was not found.')
  }
  const force = optionalBool(params, 'force') ?? false
  deregisterContainerInstance(model, instance, force, model.clock.simNow())
  return { containerInstance: renderContainerInstance(instance) }
}
