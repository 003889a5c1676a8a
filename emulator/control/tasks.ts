import type { InterruptRequest, World } from '../core/contracts.js'
import type { ControlResponse } from './api.js'
import {
  asObject,
  ControlInputError,
  nonEmptyString,
  optionalNumber,
  rejectUnknownFields
} from './input.js'

const FIELDS = ['cluster', 'service', 'count', 'tasks', 'exitCode']
/** as many tasks as DescribeTasks takes at once */
const MAX_TASKS = 100

/**
 * The tasks' part of the control API:
 *
 * - `POST tasks/interrupt`  a Fargate Spot interruption (see ../ecs/interrupt.ts):
 *                           `{ cluster, service, count? }` (the service's `count` oldest RUNNING
 *                           tasks, default 1) or `{ cluster, tasks: [id or ARN, ...] }`, and
 *                           `exitCode?` (0-255, default 143). Answers `{ interrupted: [{ taskArn,
 *                           serviceName, stopCode, stoppedReason, reclaimAt }] }`; all or none
 *
 * Answers undefined for any other path, so that the caller goes on routing.
 */
export function routeTasks(
  method: string,
  path: string,
  body: () => unknown,
  world: World
): ControlResponse | undefined {
  if (path !== 'tasks/interrupt') return undefined
  if (method !== 'POST') {
    return { status: 405, body: { message: `${method} tasks/interrupt: use POST` } }
  }
  const events = world.taskEvents
  if (!events) return { status: 404, body: { message: 'this emulator world runs no tasks' } }
  const result = events.interrupt(parseInterruptRequest(body()))
  return result.ok
    ? { status: 200, body: { interrupted: result.interrupted } }
    : { status: result.status, body: { message: result.message } }
}

/** Validates the body of `POST /_emulator/tasks/interrupt`. */
export function parseInterruptRequest(body: unknown): InterruptRequest {
  const input = asObject(body, 'the interruption')
  rejectUnknownFields(input, FIELDS, 'the interruption')
  const request: InterruptRequest = { cluster: nonEmptyString(input.cluster, 'cluster') }
  if ((input.service === undefined) === (input.tasks === undefined)) {
    throw new ControlInputError(
      'the interruption names either a service (with an optional count) or tasks, not both and not neither'
    )
  }
  if (input.service !== undefined) {
    request.service = nonEmptyString(input.service, 'service')
    const count = optionalNumber(input.count, 'count', { min: 1, max: MAX_TASKS, integer: true })
    if (count !== undefined) request.count = count
  } else {
    if (input.count !== undefined) {
      throw new ControlInputError('count goes with service; tasks names the tasks themselves')
    }
    const tasks = input.tasks
    if (!Array.isArray(tasks) || tasks.length === 0 || tasks.length > MAX_TASKS) {
      throw new ControlInputError(
        `tasks must be a list of 1 to ${MAX_TASKS} task IDs or ARNs, got ${JSON.stringify(tasks).slice(0, 80)}`
      )
    }
    request.tasks = tasks.map((task, index) => nonEmptyString(task, `tasks[${index}]`))
  }
  const exitCode = optionalNumber(input.exitCode, 'exitCode', { min: 0, max: 255, integer: true })
  if (exitCode !== undefined) request.exitCode = exitCode
  return request
}
