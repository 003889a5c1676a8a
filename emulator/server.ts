import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { gunzip } from 'node:zlib'
import { handleControl, CONTROL_PREFIX, type ControlState } from './control/api.js'
import { CallLog } from './control/call-log.js'
import { FaultBook } from './control/faults.js'
import { RateLimiter } from './control/rate-limits.js'
import type { World } from './core/contracts.js'
import { dispatch } from './protocol/dispatch.js'
import { decodeAwsRequest } from './protocol/route.js'
import type { WireResponse } from './protocol/wire.js'

export interface EmulatorOptions {
  /** 0 (the default) takes any free port */
  port?: number
  /** default 127.0.0.1 */
  host?: string
  /** simulated time runs 1/timeScale times faster than the wall clock; `reset` returns to it */
  timeScale?: number
  /** default: a fresh `createWorld()` */
  world?: World
  /** where the emulator reports its own failures (default: stderr) */
  log?: (line: string) => void
  /**
   * the clock, in ms, that the rate limits' buckets refill by (default: the wall clock, as AWS's
   * do); a test brings its own to count a burst and a second's refill exactly
   */
  rateLimitClock?: () => number
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:4599, for AWS_ENDPOINT_URL */
  url: string
  port: number
  world: World
  /** closes the server and every open connection, and leaves no timer behind */
  stop(): Promise<void>
}

const TICK_MS = 20

/** Starts the emulator: one HTTP endpoint for every service, plus the control API. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const world = options.world ?? (await defaultWorld(options.timeScale))
  if (options.timeScale !== undefined) world.clock.timeScale = options.timeScale
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const state: ControlState = {
    world,
    faults: new FaultBook(),
    calls: new CallLog(),
    limits: new RateLimiter(options.rateLimitClock),
    startTimeScale: world.clock.timeScale
  }

  const sockets = new Set<Socket>()
  const waits = new Map<NodeJS.Timeout, (done: boolean) => void>()
  let stopped = false
  const wait = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (stopped) return resolve(false)
      const timer = setTimeout(() => {
        waits.delete(timer)
        resolve(true)
      }, ms)
      waits.set(timer, resolve)
    })

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => serve(req, res, body))
      .catch((error: unknown) => {
        log(`emulator: ${req.method} ${req.url} failed: ${String(error)}`)
        if (!res.headersSent) send(res, jsonAnswer(500, { message: 'emulator failure' }))
        else res.destroy()
      })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator')
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      const { status, body: answer } = await handleControl(req.method ?? 'GET', url, body, state)
      return send(res, jsonAnswer(status, answer))
    }
    const request = decodeAwsRequest(req.headers, body)
    if (!request) {
      return send(
        res,
        jsonAnswer(404, {
          message: `not an AWS call: send an X-Amz-Target header or a form-encoded Action, or use ${CONTROL_PREFIX}`
        })
      )
    }
    const outcome = await dispatch(request, randomUUID(), { ...state, wait, log })
    if ('reset' in outcome) res.socket?.destroy()
    else send(res, outcome.answer)
  }

  const ticker = setInterval(reportingTicker(world, log), TICK_MS)
  ticker.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('emulator: no TCP address')
  // listeners get their loopback sockets only from a running server, never from a bare world
  world.dataPlane?.open()
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  let stopping: Promise<void> | undefined
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    world,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        stopped = true
        clearInterval(ticker)
        for (const [timer, resolveWait] of waits) {
          clearTimeout(timer)
          resolveWait(false)
        }
        waits.clear()
        const planeClosed = world.dataPlane?.close()
        server.close(() => void Promise.resolve(planeClosed).then(() => resolve()))
        // keep-alive connections would otherwise hold close() open until they time out
        for (const socket of sockets) socket.destroy()
      })
      return stopping
    }
  }
}

async function defaultWorld(timeScale: number | undefined): Promise<World> {
  // loaded only when needed, so that a caller bringing its own world does not load the models
  const { createWorld } = await import('./world.js')
  return createWorld(timeScale === undefined ? undefined : { timeScale })
}

/** A failing simulation step is reported once per distinct message, not every 20 ms. */
function reportingTicker(world: World, log: (line: string) => void): () => void {
  const reported = new Set<string>()
  return () => {
    try {
      world.tick()
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      if (!reported.has(message)) {
        reported.add(message)
        log(`emulator: world.tick() failed: ${message}`)
      }
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      // the SDK gzips large PutMetricData bodies (request compression)
      const raw = Buffer.concat(chunks)
      if (req.headers['content-encoding'] !== 'gzip') return resolve(raw.toString('utf8'))
      gunzip(raw, (error, plain) => (error ? reject(error) : resolve(plain.toString('utf8'))))
    })
    req.on('error', reject)
  })
}

function jsonAnswer(status: number, body: unknown): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  }
}

function send(res: ServerResponse, answer: WireResponse): void {
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': String(Buffer.byteLength(answer.body))
  })
  res.end(answer.body)
}
