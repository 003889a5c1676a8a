import type { SideHealth, TargetView, TaskView } from './ports.js'
import { addressWords, targetOf } from './targets.js'

export { targetOf } from './targets.js'
import type { IdleSnapshot } from './observe.js'
import type { OwnWrite } from './own-writes.js'
import type { StoppedTaskReport } from './settings.js'

/** What the gates need to know besides the snapshot. */
export interface GateContext {
  service: string
  targetGroupName: string
  /** the port the service registers its tasks on; undefined matches any */
  containerPort?: number
  taskDefinitionArn: string
  /** where the run is, for the reason: "while bringing up web-green", "at step 2 (25%)" */
  where: string
  /**
   * bake: how many of the wanted tasks may still be on their way rather than serving, because
   * the side was just raised to follow the live side or ECS is replacing an interrupted task
   */
  joining?: number
  /**
   * the run's own UpdateService of the service: a read that does not show it yet (ECS reads are
   * eventually consistent) is waited for, not taken for someone else's change
   */
  ownWrite?: OwnWrite
}

export type Verdict =
  | { kind: 'ready' }
  | { kind: 'waiting' }
  | { kind: 'failed'; reason: string; stoppedTasks: StoppedTaskReport[] }

/** Bring-up: fail fast on anything that will not get better; ready once every new task serves. */
export function bringUpVerdict(snapshot: IdleSnapshot, gate: GateContext): Verdict {
  const failed = failure(snapshot, gate)
  if (failed) return failed
  const { service, primary, tasks } = snapshot
  const desired = service.desiredCount
  const settled = primary?.rolloutState === undefined || primary.rolloutState === 'COMPLETED'
  const ready =
    settled &&
    desired > 0 &&
    service.runningCount === desired &&
    tasks.length >= desired &&
    tasks.every((task) => targetOf(task, snapshot.targets, gate)?.state === 'healthy')
  return ready ? { kind: 'ready' } : { kind: 'waiting' }
}

/**
 * Bake: the new side has to keep every task running and every target healthy, except for the
 * `joining` tasks still on their way (it waits for those); a task that loses its place in the
 * target group (draining) is never one of them.
 */
export function bakeVerdict(snapshot: IdleSnapshot, gate: GateContext): Verdict {
  const failed = failure(snapshot, gate)
  if (failed) return failed
  const { service, tasks } = snapshot
  const joining = gate.joining ?? 0
  const wanted = service.desiredCount
  if (wanted - service.runningCount > joining || tasks.length === 0) {
    return fail(
      `${gate.service} is running ${service.runningCount} of ${wanted} tasks ${gate.where}`
    )
  }
  // more tasks than wanted: ECS starts a replacement before it stops the task it replaces (an
  // instance drained while the minimum healthy percent is 100), and the replacement may be on its way
  const replacing = Math.max(0, tasks.length - wanted)
  let coming = Math.max(0, wanted - tasks.length)
  for (const task of tasks) {
    const target = targetOf(task, snapshot.targets, gate)
    if (target?.state === 'healthy') continue
    coming++
    if (target?.state === 'draining' || coming > joining + replacing) {
      return fail(targetWords(task, target, gate))
    }
  }
  return coming > 0 || service.runningCount < wanted ? { kind: 'waiting' } : { kind: 'ready' }
}

function failure(snapshot: IdleSnapshot, gate: GateContext): Verdict | undefined {
  if (snapshot.rollback) {
    // ECS rolled the release back itself: its tasks failed; nobody else changed the service
    const { to, reason } = snapshot.rollback
    const who = /alarm/i.test(reason ?? '')
      ? "ECS's deployment alarms"
      : "ECS's deployment circuit breaker"
    return {
      kind: 'failed',
      reason: `${who} rolled ${gate.service} back to ${revisionOf(to)} ${gate.where}${reason ? `: ${reason}` : ''}`,
      stoppedTasks: snapshot.stopped.map(stoppedReport)
    }
  }
  if (snapshot.stopped.length > 0) {
    return {
      kind: 'failed',
      reason: stoppedWords(snapshot.stopped, gate.where),
      stoppedTasks: snapshot.stopped.map(stoppedReport)
    }
  }
  const primary = snapshot.primary
  const sighting =
    primary && gate.ownWrite?.sighting(primary.taskDefinitionArn, snapshot.at, gate.where)
  if (primary && primary.taskDefinitionArn !== gate.taskDefinitionArn) {
    if (sighting?.kind === 'late') return fail(sighting.reason)
    if (sighting?.kind !== 'not-yet') {
      return fail(
        `${gate.service} was changed to ${revisionOf(primary.taskDefinitionArn)} by someone else ${gate.where}`
      )
    }
    // the read does not show the run's own update yet: what it shows of the new tasks still counts
    return unhealthyTarget(snapshot, gate) ?? { kind: 'waiting' }
  }
  if (primary?.rolloutState === 'FAILED') {
    const why = primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ''
    return fail(`ECS marked the deployment on ${gate.service} failed ${gate.where}${why}`)
  }
  return unhealthyTarget(snapshot, gate)
}

function unhealthyTarget(snapshot: IdleSnapshot, gate: GateContext): Verdict | undefined {
  for (const task of snapshot.tasks) {
    const target = targetOf(task, snapshot.targets, gate)
    if (target?.state === 'unhealthy') return fail(targetWords(task, target, gate))
  }
  return undefined
}

function fail(reason: string): Verdict {
  return { kind: 'failed', reason, stoppedTasks: [] }
}

function targetWords(task: TaskView, target: TargetView | undefined, gate: GateContext): string {
  const address = addressWords(task, gate.containerPort)
  const state = target ? target.state : 'not registered'
  const why = target?.reason ?? target?.description
  return `target ${address} ${state} in ${gate.targetGroupName} ${gate.where}${why ? `: ${why}` : ''}`
}

/** "2 new tasks stopped at step 1 (10%): Essential container in task exited (exit code 1)" */
function stoppedWords(stopped: TaskView[], where: string): string {
  const causes = [...new Set(stopped.map(causeOf))]
  const count = `${stopped.length} new ${stopped.length === 1 ? 'task' : 'tasks'} stopped`
  return `${count} ${where}: ${causes.join('; ')}`
}

function causeOf(task: TaskView): string {
  const why = task.stoppedReason ?? task.stopCode ?? 'no reason given'
  const exits = [
    ...new Set(
      task.containers
        .filter((container) => container.exitCode !== undefined && container.exitCode !== 0)
        .map((container) => `exit code ${container.exitCode}`)
    )
  ]
  return exits.length > 0 ? `${why} (${exits.join(', ')})` : why
}

function stoppedReport(task: TaskView): StoppedTaskReport {
  return {
    taskArn: task.arn,
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    containers: task.containers.map((container) => ({
      name: container.name,
      exitCode: container.exitCode,
      reason: container.reason
    }))
  }
}

/** Healthy/total of the idle side in a snapshot: new tasks serving out of those wanted. */
export function idleHealth(
  snapshot: IdleSnapshot,
  gate: Pick<GateContext, 'containerPort'>
): SideHealth {
  const healthy = snapshot.tasks.filter(
    (task) => targetOf(task, snapshot.targets, gate)?.state === 'healthy'
  ).length
  return { healthy, total: snapshot.service.desiredCount }
}

/** "idle web-green: 1/2 running, 1/2 healthy" */
export function progressLine(snapshot: IdleSnapshot, gate: GateContext): string {
  const health = idleHealth(snapshot, gate)
  const running = snapshot.primary?.runningCount ?? snapshot.service.runningCount
  const desired = snapshot.service.desiredCount
  return `idle ${gate.service}: ${running}/${desired} running, ${health.healthy}/${desired} healthy`
}

/** `arn:...:task-definition/web:42` -> `web:42` */
export function revisionOf(taskDefinitionArn: string): string {
  return taskDefinitionArn.split('/').at(-1) ?? taskDefinitionArn
}
