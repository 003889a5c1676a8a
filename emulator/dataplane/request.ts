import type { IncomingMessage } from 'node:http'

/** A request as the load balancer's rules see it. */
export interface DataRequest {
  method: string
  /** the Host header without its port, lower case */
  host: string
  /** the path without the query string, as sent */
  path: string
  query: URLSearchParams
  /** by lower-case name; a header sent twice has two values */
  headers: Map<string, string[]>
  cookies: Map<string, string>
  sourceIp: string
}

/** What the load balancer (or the task behind it) answers. */
export interface DataAnswer {
  status: number
  headers: Record<string, string>
  body: string
  /** simulated milliseconds before the answer is written (the target's response time) */
  delayMs: number
}

export function requestFromHttp(req: IncomingMessage): DataRequest {
  const url = new URL(req.url ?? '/', 'http://load-balancer')
  const headers = new Map<string, string[]>()
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers.set(name.toLowerCase(), values)
  }
  return {
    method: req.method ?? 'GET',
    host: hostOf(headers.get('host')?.[0] ?? ''),
    path: url.pathname,
    query: url.searchParams,
    headers,
    cookies: parseCookies(headers.get('cookie') ?? []),
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
  }
}

/** A request the load generator sends: `path` may carry a query string. */
export function syntheticRequest(spec: {
  host: string
  path: string
  method: string
  headers: Record<string, string>
  sourceIp: string
}): DataRequest {
  const url = new URL(spec.path, 'http://load-balancer')
  const headers = new Map<string, string[]>()
  for (const [name, value] of Object.entries(spec.headers)) headers.set(name.toLowerCase(), [value])
  headers.set('host', [spec.host])
  return {
    method: spec.method,
    host: hostOf(spec.host),
    path: url.pathname,
    query: url.searchParams,
    headers,
    cookies: parseCookies(headers.get('cookie') ?? []),
    sourceIp: spec.sourceIp
  }
}

function hostOf(header: string): string {
  return header.replace(/:[0-9]+$/, '').toLowerCase()
}

function parseCookies(headers: string[]): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const header of headers) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=')
      if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
    }
  }
  return cookies
}
