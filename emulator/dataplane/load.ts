import { mulberry32 } from '../control/faults.js'
import type { LoadSpec, LoadStatus } from '../core/contracts.js'
import { type DataRequest, syntheticRequest } from './request.js'

/** more requests than this many seconds' worth in one step means the process stalled: skip them */
const CATCH_UP_SECONDS = 5
/**
 * At most this many requests per second of the wall clock, every load together (a request costs
 * about 10 µs): at a small timeScale a simulated second passes in milliseconds, and the
 * simulation must not starve the server that answers the action's calls.
 */
const MAX_PER_WALL_SECOND = 10_000
const MAX_BURST = 1_000
/** where generated requests come from (a documentation address, RFC 5737) */
const SOURCE_IP = '198.51.100.10'
const DEFAULT_SEED = 1

interface RunningLoad {
  status: LoadStatus
  request: DataRequest
  random: () => number
  intervalMs: number
  /** simulated time of the next request */
  nextAt: number
}

/** Sends one request; answers its HTTP status, or undefined when the listener is gone. */
export type Send = (
  listenerArn: string,
  request: DataRequest,
  simAt: number,
  random: () => number
) => number | undefined

/**
 * Steady traffic through listeners, one load per listener, sent in-process on the simulation's
 * steps at evenly spaced simulated instants. Nothing leaves the process and no timer is held:
 * a load is only as busy as the simulation's clock, and stops with reset.
 */
export class LoadGenerator {
  private readonly loads = new Map<string, RunningLoad>()
  private tokens = MAX_BURST
  private lastWall: number | undefined

  start(spec: LoadSpec, defaultHost: string, simNow: number, wallNow: number): LoadStatus {
    const status: LoadStatus = {
      ...structuredClone(spec),
      startedAt: new Date(wallNow).toISOString(),
      sent: 0,
      statuses: {},
      skipped: 0
    }
    const request = syntheticRequest({
      host: spec.host ?? defaultHost,
      path: spec.path ?? '/',
      method: spec.method ?? 'GET',
      headers: spec.headers ?? {},
      sourceIp: SOURCE_IP
    })
    const intervalMs = 1000 / spec.rps
    this.loads.set(spec.listenerArn, {
      status,
      request,
      random: mulberry32(spec.seed ?? DEFAULT_SEED),
      intervalMs,
      nextAt: simNow + intervalMs
    })
    return copy(status)
  }

  stop(listenerArn?: string): boolean {
    if (listenerArn === undefined) {
      const had = this.loads.size > 0
      this.loads.clear()
      return had
    }
    return this.loads.delete(listenerArn)
  }

  list(): LoadStatus[] {
    return [...this.loads.values()].map((load) => copy(load.status))
  }

  advance(simNow: number, wallNow: number, send: Send): void {
    if (this.lastWall !== undefined) {
      const earned = ((wallNow - this.lastWall) * MAX_PER_WALL_SECOND) / 1000
      this.tokens = Math.min(MAX_BURST, this.tokens + Math.max(0, earned))
    }
    this.lastWall = wallNow
    for (const [arn, load] of this.loads) {
      const due = Math.floor((simNow - load.nextAt) / load.intervalMs) + 1
      if (due <= 0) continue
      const cap = Math.min(
        Math.max(1, Math.ceil(load.status.rps * CATCH_UP_SECONDS)),
        Math.floor(this.tokens)
      )
      if (due > cap) {
        load.status.skipped += due - cap
        load.nextAt += (due - cap) * load.intervalMs
      }
      for (let i = Math.min(due, cap); i > 0; i--) {
        this.tokens--
        const status = send(arn, load.request, load.nextAt, load.random)
        if (status === undefined) {
          this.loads.delete(arn)
          break
        }
        load.status.sent++
        load.status.statuses[status] = (load.status.statuses[status] ?? 0) + 1
        load.nextAt += load.intervalMs
      }
    }
  }

  clear(): void {
    this.loads.clear()
    this.tokens = MAX_BURST
    this.lastWall = undefined
  }
}

function copy(status: LoadStatus): LoadStatus {
  return structuredClone(status)
}
