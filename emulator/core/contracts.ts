import type { SimClock } from './clock.js'

/**
 * The seam between the protocol layer (HTTP, wire formats, control API, faults, call log) and
 * the backend models (what ECS and ELBv2 hold and do). A model knows no HTTP: it takes the
 * operation's parameters in the API's own shape and returns the response's shape, or throws an
 * AwsError.
 *
 * Parameter and result shapes:
 * - ECS (JSON 1.1): camelCase, exactly the JSON body of the API; timestamps returned as epoch
 *   seconds (numbers, may have fractions).
 * - ELBv2 (Query): PascalCase. The protocol layer decodes `A.member.1.B=x` into
 *   `{ A: [{ B: 'x' }] }`; every scalar arrives as a string (the model coerces numbers and
 *   booleans); an empty list arrives as `''` or is absent. Results are plain objects whose arrays
 *   the protocol layer writes as `<member>` lists, inside `<OpResult>`; timestamps as ISO strings.
 */
export interface CallContext {
  region: string
  accountId: string
  requestId: string
}

export interface ServiceBackend {
  /** the name used in the call log and in fault rules: 'ecs' | 'elbv2' | 'cloudwatch' */
  readonly service: string
  handles(operation: string): boolean
  isMutating(operation: string): boolean
  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown
}

/** How tasks running an image behave (PUT /_emulator/images). */
export interface ImageBehavior {
  image: string
  behavior: 'healthy' | 'unhealthy' | 'crash' | 'degrade'
  /** seconds from launch to RUNNING (default 3) */
  startSeconds?: number
  /** degrade: seconds RUNNING and healthy before it starts failing health checks; crash: seconds RUNNING before the exit (default 20 for degrade, 2 for crash) */
  afterSeconds?: number
  /** crash: the essential container's exit code (default 1) */
  exitCode?: number
}

/** Everything the emulator simulates; one per server. */
export interface World {
  readonly clock: SimClock
  readonly backends: ServiceBackend[]
  setImageBehavior(behavior: ImageBehavior): void
  /** advances every simulation to clock.simNow(); called by the server every few milliseconds */
  tick(): void
  /** forgets every resource and behaviour */
  reset(): void
}
