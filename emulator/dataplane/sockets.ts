import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export type ListenerHandler = (
  listenerArn: string,
  req: IncomingMessage,
  res: ServerResponse
) => void

interface Entry {
  server: Server
  sockets: Set<Socket>
  /** the loopback port once listening; undefined if it could not listen */
  ready: Promise<number | undefined>
}

const HOST = '127.0.0.1'

/**
 * One loopback HTTP server per listener, opened and closed to follow the listeners that exist.
 * Closing destroys open connections too, so that nothing holds the process.
 */
export class ListenerSockets {
  private readonly entries = new Map<string, Entry>()
  private readonly closing = new Set<Promise<void>>()

  constructor(
    private readonly handle: ListenerHandler,
    private readonly log: (line: string) => void
  ) {}

  /** opens a server for each of `listenerArns` that has none, closes those of listeners gone */
  sync(listenerArns: ReadonlySet<string>): void {
    for (const arn of listenerArns) if (!this.entries.has(arn)) this.open(arn)
    for (const arn of [...this.entries.keys()]) if (!listenerArns.has(arn)) this.close(arn)
  }

  /** the loopback port of each listener that listens */
  async ports(): Promise<Map<string, number>> {
    const ports = new Map<string, number>()
    for (const [arn, entry] of [...this.entries]) {
      const port = await entry.ready
      if (port !== undefined) ports.set(arn, port)
    }
    return ports
  }

  /** closes every server; resolves once they and any closed earlier are closed */
  async closeAll(): Promise<void> {
    for (const arn of [...this.entries.keys()]) this.close(arn)
    await Promise.all([...this.closing])
  }

  private open(arn: string): void {
    const server = createServer((req, res) => this.handle(arn, req, res))
    const sockets = new Set<Socket>()
    server.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    const ready = new Promise<number | undefined>((resolve) => {
      server.once('listening', () => {
        const address = server.address()
        resolve(address !== null && typeof address === 'object' ? address.port : undefined)
      })
      server.once('error', (error) => {
        this.log(`emulator: the listener ${arn} could not listen on ${HOST}: ${String(error)}`)
        resolve(undefined)
      })
    })
    server.listen(0, HOST)
    this.entries.set(arn, { server, sockets, ready })
  }

  private close(arn: string): void {
    const entry = this.entries.get(arn)
    if (!entry) return
    this.entries.delete(arn)
    const closed = entry.ready.then(
      () =>
        new Promise<void>((resolve) => {
          if (!entry.server.listening) return resolve()
          entry.server.close(() => resolve())
          for (const socket of entry.sockets) socket.destroy()
        })
    )
    this.closing.add(closed)
    void closed.finally(() => this.closing.delete(closed))
  }
}
