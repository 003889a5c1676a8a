import type { EcsModel } from '../model.js'
import { renderService } from '../service-view.js'
import type { Service, Task } from '../state.js'
import { renderTask } from '../tasks.js'

/**
 * The recent past of every ECS service and task, in the shapes DescribeServices and DescribeTasks
 * answer, so that a read lagged by a "stale" fault can answer as the world was then
 * (eventual consistency, see ../../control/faults.ts STALE_OPERATIONS).
 *
 * The rule: a lagged read at simulated time t answers every service and task as it was at
 * t - staleMs, to the tick: the last view recorded at or before then. A resource created after
 * that instant is not there yet (MISSING, not listed); one changed since shows its old view;
 * one untouched for staleMs reads as it is. Views are recorded whenever the world moves (every
 * tick, before and after every ECS call) and only while some stale rule needs a past, for as long
 * as the longest one needs it. The truth is never touched: the model, the scheduler and the
 * safety watch keep working on the present.
 */
export class ReadHistory {
  private retainMs = 0
  /** simulated time of the first recording since retention was switched on */
  private since?: number
  /** simulated time of the latest recording */
  private latest?: number
  /** `${clusterArn} ${serviceName}` -> views of the service of that name, oldest first */
  private readonly services = new Map<string, Frame[]>()
  /** `${clusterArn} ${taskId}` -> views of the task, oldest first */
  private readonly tasks = new Map<string, Frame[]>()

  /** how much past to keep; 0 forgets it all and stops recording */
  retain(ms: number): void {
    this.retainMs = ms
    if (ms <= 0) this.clear()
  }

  get recording(): boolean {
    return this.retainMs > 0
  }

  clear(): void {
    this.services.clear()
    this.tasks.clear()
    this.since = undefined
    this.latest = undefined
  }

  /**
   * Records what changed since the last recording. `force` re-renders every view: after an API
   * write, which may change fields that the cheap fingerprints do not cover.
   */
  record(model: EcsModel, at: number, force = false): void {
    if (!this.recording) return
    // the world catches up in steps (world.tick) and may still be stepping through a time behind
    // a view already recorded, after an API call answered at the present: what the model holds
    // now is the present's, so it is stamped no earlier than the latest view (out of order, it
    // would be pruned as the past, and the view from before it lost)
    const simNow = Math.max(at, this.latest ?? at)
    this.latest = simNow
    const initial = this.since === undefined
    this.since ??= simNow
    const seenServices = new Set<string>()
    const seenTasks = new Set<string>()
    for (const cluster of model.clusters.values()) {
      for (const service of cluster.services.values()) {
        const key = `${cluster.arn} ${service.name}`
        seenServices.add(key)
        note(
          this.services,
          key,
          simNow,
          serviceFingerprint(service),
          force || initial,
          initial,
          () => ({
            view: renderService(model, service, true)
          })
        )
      }
      for (const task of cluster.tasks.values()) {
        const key = `${cluster.arn} ${task.id}`
        seenTasks.add(key)
        note(this.tasks, key, simNow, taskFingerprint(task), force || initial, initial, () => ({
          view: renderTask(task, true),
          serviceName: task.service?.name
        }))
      }
    }
    gone(this.services, seenServices, simNow)
    gone(this.tasks, seenTasks, simNow)
    prune(this.services, simNow - this.retainMs)
    prune(this.tasks, simNow - this.retainMs)
  }

  /** the service of that name as it was at `simAt`, or undefined if it did not exist then */
  serviceAt(clusterArn: string, name: string, simAt: number): Record<string, unknown> | undefined {
    return this.at(this.services.get(`${clusterArn} ${name}`), simAt)?.view
  }

  taskAt(clusterArn: string, taskId: string, simAt: number): Record<string, unknown> | undefined {
    return this.at(this.tasks.get(`${clusterArn} ${taskId}`), simAt)?.view
  }

  /** every task of the cluster as it was at `simAt`, in the order they first appeared */
  tasksAt(clusterArn: string, simAt: number): PastTask[] {
    const found: PastTask[] = []
    const prefix = `${clusterArn} `
    for (const [key, frames] of this.tasks) {
      if (!key.startsWith(prefix)) continue
      const frame = this.at(frames, simAt)
      if (frame?.view) found.push({ view: frame.view, serviceName: frame.serviceName })
    }
    return found
  }

  private at(frames: Frame[] | undefined, simAt: number): Frame | undefined {
    // before the recording began nothing is known: the view found when it began is the best
    // answer (a resource created since, even in the same instant, did not exist yet)
    if (this.since !== undefined && simAt < this.since) {
      return frames?.[0]?.initial ? frames[0] : undefined
    }
    return frames?.findLast((frame) => frame.at <= simAt)
  }
}

export interface PastTask {
  view: Record<string, unknown>
  serviceName?: string
}

interface Frame {
  at: number
  fingerprint: string
  /** undefined: it no longer existed from `at` on */
  view?: Record<string, unknown>
  serviceName?: string
  /** recorded when the recording began: what was there before it */
  initial?: boolean
}

function note(
  book: Map<string, Frame[]>,
  key: string,
  at: number,
  fingerprint: string,
  force: boolean,
  initial: boolean,
  render: () => { view: object; serviceName?: string }
): void {
  const frames = book.get(key) ?? []
  const last = frames.at(-1)
  if (last?.view && !force && last.fingerprint === fingerprint) return
  const { view, serviceName } = render()
  // a copy: the rendered view may share arrays with the model, which goes on changing
  const frozen = structuredClone(view) as Record<string, unknown>
  if (last?.view && force && JSON.stringify(last.view) === JSON.stringify(frozen)) return
  frames.push({
    at,
    fingerprint,
    view: frozen,
    ...(serviceName ? { serviceName } : {}),
    ...(initial ? { initial } : {})
  })
  book.set(key, frames)
}

function gone(book: Map<string, Frame[]>, seen: Set<string>, at: number): void {
  for (const [key, frames] of book) {
    if (seen.has(key) || frames.at(-1)?.view === undefined) continue
    frames.push({ at, fingerprint: '' })
  }
}

/** forgets the views that no read within the window can still need: keeps the one in force then */
function prune(book: Map<string, Frame[]>, horizon: number): void {
  for (const [key, frames] of book) {
    let drop = 0
    while (drop + 1 < frames.length && (frames[drop + 1]?.at ?? Infinity) <= horizon) drop++
    if (drop > 0) frames.splice(0, drop)
    const only = frames[0]
    if (frames.length === 1 && only && only.view === undefined && only.at <= horizon) {
      book.delete(key)
    }
  }
}

/** what a scheduler step can change of a service's view */
function serviceFingerprint(service: Service): string {
  const deployments = service.deployments
    .map((d) =>
      [d.id, d.status, d.taskDefinitionArn, d.rolloutState, d.failedTasks, d.updatedAt].join(',')
    )
    .join(';')
  const tasks = [...service.tasks.values()]
    .map((task) => `${task.id}:${task.lastStatus}:${task.desiredStatus}:${task.deploymentId}`)
    .join(',')
  return [
    service.arn,
    service.status,
    service.desiredCount,
    service.events.length,
    service.events[0]?.id,
    deployments,
    tasks,
    service.managed?.deployments[0]?.arn,
    service.tags.size
  ].join('|')
}

/** what a lifecycle step can change of a task's view */
function taskFingerprint(task: Task): string {
  return [
    task.arn,
    task.lastStatus,
    task.desiredStatus,
    task.version,
    task.startedAt,
    task.stoppingAt,
    task.stoppedAt,
    task.stopCode,
    task.containers.map((c) => `${c.lastStatus}/${c.exitCode}`).join(','),
    task.tags.size
  ].join('|')
}
