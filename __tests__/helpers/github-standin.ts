/**
 * A local stand-in for the few GitHub REST endpoints the preview commands use: a real HTTP server
 * on 127.0.0.1 that the Octokit client of @actions/github is pointed at through its base URL.
 * It keeps comments, deployments and open pull requests in memory, answers as GitHub does
 * (status codes, Link pagination, bot authors), and logs every request for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Author {
  login: string
  /** User | Bot */
  type: string
  /** OWNER | MEMBER | COLLABORATOR | CONTRIBUTOR | FIRST_TIME_CONTRIBUTOR | NONE */
  association: string
}

export interface StandinComment {
  id: number
  issue: number
  body: string
  author: Author
}

export interface StandinDeploymentStatus {
  id: number
  state: string
  description?: string
  environment_url?: string
  log_url?: string
}

export interface StandinDeployment {
  id: number
  ref: string
  environment: string
  description?: string
  transient_environment?: boolean
  production_environment?: boolean
  statuses: StandinDeploymentStatus[]
}

export interface StandinRequest {
  method: string
  path: string
  body?: Record<string, unknown>
}

export interface GitHubStandin {
  url: string
  owner: string
  repo: string
  token: string
  comments: StandinComment[]
  deployments: StandinDeployment[]
  openPulls: Set<number>
  requests: StandinRequest[]
  /** a comment by someone else, as a person would post it */
  addComment(issue: number, body: string, author: Author): StandinComment
  commentsOn(issue: number): StandinComment[]
  deploymentsOf(environment: string): StandinDeployment[]
  /** the next `times` requests matching method and path are answered with this status */
  fail(method: string, path: RegExp, status: number, message: string, times?: number): void
  /** forgets every failure not yet served */
  clearFailures(): void
  stop(): Promise<void>
}

/** Who the workflow's token comments as. */
export const ACTIONS_BOT: Author = {
  login: 'github-actions[bot]',
  type: 'Bot',
  association: 'NONE'
}

const DEPLOYMENT_STATES = new Set([
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success'
])

interface Fault {
  method: string
  path: RegExp
  status: number
  message: string
  times: number
}

export async function startGitHubStandin(
  options: { owner?: string; repo?: string; token?: string; pageSize?: number } = {}
): Promise<GitHubStandin> {
  const owner = options.owner ?? 'acme'
  const repo = options.repo ?? 'web'
  const token = options.token ?? 'ghs_standin'
  /** GitHub's page cap is 100; a smaller one makes every client paginate */
  const pageSize = options.pageSize ?? 100
  const comments: StandinComment[] = []
  const deployments: StandinDeployment[] = []
  const openPulls = new Set<number>()
  const requests: StandinRequest[] = []
  const faults: Fault[] = []
  let nextId = 1000

  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
    req.on('end', () => {
      try {
        serve(req, res, raw)
      } catch (error) {
        send(res, 500, { message: String(error) })
      }
    })
  })

  function serve(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://standin')
    const method = req.method ?? 'GET'
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined
    requests.push({ method, path: url.pathname, ...(body ? { body } : {}) })
    if (req.headers.authorization !== `token ${token}`) {
      return send(res, 401, { message: 'Bad credentials' })
    }
    const fault = faults.find(
      (f) => f.times > 0 && f.method === method && f.path.test(url.pathname)
    )
    if (fault) {
      fault.times--
      return send(res, fault.status, { message: fault.message })
    }
    const base = `/repos/${owner}/${repo}`
    if (!url.pathname.startsWith(`${base}/`)) return send(res, 404, { message: 'Not Found' })
    const path = url.pathname.slice(base.length)
    let match: RegExpExecArray | null

    if ((match = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(match[1])
      if (method === 'GET') {
        return page(res, url, comments.filter((c) => c.issue === issue).map(renderComment))
      }
      if (method === 'POST') {
        if (typeof body?.body !== 'string' || body.body === '') {
          return send(res, 422, { message: 'Validation Failed: body is missing' })
        }
        const comment = add(issue, body.body, ACTIONS_BOT)
        return send(res, 201, renderComment(comment))
      }
    }
    if ((match = /^\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const comment = comments.find((c) => c.id === Number(match![1]))
      if (!comment) return send(res, 404, { message: 'Not Found' })
      if (typeof body?.body !== 'string') return send(res, 422, { message: 'body is missing' })
      comment.body = body.body
      return send(res, 200, renderComment(comment))
    }
    if (path === '/deployments' && method === 'POST') {
      if (typeof body?.ref !== 'string' || body.ref === '') {
        return send(res, 422, { message: 'Validation Failed: ref is missing' })
      }
      // the repository has status checks: GitHub refuses unless the caller waives them
      if (!Array.isArray(body.required_contexts) || body.required_contexts.length > 0) {
        return send(res, 409, { message: 'Conflict: Commit status checks failed for ' + body.ref })
      }
      const deployment: StandinDeployment = {
        id: nextId++,
        ref: body.ref,
        environment: typeof body.environment === 'string' ? body.environment : 'production',
        ...(typeof body.description === 'string' ? { description: body.description } : {}),
        ...(typeof body.transient_environment === 'boolean'
          ? { transient_environment: body.transient_environment }
          : {}),
        ...(typeof body.production_environment === 'boolean'
          ? { production_environment: body.production_environment }
          : {}),
        statuses: []
      }
      deployments.push(deployment)
      return send(res, 201, renderDeployment(deployment))
    }
    if (path === '/deployments' && method === 'GET') {
      const environment = url.searchParams.get('environment')
      const found = deployments
        .filter((d) => environment === null || d.environment === environment)
        .reverse()
        .map(renderDeployment)
      return page(res, url, found)
    }
    if ((match = /^\/deployments\/(\d+)\/statuses$/.exec(path)) && method === 'POST') {
      const deployment = deployments.find((d) => d.id === Number(match![1]))
      if (!deployment) return send(res, 404, { message: 'Not Found' })
      const state = body?.state
      if (typeof state !== 'string' || !DEPLOYMENT_STATES.has(state)) {
        return send(res, 422, { message: `Validation Failed: state ${String(state)}` })
      }
      const environmentUrl = body?.environment_url
      if (environmentUrl !== undefined && !/^https?:\/\/\S+$/.test(String(environmentUrl))) {
        return send(res, 422, { message: 'Validation Failed: environment_url is not a URL' })
      }
      if (typeof body?.description === 'string' && body.description.length > 140) {
        return send(res, 422, { message: 'Validation Failed: description is too long' })
      }
      const status: StandinDeploymentStatus = {
        id: nextId++,
        state,
        ...(typeof body?.description === 'string' ? { description: body.description } : {}),
        ...(typeof environmentUrl === 'string' ? { environment_url: environmentUrl } : {}),
        ...(typeof body?.log_url === 'string' ? { log_url: body.log_url } : {})
      }
      deployment.statuses.push(status)
      return send(res, 201, status)
    }
    if (path === '/pulls' && method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open'
      if (state !== 'open') return send(res, 422, { message: 'the stand-in lists open PRs only' })
      const pulls = [...openPulls]
        .sort((a, b) => b - a)
        .map((number) => ({ number, state: 'open' }))
      return page(res, url, pulls)
    }
    return send(res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest'
    })
  }

  function add(issue: number, body: string, author: Author): StandinComment {
    const comment = { id: nextId++, issue, body, author }
    comments.push(comment)
    return comment
  }

  function page(res: ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), pageSize)
    const number = Number(url.searchParams.get('page') ?? 1)
    const slice = items.slice((number - 1) * perPage, number * perPage)
    const headers: Record<string, string> = {}
    if (number * perPage < items.length) {
      const next = new URL(url.toString())
      next.searchParams.set('page', String(number + 1))
      headers.link = `<${address}${next.pathname}${next.search}>; rel="next"`
    }
    send(res, 200, slice, headers)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: address,
    owner,
    repo,
    token,
    comments,
    deployments,
    openPulls,
    requests,
    addComment: add,
    commentsOn: (issue) => comments.filter((c) => c.issue === issue),
    deploymentsOf: (environment) => deployments.filter((d) => d.environment === environment),
    fail(method, path, status, message, times = 1) {
      faults.push({ method, path, status, message, times })
    },
    clearFailures() {
      faults.length = 0
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function renderComment(comment: StandinComment): object {
  return {
    id: comment.id,
    body: comment.body,
    user: { login: comment.author.login, type: comment.author.type },
    author_association: comment.author.association
  }
}

function renderDeployment(deployment: StandinDeployment): object {
  const { statuses: _statuses, ...fields } = deployment
  return { ...fields, creator: { login: ACTIONS_BOT.login, type: ACTIONS_BOT.type } }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}
