import type { SimClock } from './clock.js'
import type { ViolationLog } from './violations.js'

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
  /** the caller's User-Agent header, passed through for the safety watch (never parsed by a model) */
  userAgent?: string
}

export interface ServiceBackend {
  /** the name used in the call log and in fault rules: 'ecs' | 'elbv2' | 'cloudwatch' */
  readonly service: string
  handles(operation: string): boolean
  isMutating(operation: string): boolean
  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown
  /**
   * Eventual consistency (fault "stale"): keep `ms` of simulated past (0: none), and answer a
   * read as the world was `lagMs` ago. Only backends whose reads can lag have them.
   */
  retainPast?(ms: number): void
  callAsOf?(
    operation: string,
    params: Record<string, unknown>,
    ctx: CallContext,
    lagMs: number
  ): unknown
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
  /**
   * A task started by RunTask with a command override (a one-off task such as a migration) runs
   * `afterSeconds` once RUNNING (default 5) and its container exits with `exitCode` (default 0),
   * whatever `behavior` says of the image's service tasks: the same image can serve healthy
   * behind a service while its migration fails.
   */
  oneOff?: { exitCode?: number; afterSeconds?: number }
  /** share (0..1) of requests through the load balancer that the task answers with a 500 (default 0) */
  errorRate?: number
  /** how long (simulated) the task takes to answer a request (default 10) */
  latencyMs?: number
  /** the status of an answer that is not an error (default 200) */
  status?: number
  /** the body of an answer that is not an error (default `ok`) */
  body?: string
  /** AWS/ECS CPUUtilization of an idle task, in percent (default 5) */
  cpuBaseline?: number
  /** percent of the task's CPU that one request per second costs (default 0.5) */
  cpuPerRequest?: number
  /** AWS/ECS MemoryUtilization of an idle task, in percent (default 20) */
  memoryBaseline?: number
  /** percent of the task's memory that one request per second holds (default 0.1) */
  memoryPerRequest?: number
}

/** Everything the emulator simulates; one per server. */
export interface World {
  readonly clock: SimClock
  readonly backends: ServiceBackend[]
  setImageBehavior(behavior: ImageBehavior): void
  /** advances every simulation to clock.simNow(); called by the server every few milliseconds */
  tick(): void
  /** forgets every resource and behaviour, and every recorded violation */
  reset(): void
  /** the writes that left traffic where it must not be (GET /_emulator/violations), when the world watches */
  readonly violations?: ViolationLog
  /** the load balancers' listeners answering HTTP, when the world simulates them */
  readonly dataPlane?: DataPlane
  /** stops tasks for reasons that are not a release (POST /_emulator/tasks/interrupt), when the world runs tasks */
  readonly taskEvents?: TaskEvents
  /** simulated EC2 instances joining and leaving clusters (/_emulator/container-instances), when the world runs them */
  readonly containerInstances?: ContainerInstanceEvents
  /** what the Lambda functions of ECS lifecycle hooks answer (PUT /_emulator/hooks), when the world runs ECS */
  readonly hookAnswers?: LambdaHookAnswers
}

/** Simulated EC2 instances whose ECS agent registers them in a cluster. */
export interface ContainerInstanceEvents {
  start(request: {
    cluster: string
    count: number
    cpu: number
    memory: number
    instanceType: string
    availabilityZone?: string
  }):
    | { ok: true; started: { ec2InstanceId: string; containerInstanceArn: string }[] }
    | { ok: false; message: string }
  /** false when no running instance has this id */
  stop(ec2InstanceId: string): boolean
}

/** What a simulated lifecycle-hook Lambda function answers, `afterSeconds` (simulated) after ECS invokes it. */
export interface LambdaHookAnswer {
  hookTargetArn: string
  status: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS'
  afterSeconds: number
}

export interface LambdaHookAnswers {
  set(answer: LambdaHookAnswer): void
  list(): LambdaHookAnswer[]
}

/** Tasks a Fargate Spot reclaim interrupts (POST /_emulator/tasks/interrupt). */
export interface InterruptRequest {
  /** the cluster's name or ARN */
  cluster: string
  /** interrupt `count` of this service's running tasks, oldest first ... */
  service?: string
  count?: number
  /** ... or these tasks (IDs or ARNs) */
  tasks?: string[]
  /** what the essential container exits with once the SIGTERM of the notice reaches it (default 143) */
  exitCode?: number
}

export interface InterruptedTask {
  taskArn: string
  serviceName: string
  stopCode: string
  stoppedReason: string
  /** ISO 8601: when Fargate reclaims the task at the latest (two minutes after the notice) */
  reclaimAt: string
}

export type InterruptResult =
  { ok: true; interrupted: InterruptedTask[] } | { ok: false; status: 400 | 404; message: string }

export interface TaskEvents {
  interrupt(request: InterruptRequest): InterruptResult
}

/** A listener of a simulated load balancer as its loopback HTTP endpoint (GET /_emulator/listeners). */
export interface ListenerEndpoint {
  listenerArn: string
  loadBalancerArn: string
  /** the port the listener is configured with in ELBv2 (e.g. 80) */
  listenerPort: number
  /** the loopback port it answers on */
  port: number
  /** e.g. http://127.0.0.1:41234 */
  url: string
}

/** Traffic the built-in load generator sends through a listener (PUT /_emulator/load). */
export interface LoadSpec {
  listenerArn: string
  /** requests per simulated second */
  rps: number
  /** default: the load balancer's DNS name */
  host?: string
  /** default `/` (may carry a query string) */
  path?: string
  /** default GET */
  method?: string
  headers?: Record<string, string>
  /** seeds the random draws (weights, error shares), so that a run repeats; default 1 */
  seed?: number
}

/** A running load and what it has been answered so far. */
export interface LoadStatus extends LoadSpec {
  /** ISO 8601 */
  startedAt: string
  sent: number
  /** answers by HTTP status, e.g. { "200": 180, "503": 4 } */
  statuses: Record<string, number>
  /**
   * requests left out because the simulation fell too far behind (a stalled process), or
   * beyond what the emulator sends per second of the wall clock (10 000, every load together)
   */
  skipped: number
}

/**
 * Each listener answers real HTTP on a loopback port, routing by its rules and weights to the
 * simulated tasks; the load generator sends traffic through the same routing in-process.
 */
export interface DataPlane {
  /** from now on listeners get sockets (the server calls it; a world without a server opens none) */
  open(): void
  /** closes every socket and stops every load; leaves no timer */
  close(): Promise<void>
  /** every listener with its loopback endpoint, once its socket listens */
  listeners(): Promise<ListenerEndpoint[]>
  /** starts or replaces the load on `spec.listenerArn`; undefined when there is no such listener */
  setLoad(spec: LoadSpec): LoadStatus | undefined
  /** stops the load on one listener, or every load; false when there was none to stop */
  stopLoad(listenerArn?: string): boolean
  loads(): LoadStatus[]
}
