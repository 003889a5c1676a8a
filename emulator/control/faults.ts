import {
  asObject,
  ControlInputError,
  nonEmptyString,
  oneOf,
  optionalNumber,
  rejectUnknownFields
} from './input.js'

export const FAULT_KINDS = ['throttle', 'error500', 'reset', 'latency'] as const
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
}

const FIELDS = ['service', 'operation', 'fault', 'rate', 'count', 'latencyMs', 'seed', 'userAgent']
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
  if (rate !== undefined) rule.rate = rate
  if (count !== undefined) rule.count = count
  if (latencyMs !== undefined) rule.latencyMs = latencyMs
  if (seed !== undefined) rule.seed = seed
  if (input.userAgent !== undefined) rule.userAgent = nonEmptyString(input.userAgent, 'userAgent')
  return rule
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
      if (fault.userAgent !== undefined && !userAgent.includes(fault.userAgent)) continue
      if (entry.random() >= (fault.rate ?? 1)) continue
      if (fault.remaining !== undefined) {
        fault.remaining--
        if (fault.remaining <= 0) this.remove(fault.id)
      }
      return { id: fault.id, fault: fault.fault, latencyMs: fault.latencyMs ?? DEFAULT_LATENCY_MS }
    }
    return undefined
  }
}
