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

/** How DescribeServices and DescribeTasks differ; the rest of their past answer is shared. */
interface Described<V> {
  /** the present read, run first so that a request AWS refuses is refused alike */
  present: (model: EcsModel, params: Params, ctx: CallContext) => unknown
  /** the request's list of names or ARNs, and the answer's list of views */
  asked: 'services' | 'tasks'
  at: (history: ReadHistory, clusterArn: string, name: string, simAt: number) => V | undefined
  arnOf: (view: V) => unknown
  missingArn: (ctx: CallContext, cluster: ReturnType<EcsModel['cluster']>, ref: string) => string
  /** the view as answered, with the resource's tags only when `include` asks for TAGS */
  shown: (view: V, withTags: boolean) => object
}

/** Each asked-for name or ARN as it was at `simAt`, or a MISSING failure, as the present reads answer one. */
function describeAsOf<V>(described: Described<V>): PastRead {
  return (model, history, params, ctx, simAt) => {
    described.present(model, params, ctx)
    const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
    const withTags = stringList(params, 'include').includes('TAGS')
    const found: object[] = []
    const failures: object[] = []
    for (const ref of stringList(params, described.asked)) {
      const name = isArn(ref) ? (parseEcsArn(ref)?.path.at(-1) ?? '') : ref
      const view = described.at(history, cluster.arn, name, simAt)
      if (view && (!isArn(ref) || described.arnOf(view) === ref)) {
        found.push(described.shown(view, withTags))
      } else {
        const arn = isArn(ref) ? ref : described.missingArn(ctx, cluster, ref)
        failures.push({ arn, reason: 'MISSING' })
      }
    }
    return { [described.asked]: found, failures }
  }
}

const describeServicesAsOf = describeAsOf({
  present: describeServicesOp,
  asked: 'services',
  at: (history, clusterArn, name, simAt) => history.serviceAt(clusterArn, name, simAt),
  arnOf: (view) => view.serviceArn,
  missingArn: (ctx, cluster, ref) => ecsArn(ctx, `service/${cluster.name}/${ref}`),
  shown: ({ tags, ...rest }, withTags) => (withTags ? { ...rest, tags } : rest)
})

const describeTasksAsOf = describeAsOf({
  present: describeTasksOp,
  asked: 'tasks',
  at: (history, clusterArn, id, simAt) => history.taskAt(clusterArn, id, simAt),
  arnOf: (view) => view.taskArn,
  missingArn: (_ctx, cluster, ref) => ecsArn(cluster, `task/${cluster.name}/${ref}`),
  shown: (view, withTags) => (withTags ? view : { ...view, tags: [] })
})

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
