import type { CallContext } from '../../core/contracts.js'
import { ecsArn, isArn, parseEcsArn } from '../ids.js'
import type { EcsModel } from '../model.js'
import { optionalString, page, type Params, stringList } from '../params.js'
import { describeServicesOp } from '../services.js'
import { describeTasksOp, listTasksOp } from '../tasks.js'
import type { PastTask, ReadHistory } from './history.js'

/**
 * The ECS reads answered as the world was at `simAt` (see ./history.ts for the rule). Each first
 * runs the present read, so that a request AWS refuses is refused alike (same code, same
 * message); only the answer of an accepted request comes from the past.
 */
export type PastRead = (
  model: EcsModel,
  history: ReadHistory,
  params: Params,
  ctx: CallContext,
  simAt: number
) => object

/**
 * What DescribeServices and DescribeTasks share: each asked-for name or ARN as it was at the
 * time `find` looks at, or a MISSING failure for it, as the present reads answer one.
 */
function foundAsOf<V>(
  refs: string[],
  find: (name: string) => V | undefined,
  arnOf: (view: V) => unknown,
  missingArn: (ref: string) => string
): { found: V[]; failures: object[] } {
  const found: V[] = []
  const failures: object[] = []
  for (const ref of refs) {
    const view = find(isArn(ref) ? (parseEcsArn(ref)?.path.at(-1) ?? '') : ref)
    if (view && (!isArn(ref) || arnOf(view) === ref)) found.push(view)
    else failures.push({ arn: isArn(ref) ? ref : missingArn(ref), reason: 'MISSING' })
  }
  return { found, failures }
}

function describeServicesAsOf(
  model: EcsModel,
  history: ReadHistory,
  params: Params,
  ctx: CallContext,
  simAt: number
): object {
  describeServicesOp(model, params, ctx)
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const withTags = stringList(params, 'include').includes('TAGS')
  const { found, failures } = foundAsOf(
    stringList(params, 'services'),
    (name) => history.serviceAt(cluster.arn, name, simAt),
    (view) => view.serviceArn,
    (ref) => ecsArn(ctx, `service/${cluster.name}/${ref}`)
  )
  const services = found.map(({ tags, ...rest }) => (withTags ? { ...rest, tags } : rest))
  return { services, failures }
}

function describeTasksAsOf(
  model: EcsModel,
  history: ReadHistory,
  params: Params,
  ctx: CallContext,
  simAt: number
): object {
  describeTasksOp(model, params, ctx)
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const withTags = stringList(params, 'include').includes('TAGS')
  const { found, failures } = foundAsOf(
    stringList(params, 'tasks'),
    (id) => history.taskAt(cluster.arn, id, simAt),
    (view) => view.taskArn,
    (ref) => ecsArn(cluster, `task/${cluster.name}/${ref}`)
  )
  const tasks = found.map((view) => (withTags ? view : { ...view, tags: [] }))
  return { tasks, failures }
}

function listTasksAsOf(
  model: EcsModel,
  history: ReadHistory,
  params: Params,
  ctx: CallContext,
  simAt: number
): object {
  listTasksOp(model, params, ctx)
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const serviceRef = optionalString(params, 'serviceName')
  const serviceName =
    serviceRef !== undefined && isArn(serviceRef)
      ? parseEcsArn(serviceRef)?.path.at(-1)
      : serviceRef
  const filters = {
    family: optionalString(params, 'family'),
    startedBy: optionalString(params, 'startedBy'),
    launchType: optionalString(params, 'launchType'),
    desiredStatus: optionalString(params, 'desiredStatus') ?? 'RUNNING'
  }
  const arns = history
    .tasksAt(cluster.arn, simAt)
    .filter((task) => serviceName === undefined || task.serviceName === serviceName)
    .filter((task) => listed(task, filters))
    .map((task) => String(task.view.taskArn))
  const { items, nextToken } = page(arns, params)
  return { taskArns: items, ...(nextToken ? { nextToken } : {}) }
}

/** ListTasks' filters, on a task's DescribeTasks view (as ../tasks.ts applies them to the model) */
function listed(
  { view }: PastTask,
  filters: { family?: string; startedBy?: string; launchType?: string; desiredStatus: string }
): boolean {
  const wanted = filters.desiredStatus === 'PENDING' ? 'RUNNING' : filters.desiredStatus
  if (view.desiredStatus !== wanted) return false
  if (filters.desiredStatus === 'PENDING' && view.lastStatus === 'RUNNING') return false
  const family = String(view.taskDefinitionArn ?? '')
    .split('/')
    .at(-1)
    ?.split(':')[0]
  if (filters.family !== undefined && family !== filters.family) return false
  if (filters.startedBy !== undefined && (view.startedBy ?? '') !== filters.startedBy) return false
  if (filters.launchType !== undefined && view.launchType !== filters.launchType) return false
  return true
}

/** the reads a stale fault can lag (../../control/faults.ts STALE_OPERATIONS) */
export const PAST_READS: Record<string, PastRead> = {
  DescribeServices: describeServicesAsOf,
  DescribeTasks: describeTasksAsOf,
  ListTasks: listTasksAsOf
}
