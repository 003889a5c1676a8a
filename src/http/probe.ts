import type { HttpProbePort, ProbeAnswer } from '../rollout/ports.js'

/** Bodies past this are cut: a body check reads the start of a page, not a download. */
const MAX_BODY_CHARS = 64 * 1024

/**
 * The test traffic's HTTP client: Node's fetch, one GET at a time per call, no redirects
 * followed (a redirect is the release's answer, and its status is what is checked).
 */
export class FetchProbe implements HttpProbePort {
  constructor(private readonly now: () => number = () => performance.now()) {}

  async get(
    url: string,
    options: { headers: Record<string, string>; timeoutMs: number }
  ): Promise<ProbeAnswer> {
    const started = this.now()
    const elapsed = () => this.now() - started
    try {
      const response = await fetch(url, {
        headers: options.headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs)
      })
      const body = (await response.text()).slice(0, MAX_BODY_CHARS)
      return { ok: true, status: response.status, body, ms: elapsed() }
    } catch (error) {
      return { ok: false, error: failureWords(error, options.timeoutMs), ms: elapsed() }
    }
  }
}

/** fetch says only "fetch failed"; the cause says what happened. */
function failureWords(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs}ms`
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string }) : undefined
  if (cause?.code === 'ECONNREFUSED') return 'connection refused'
  if (cause?.code === 'ECONNRESET') return 'connection reset'
  if (cause?.code === 'ENOTFOUND') return 'host not found'
  return cause?.message ?? (error instanceof Error ? error.message : String(error))
}
