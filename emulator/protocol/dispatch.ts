import type { CallContext, World } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import type { CallLog } from '../control/call-log.js'
import type { FaultBook, FaultKind } from '../control/faults.js'
import type { RateLimiter } from '../control/rate-limits.js'
import type { AwsRequest, WireResponse } from './wire.js'

export const ACCOUNT_ID = '123456789012'

/** What the server does with the connection: answer, or drop it without a word (fault "reset"). */
export type CallOutcome = { answer: WireResponse } | { reset: true }

export interface DispatchDeps {
  world: World
  faults: FaultBook
  calls: CallLog
  limits: RateLimiter
  /** resolves true after ms, or false if the server stopped meanwhile */
  wait(ms: number): Promise<boolean>
  /** where a backend's own bug is reported (it answers InternalFailure to the caller) */
  log(line: string): void
}

/**
 * One AWS call from decoded request to answer: injected faults first, then the backend. Every
 * call, faulted or not, is logged at the moment it takes effect, so the log's order is the order
 * in which the world saw the calls.
 */
export async function dispatch(
  request: AwsRequest,
  requestId: string,
  deps: DispatchDeps
): Promise<CallOutcome> {
  const { world, faults, calls } = deps
  const { service, operation, params, region, format } = request
  const userAgent = request.userAgent ?? ''
  const backend = world.backends.find((b) => b.service === service)
  const known = request.decodeError === undefined && backend?.handles(operation) === true
  const mutating = known && backend !== undefined && safeIsMutating(backend, operation)

  let fault: FaultKind | 'rate-limit' | null = null
  // a stale rule needs the past from before the write it lags behind: keep it from now on
  backend?.retainPast?.(faults.staleWindowMs(service))
  const hit = faults.hit(service, operation, userAgent)
  if (hit?.fault === 'latency') {
    fault = 'latency'
    if (!(await deps.wait(hit.latencyMs))) return { reset: true }
  } else if (hit) {
    fault = hit.fault
  }

  const log = (status: number, error: string | null): void =>
    calls.record({
      service,
      operation,
      mutating,
      params,
      status,
      error,
      fault,
      region,
      userAgent,
      at: new Date().toISOString()
    })
  const answer = (error: AwsError): CallOutcome => {
    log(error.status, error.code)
    return { answer: format.error(error, requestId) }
  }

  if (fault === 'reset') {
    // dropped before the backend sees it, so the SDK's retry is the call that takes effect
    log(0, 'ConnectionReset')
    return { reset: true }
  }
  if (fault === 'throttle') return answer(format.throttling())
  if (fault === 'error500') return answer(format.internalFailure())
  if (known && !deps.limits.take({ account: ACCOUNT_ID, region, service, operation, mutating })) {
    fault = 'rate-limit'
    return answer(format.throttling())
  }
  if (request.decodeError) return answer(request.decodeError)
  if (!known || backend === undefined) return answer(format.unknownOperation(operation))

  const ctx: CallContext = { region, accountId: ACCOUNT_ID, requestId, userAgent }
  try {
    world.tick()
    const result =
      fault === 'stale' && hit && backend.callAsOf
        ? backend.callAsOf(operation, params, ctx, hit.staleMs)
        : await backend.call(operation, params, ctx)
    log(200, null)
    return { answer: format.result(operation, result, requestId) }
  } catch (error) {
    if (error instanceof AwsError) return answer(error)
    deps.log(
      `emulator: ${service} ${operation} failed inside the emulator: ${
        error instanceof Error ? (error.stack ?? error.message) : String(error)
      }`
    )
    return answer(format.internalFailure())
  }
}

function safeIsMutating(backend: { isMutating(operation: string): boolean }, operation: string) {
  try {
    return backend.isMutating(operation)
  } catch {
    return false
  }
}
