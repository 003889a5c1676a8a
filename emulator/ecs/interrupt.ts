/**
 * Fargate Spot taking its capacity back: a reason for tasks to stop that is not a bad release,
 * so that a rollout (or a scaling policy) can be watched living through one.
 *
 * What AWS does, and the emulator with it: the notice marks the task for termination at once
 * (desiredStatus STOPPED, stopCode `TerminationNotice`, stoppedReason `Your Spot Task was
 * interrupted.`) and sends its containers SIGTERM; ECS deregisters its targets, and the service
 * scheduler starts a replacement right away, within maximumPercent, as for any task that stops.
 * The task is gone when its targets have drained or two minutes after the notice, whichever is
 * first; then it is STOPPED with stopCode `SpotInterruption`, its containers having exited with
 * the code the request gives (default 143: a process ended by the SIGTERM, 128 + 15). An
 * interruption is not a failure: it does not count against the deployment's circuit breaker.
 */
import type { InterruptRequest, InterruptResult } from '../core/contracts.js'
import { isArn, parseEcsArn } from './ids.js'
import { stopTask } from './lifecycle.js'
import type { EcsModel } from './model.js'
import type { Cluster, Service, Task } from './state.js'
import { StepNotes } from './step-notes.js'

export const SPOT_STOPPED_REASON = 'Your Spot Task was interrupted.'
/** the warning Fargate Spot gives before it takes the capacity back */
export const SPOT_WARNING_MS = 120_000
/** a container's main process ended by SIGTERM */
const DEFAULT_EXIT_CODE = 143

type Refusal = Extract<InterruptResult, { ok: false }>

/** Interrupts the tasks the request names at simulated time `simNow`; all or none. */
export function interruptTasks(
  model: EcsModel,
  request: InterruptRequest,
  simNow: number
): InterruptResult {
  const cluster = findCluster(model, request.cluster)
  if ('ok' in cluster) return cluster
  const chosen = request.tasks
    ? namedTasks(cluster, request.tasks)
    : serviceTasks(model, cluster, request.service ?? '', request.count ?? 1)
  if (!Array.isArray(chosen)) return chosen
  for (const task of chosen) {
    if (task.launchType !== 'FARGATE') {
      return refuse(
        400,
        `task ${task.id} runs on ${task.launchType}: Spot interruptions reach Fargate tasks only`
      )
    }
  }

  const exitCode = request.exitCode ?? DEFAULT_EXIT_CODE
  const notes = new Map<Service, StepNotes>()
  for (const task of chosen) {
    // chosen among service tasks only (interruptible)
    const service = task.service as Service
    let serviceNotes = notes.get(service)
    if (!serviceNotes) {
      serviceNotes = new StepNotes()
      notes.set(service, serviceNotes)
    }
    task.interruption = { reclaimAtSim: simNow + SPOT_WARNING_MS, exitCode }
    stopTask(model, task, simNow, serviceNotes, {
      reason: SPOT_STOPPED_REASON,
      stopCode: 'TerminationNotice',
      failed: false
    })
  }
  for (const [service, serviceNotes] of notes) {
    serviceNotes.post(model, service, simNow)
    service.steady = false
  }
  return {
    ok: true,
    interrupted: chosen.map((task) => ({
      taskArn: task.arn,
      serviceName: task.service?.name ?? '',
      stopCode: task.stopCode ?? '',
      stoppedReason: task.stoppedReason ?? '',
      reclaimAt: new Date(model.clock.wallAt(simNow + SPOT_WARNING_MS)).toISOString()
    }))
  }
}

function findCluster(model: EcsModel, ref: string): Cluster | Refusal {
  const found = [...model.clusters.values()].filter(
    (cluster) => cluster.arn === ref || cluster.name === ref
  )
  if (found.length === 0)
    return refuse(404, `no cluster ${ref}: create it with CreateCluster first`)
  if (found.length > 1) {
    return refuse(
      400,
      `cluster ${ref} exists in ${found.map((cluster) => cluster.region).join(' and ')}: name it by its ARN`
    )
  }
  return found[0] as Cluster
}

function namedTasks(cluster: Cluster, refs: string[]): Task[] | Refusal {
  const tasks = new Set<Task>()
  for (const ref of refs) {
    const id = isArn(ref) ? (parseEcsArn(ref)?.path.at(-1) ?? '') : ref
    const task = cluster.tasks.get(id)
    if (!task || (isArn(ref) && task.arn !== ref)) {
      return refuse(404, `no task ${ref} in cluster ${cluster.name}`)
    }
    if (!interruptible(task)) {
      return refuse(
        400,
        `task ${ref} is ${task.lastStatus} with desiredStatus ${task.desiredStatus}: only a RUNNING task can be interrupted`
      )
    }
    tasks.add(task)
  }
  return [...tasks]
}

function serviceTasks(
  model: EcsModel,
  cluster: Cluster,
  name: string,
  count: number
): Task[] | Refusal {
  const service = model.findService(cluster, name)
  if (!service) return refuse(404, `no service ${name} in cluster ${cluster.name}`)
  // the oldest first: a test that interrupts one task knows which
  const running = [...service.tasks.values()]
    .filter(interruptible)
    .sort((a, b) => (a.runningSim ?? 0) - (b.runningSim ?? 0))
  if (count > running.length) {
    return refuse(
      400,
      `service ${service.name} has ${running.length} RUNNING task(s), fewer than count ${count}`
    )
  }
  return running.slice(0, count)
}

function interruptible(task: Task): boolean {
  // a standalone task (RunTask) is not one a test interrupts here
  return (
    task.service !== undefined && task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING'
  )
}

function refuse(status: 400 | 404, message: string): Refusal {
  return { ok: false, status, message }
}
