import type { World } from '../core/contracts.js'
import type { CallFilter, CallLog } from './call-log.js'
import { type FaultBook, parseFaultRule } from './faults.js'
import { parseImageBehavior } from './images.js'
import { asObject, ControlInputError, optionalNumber, rejectUnknownFields } from './input.js'

export const CONTROL_PREFIX = '/_emulator/'

/** What the control API acts on: one per server. */
export interface ControlState {
  world: World
  faults: FaultBook
  calls: CallLog
  /** the timeScale the server started with; `reset` returns to it */
  startTimeScale: number
}

export interface ControlResponse {
  status: number
  body: unknown
}

/**
 * The control API under `/_emulator/` (JSON in and out):
 *
 * - `GET  health`          `{ ok: true }`
 * - `POST reset`           forgets every resource, image behaviour, fault and logged call, and
 *                          puts timeScale back to the one the server was started with
 * - `GET|PUT config`       `{ timeScale }`
 * - `PUT  images`          an ImageBehavior
 * - `GET|POST|DELETE faults`, `DELETE faults/<id>`: POST answers `{ id }`
 * - `GET|DELETE calls`     the call log; GET filters on `?service=&operation=&mutating=`
 */
export function handleControl(
  method: string,
  url: URL,
  body: string,
  state: ControlState
): ControlResponse {
  try {
    return route(method, url, body, state)
  } catch (error) {
    if (error instanceof ControlInputError) return { status: 400, body: { message: error.message } }
    throw error
  }
}

function route(method: string, url: URL, body: string, state: ControlState): ControlResponse {
  const path = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '')
  const { world, faults, calls } = state
  const ok = (result: unknown = { ok: true }): ControlResponse => ({ status: 200, body: result })

  switch (`${method} ${path}`) {
    case 'GET health':
      return ok()
    case 'POST reset':
      world.reset()
      world.clock.timeScale = state.startTimeScale
      faults.clear()
      calls.clear()
      return ok()
    case 'GET config':
      return ok({ timeScale: world.clock.timeScale })
    case 'PUT config': {
      const input = asObject(parseJson(body), 'the config')
      rejectUnknownFields(input, ['timeScale'], 'the config')
      const timeScale = optionalNumber(input.timeScale, 'timeScale', {
        min: 0,
        max: 1000,
        above: true
      })
      if (timeScale !== undefined) world.clock.timeScale = timeScale
      return ok({ timeScale: world.clock.timeScale })
    }
    case 'PUT images': {
      const behavior = parseImageBehavior(parseJson(body))
      world.setImageBehavior(behavior)
      return ok(behavior)
    }
    case 'GET faults':
      return ok(faults.list())
    case 'POST faults':
      return ok({ id: faults.add(parseFaultRule(parseJson(body))) })
    case 'DELETE faults':
      faults.clear()
      return ok()
    case 'GET calls':
      return ok(calls.list(callFilter(url.searchParams)))
    case 'DELETE calls':
      calls.clear()
      return ok()
  }
  const faultId = /^faults\/([^/]+)$/.exec(path)?.[1]
  if (method === 'DELETE' && faultId !== undefined) {
    return faults.remove(decodeURIComponent(faultId))
      ? ok()
      : { status: 404, body: { message: `no fault with id ${faultId}` } }
  }
  return {
    status: 404,
    body: { message: `no control endpoint ${method} ${CONTROL_PREFIX}${path}` }
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    throw new ControlInputError(
      `the request body is not valid JSON: ${JSON.stringify(body.slice(0, 80))}`
    )
  }
}

function callFilter(query: URLSearchParams): CallFilter {
  const filter: CallFilter = {}
  const service = query.get('service')
  const operation = query.get('operation')
  const mutating = query.get('mutating')
  if (service) filter.service = service
  if (operation) filter.operation = operation
  if (mutating !== null) {
    if (mutating !== 'true' && mutating !== 'false') {
      throw new ControlInputError(`mutating must be true or false, got ${JSON.stringify(mutating)}`)
    }
    filter.mutating = mutating === 'true'
  }
  return filter
}
