/**
 * The service deployment API: ListServiceDeployments, DescribeServiceDeployments,
 * DescribeServiceRevisions, ContinueServiceDeployment and StopServiceDeployment, as the ECS API
 * reference describes them (errors: InvalidParameterException, ServiceDeploymentNotFoundException,
 * ConflictException).
 */
import type { CallContext } from '../../core/contracts.js'
import { AwsError } from '../../core/errors.js'
import { parseEcsArn } from '../ids.js'
import type { EcsModel } from '../model.js'
import {
  invalid,
  optionalInt,
  optionalObject,
  optionalString,
  type Params,
  requiredString,
  stringList
} from '../params.js'
import type { Service } from '../state.js'
import { renderBrief, renderRevision, renderServiceDeployment } from './render.js'
import { beginRollback } from './rollback.js'
import type { DeploymentStatus, ServiceDeploymentRecord } from './state.js'

const STATUSES: DeploymentStatus[] = [
  'PENDING',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED'
]
const MAX_DESCRIBE = 20
const DEFAULT_PAGE = 20

export function listServiceDeploymentsOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const service = model.service(cluster, requiredString(params, 'service'))
  const statuses = stringList(params, 'status')
  for (const status of statuses) {
    if (!(STATUSES as string[]).includes(status)) {
      throw invalid(
        `Invalid value for status: '${status}'. Valid values are ${STATUSES.join(', ')}.`
      )
    }
  }
  const createdAt = optionalObject(params, 'createdAt')
  const before = createdAt ? instant(createdAt, 'before') : undefined
  const after = createdAt ? instant(createdAt, 'after') : undefined
  const max = optionalInt(params, 'maxResults', 1, 100) ?? DEFAULT_PAGE
  const token = optionalString(params, 'nextToken')
  const start = token === undefined ? 0 : Number(token)
  if (!Number.isInteger(start) || start < 0) throw invalid('The nextToken is not valid.')
  const matching = (service.managed?.deployments ?? []).filter(
    (d) =>
      (statuses.length === 0 || statuses.includes(d.status)) &&
      (before === undefined || d.createdAt <= before) &&
      (after === undefined || d.createdAt >= after)
  )
  const items = matching.slice(start, start + max).map((d) => renderBrief(d))
  return {
    serviceDeployments: items,
    ...(start + max < matching.length ? { nextToken: String(start + max) } : {})
  }
}

export function describeServiceDeploymentsOp(model: EcsModel, params: Params): object {
  const arns = stringList(params, 'serviceDeploymentArns')
  if (arns.length === 0) throw invalid('serviceDeploymentArns can not be empty.')
  if (arns.length > MAX_DESCRIBE)
    throw invalid(`serviceDeploymentArns can have at most ${MAX_DESCRIBE} items.`)
  const serviceDeployments: object[] = []
  const failures: object[] = []
  for (const arn of arns) {
    const found = findServiceDeployment(model, arn)
    if (found)
      serviceDeployments.push(renderServiceDeployment(model, found.service, found.deployment))
    else failures.push({ arn, reason: 'MISSING' })
  }
  return { serviceDeployments, failures }
}

export function describeServiceRevisionsOp(model: EcsModel, params: Params): object {
  const arns = stringList(params, 'serviceRevisionArns')
  if (arns.length === 0) throw invalid('serviceRevisionArns can not be empty.')
  if (arns.length > MAX_DESCRIBE)
    throw invalid(`serviceRevisionArns can have at most ${MAX_DESCRIBE} items.`)
  const serviceRevisions: object[] = []
  const failures: object[] = []
  for (const arn of arns) {
    const service = serviceOf(model, arn, 'service-revision')
    const revision = service?.managed?.revisions.get(arn)
    if (revision) serviceRevisions.push(renderRevision(revision))
    else failures.push({ arn, reason: 'MISSING' })
  }
  return { serviceRevisions, failures }
}

export function continueServiceDeploymentOp(model: EcsModel, params: Params): object {
  const arn = requiredString(params, 'serviceDeploymentArn')
  const hookId = requiredString(params, 'hookId')
  const action = optionalString(params, 'action') ?? 'CONTINUE'
  if (action !== 'CONTINUE' && action !== 'ROLLBACK')
    throw invalid(`Invalid value for action: '${action}'. Valid values are ROLLBACK, CONTINUE.`)
  const { deployment } = mustFind(model, arn)
  const run = deployment.hooks.find((hook) => hook.hookId === hookId)
  if (!run) throw invalid(`The lifecycle hook ${hookId} was not found in the service deployment.`)
  if (deployment.status !== 'IN_PROGRESS') {
    throw conflict(
      `The service deployment is ${deployment.status}; only a service deployment that is IN_PROGRESS can be continued.`
    )
  }
  if (run.targetType !== 'PAUSE' || run.status !== 'AWAITING_ACTION' || run.decision) {
    throw conflict(
      `The lifecycle hook ${hookId} is not a PAUSE hook in AWAITING_ACTION status (it is ${run.targetType} ${run.status}).`
    )
  }
  run.decision = action
  run.status = 'SUCCEEDED'
  deployment.updatedAt = model.clock.wallNow()
  return { serviceDeploymentArn: arn }
}

/**
 * ROLLBACK, the one stop type the API reference and developer guide document as valid (ABORT is
 * in the enum but refused). A deployment already stopping or rolling back goes on doing so; a
 * finished one is a conflict.
 */
export function stopServiceDeploymentOp(model: EcsModel, params: Params): object {
  const arn = requiredString(params, 'serviceDeploymentArn')
  const stopType = optionalString(params, 'stopType') ?? 'ROLLBACK'
  if (stopType !== 'ROLLBACK') {
    throw invalid(`Invalid value for stopType: '${stopType}'. The valid value is ROLLBACK.`)
  }
  const { service, deployment } = mustFind(model, arn)
  if (['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'].includes(deployment.status))
    return { serviceDeploymentArn: arn }
  if (deployment.status !== 'IN_PROGRESS' && deployment.status !== 'PENDING') {
    throw conflict(
      `The service deployment is ${deployment.status}; only a service deployment that is PENDING or IN_PROGRESS can be stopped.`
    )
  }
  beginRollback(
    model,
    service,
    deployment,
    model.clock.simNow(),
    'Service deployment rolled back because of a stop request.'
  )
  if ((deployment.status as string) === 'ROLLBACK_IN_PROGRESS')
    deployment.status = 'ROLLBACK_REQUESTED'
  return { serviceDeploymentArn: arn }
}

/** the ARN of the service deployment DescribeServices shows as current: the newest */
export function currentServiceDeployment(service: Service): string | undefined {
  return service.managed?.deployments[0]?.arn
}

function mustFind(
  model: EcsModel,
  arn: string
): { service: Service; deployment: ServiceDeploymentRecord } {
  const found = findServiceDeployment(model, arn)
  if (!found) {
    throw new AwsError(
      'ServiceDeploymentNotFoundException',
      `The service deployment ${arn} does not exist.`
    )
  }
  return found
}

function findServiceDeployment(
  model: EcsModel,
  arn: string
): { service: Service; deployment: ServiceDeploymentRecord } | undefined {
  const service = serviceOf(model, arn, 'service-deployment')
  const deployment = service?.managed?.deployments.find((d) => d.arn === arn)
  return service && deployment ? { service, deployment } : undefined
}

/** the service a `service-deployment/<cluster>/<service>/<id>` or revision ARN names */
function serviceOf(model: EcsModel, arn: string, kind: string): Service | undefined {
  const parsed = parseEcsArn(arn)
  if (!parsed || parsed.kind !== kind || parsed.path.length !== 3) {
    throw invalid(`${arn} is not a valid ${kind} ARN.`)
  }
  const [clusterName, serviceName] = parsed.path as [string, string, string]
  for (const cluster of model.clusters.values()) {
    if (cluster.name !== clusterName || cluster.region !== parsed.region) continue
    return cluster.services.get(serviceName)
  }
  return undefined
}

function conflict(message: string): AwsError {
  return new AwsError('ConflictException', message)
}

/** a createdAt filter bound: epoch seconds as the JSON protocol sends them */
function instant(filter: Params, key: string): number | undefined {
  const value = filter[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number') throw invalid(`createdAt.${key} must be a timestamp.`)
  return value * 1000
}
