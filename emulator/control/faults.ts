import {
  asObject,
  ControlInputError,
  nonEmptyString,
  oneOf,
  optionalNumber,
  rejectUnknownFields
} from './input.js'

export const FAULT_KINDS = ['throttle', 'error500', 'reset', 'latency', 'stale'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** The body of `POST /_emulator/faults`. */
export interface FaultRule {
  /** 'ecs' | 'elbv2' | 'cloudwatch' | '*' */
  service: string
  /** an operation name such as 'ModifyListener', or '*' */
  operation: string
  fault: FaultKind
  /** share of matching calls that fail (0..1); default 1 */
  rate?: number
  /** only the next N matching calls (that the rate picks) fail; default: no limit */
  count?: number
  /** latency: how long the answer is held back (default 1000) */
  latencyMs?: number
  /**
   * stale: how far (simulated milliseconds) behind the truth a matching ECS read answers; only
   * for the ECS reads of STALE_OPERATIONS (see ../ecs/consistency/)
   */
  staleMs?: number
  /** seeds the rate's random draws, so that a test sees the same calls fail every run */
  seed?: number
  /** only calls whose User-Agent contains this (any fault, latency included), e.g. `ecs-blue-green-action` or `app/<id>`: the other callers pass untouched */
  userAgent?: string
}

export interface ActiveFault extends FaultRule {
  id: string
  /** calls still to fail when the rule has a count */
  remaining?: number
}

/** What happens to one call. */
export interface FaultHit {
  id: string
  fault: FaultKind
  latencyMs: number
  /** stale: how far behind the truth the read answers */
  staleMs: number
}

/**
 * The ECS reads that AWS documents as eventually consistent and that a stale rule may lag:
 * "The Amazon ECS API follows an eventual consistency model ... the result of an API command you
 * run that affects your Amazon ECS resources might not be immediately visible to all subsequent
 * commands you run" (Amazon ECS API Reference, RunTask: "Eventual consistency";
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html).
 */
export const STALE_OPERATIONS = ['DescribeServices', 'DescribeTasks', 'ListTasks'] as const

const FIELDS = [
  'service',
  'operation',
  'fault',
  'rate',
  'count',
  'latencyMs',
  'staleMs',
  'seed',
  'userAgent'
]
const DEFAULT_LATENCY_MS = 1000

/** Validates the body of `POST /_emulator/faults`. */
export function parseFaultRule(body: unknown): FaultRule {
  const input = asObject(body, 'the fault rule')
  rejectUnknownFields(input, FIELDS, 'the fault rule')
  const rule: FaultRule = {
    service: input.service === undefined ? '*' : nonEmptyString(input.service, 'service'),
    operation: input.operation === undefined ? '*' : nonEmptyString(input.operation, 'operation'),
    fault: oneOf(input.fault, 'fault', FAULT_KINDS)
  }
  const rate = optionalNumber(input.rate, 'rate', { min: 0, max: 1 })
  const count = optionalNumber(input.count, 'count', { min: 1, integer: true })
  const latencyMs = optionalNumber(input.latencyMs, 'latencyMs', { min: 0, max: 600_000 })
  const seed = optionalNumber(input.seed, 'seed', { min: 0, integer: true })
  if (latencyMs !== undefined && rule.fault !== 'latency') {
    throw new ControlInputError(`latencyMs only applies to fault "latency", not "${rule.fault}"`)
  }
  const staleMs = optionalNumber(input.staleMs, 'staleMs', { min: 0, max: 600_000 })
  if (staleMs !== undefined && rule.fault !== 'stale') {
    throw new ControlInputError(`staleMs only applies to fault "stale", not "${rule.fault}"`)
  }
  if (rule.fault === 'stale') checkStaleRule(rule, staleMs)
  if (rate !== undefined) rule.rate = rate
  if (count !== undefined) rule.count = count
  if (latencyMs !== undefined) rule.latencyMs = latencyMs
  if (staleMs !== undefined) rule.staleMs = staleMs
  if (seed !== undefined) rule.seed = seed
  if (input.userAgent !== undefined) rule.userAgent = nonEmptyString(input.userAgent, 'userAgent')
  return rule
}

/** A stale rule lags ECS reads only: a write, or another service's read, has no past to answer from. */
function checkStaleRule(rule: FaultRule, staleMs: number | undefined): void {
  const reads = STALE_OPERATIONS.join(', ')
  if (rule.service !== 'ecs') {
    throw new ControlInputError(
      `fault "stale" needs service "ecs" (it lags the ECS reads ${reads}), not "${rule.service}"`
    )
  }
  if (rule.operation !== '*' && !(STALE_OPERATIONS as readonly string[]).includes(rule.operation)) {
    throw new ControlInputError(
      `fault "stale" only applies to the ECS reads ${reads} (or "*" for all three), not "${rule.operation}"`
    )
  }
  if (staleMs === undefined) {
    throw new ControlInputError(
      'fault "stale" needs staleMs: how many simulated milliseconds reads lag behind'
    )
  }
}

/**
 * mulberry32: a tiny seeded PRNG. Rates must be repeatable in tests, which Math.random is not.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Entry {
  fault: ActiveFault
  random: () => number
}

/**
 * The injected faults. Rules are tried in the order they were added; the first one that fires
 * decides the call's fate, so at most one fault hits a call.
 */
export class FaultBook {
  private entries: Entry[] = []
  private nextId = 1

  add(rule: FaultRule): string {
    const id = `fault-${this.nextId++}`
    const fault: ActiveFault = { ...rule, id }
    if (rule.count !== undefined) fault.remaining = rule.count
    const seed = rule.seed ?? Math.floor(Math.random() * 2 ** 32)
    this.entries.push({ fault, random: mulberry32(seed) })
    return id
  }

  remove(id: string): boolean {
    const before = this.entries.length
    this.entries = this.entries.filter((entry) => entry.fault.id !== id)
    return this.entries.length < before
  }

  clear(): void {
    this.entries = []
  }

  list(): ActiveFault[] {
    return this.entries.map((entry) => ({ ...entry.fault }))
  }

  /** The fault that hits this call, if any; spends one of the rule's count. */
  hit(service: string, operation: string, userAgent = ''): FaultHit | undefined {
    for (const entry of this.entries) {
      const { fault } = entry
      if (fault.service !== '*' && fault.service !== service) continue
      if (fault.operation !== '*' && fault.operation !== operation) continue
      // "*" of a stale rule means the ECS reads it can lag, never a write
      if (fault.fault === 'stale' && !isStaleRead(service, operation)) continue
      if (fault.userAgent !== undefined && !userAgent.includes(fault.userAgent)) continue
      if (entry.random() >= (fault.rate ?? 1)) continue
      if (fault.remaining !== undefined) {
        fault.remaining--
        if (fault.remaining <= 0) this.remove(fault.id)
      }
      return {
        id: fault.id,
        fault: fault.fault,
        latencyMs: fault.latencyMs ?? DEFAULT_LATENCY_MS,
        staleMs: fault.staleMs ?? 0
      }
    }
    return undefined
  }

  /** the longest lag of the stale rules on this service: how much past its reads may need */
  staleWindowMs(service: string): number {
    let window = 0
    for (const { fault } of this.entries) {
      if (fault.fault === 'stale' && fault.service === service) {
        window = Math.max(window, fault.staleMs ?? 0)
      }
    }
    return window
  }
}

function isStaleRead(service: string, operation: string): boolean {
  return service === 'ecs' && (STALE_OPERATIONS as readonly string[]).includes(operation)
}
