import type { IncomingMessage, ServerResponse } from 'node:http'
import { mulberry32 } from '../control/faults.js'
import type { SimClock } from '../core/clock.js'
import type { DataPlane, ListenerEndpoint, LoadSpec, LoadStatus } from '../core/contracts.js'
import type { Elbv2Model } from '../elbv2/model.js'
import { LoadGenerator } from './load.js'
import { type DataAnswer, requestFromHttp } from './request.js'
import { type Outcome, type Router, serve } from './serve.js'
import type { ServedRequest } from './served.js'
import { ListenerSockets } from './sockets.js'
import type { TaskAnswerer } from './tasks.js'

export interface DataPlaneDeps {
  clock: SimClock
  elbv2: Elbv2Model
  tasks: TaskAnswerer
  /** where every served request goes (CloudWatch's load balancer metrics) */
  record(served: ServedRequest): void
  /** brings the simulation up to now before a request from a socket is routed */
  catchUp(): void
  log?(line: string): void
}

/** the seed of the draws for requests from sockets; fixed, so that a test's run repeats */
const HTTP_SEED = 7

/**
 * The load balancers' data plane: each listener answers HTTP on a loopback port once `open()`
 * was called (a world without a server opens no socket), and the load generator sends traffic
 * through the same routing in-process. Every request served is recorded for the metrics.
 */
export class SimDataPlane implements DataPlane {
  private readonly sockets: ListenerSockets
  private readonly generator = new LoadGenerator()
  private readonly router: Router
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly log: (line: string) => void
  private random = mulberry32(HTTP_SEED)
  private opened = false

  constructor(private readonly deps: DataPlaneDeps) {
    this.router = { elbv2: deps.elbv2, tasks: deps.tasks, rotation: new Map() }
    this.log = deps.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
    this.sockets = new ListenerSockets((arn, req, res) => this.answerHttp(arn, req, res), this.log)
  }

  open(): void {
    this.opened = true
    this.sync()
  }

  /** gives every listener its socket and closes those of listeners gone (once opened) */
  sync(): void {
    if (this.opened) this.sockets.sync(new Set(this.deps.elbv2.listeners.keys()))
  }

  async listeners(): Promise<ListenerEndpoint[]> {
    this.sync()
    const ports = await this.sockets.ports()
    const endpoints: ListenerEndpoint[] = []
    for (const [arn, port] of ports) {
      const listener = this.deps.elbv2.listeners.get(arn)
      if (!listener) continue
      endpoints.push({
        listenerArn: arn,
        loadBalancerArn: listener.loadBalancerArn,
        listenerPort: listener.port,
        port,
        url: `http://127.0.0.1:${port}`
      })
    }
    return endpoints
  }

  setLoad(spec: LoadSpec): LoadStatus | undefined {
    const listener = this.deps.elbv2.listeners.get(spec.listenerArn)
    if (!listener) return undefined
    const dnsName = this.deps.elbv2.loadBalancers.get(listener.loadBalancerArn)?.dnsName ?? ''
    const { clock } = this.deps
    return this.generator.start(spec, dnsName, clock.simNow(), clock.wallNow())
  }

  stopLoad(listenerArn?: string): boolean {
    return this.generator.stop(listenerArn)
  }

  loads(): LoadStatus[] {
    return this.generator.list()
  }

  /**
   * sends the load due by simulated time `simNow`; the wall-clock budget counts the wall time
   * each step stands for, so that a manual clock's long advance is sent step by step in full
   */
  advance(simNow: number): void {
    this.generator.advance(
      simNow,
      this.deps.clock.wallAt(simNow),
      (arn, request, simAt, random) => {
        try {
          const outcome = serve(this.router, arn, request, simAt, random)
          if (!outcome) return undefined
          this.deps.record(outcome.served)
          return outcome.answer.status
        } catch (error) {
          // a load that fails inside the emulator stops, rather than failing every tick after
          this.log(`emulator: the load on ${arn} stopped: ${describe(error)}`)
          return undefined
        }
      }
    )
  }

  /** forgets loads and turns; the listeners' sockets close as their listeners are gone */
  reset(): void {
    this.generator.clear()
    this.router.rotation.clear()
    this.random = mulberry32(HTTP_SEED)
    this.clearTimers()
    this.sync()
  }

  async close(): Promise<void> {
    this.opened = false
    this.generator.clear()
    this.clearTimers()
    await this.sockets.closeAll()
  }

  private answerHttp(listenerArn: string, req: IncomingMessage, res: ServerResponse): void {
    // the body plays no part in routing; reading it lets the connection be reused
    req.resume()
    const { clock } = this.deps
    let outcome: Outcome | undefined
    try {
      this.deps.catchUp()
      outcome = serve(this.router, listenerArn, requestFromHttp(req), clock.simNow(), this.random)
    } catch (error) {
      this.log(
        `emulator: ${req.method} ${req.url} through ${listenerArn} failed: ${describe(error)}`
      )
      write(res, { status: 500, headers: {}, body: 'emulator failure', delayMs: 0 })
      return
    }
    if (!outcome) {
      res.destroy()
      return
    }
    this.deps.record(outcome.served)
    const wallDelay = outcome.answer.delayMs * clock.timeScale
    if (wallDelay < 1) return write(res, outcome.answer)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      write(res, outcome.answer)
    }, wallDelay)
    this.timers.add(timer)
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

function write(res: ServerResponse, answer: DataAnswer): void {
  if (res.destroyed) return
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': String(Buffer.byteLength(answer.body))
  })
  res.end(answer.body)
}
