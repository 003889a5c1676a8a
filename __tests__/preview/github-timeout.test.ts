import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GITHUB_REQUEST_TIMEOUT_MS, GitHubAdapter } from '../../src/aws/github.js'
import { startGitHubStandin } from '../helpers/github-standin.js'

/** A GitHub API that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, server }
}

describe('the GitHub client', () => {
  it('gives up on a request that gets no answer, after its timeout', async () => {
    expect(GITHUB_REQUEST_TIMEOUT_MS).toBe(10_000)
    const { url, server } = await silentServer()
    try {
      const github = new GitHubAdapter(
        { token: 't', owner: 'acme', repo: 'web', baseUrl: url },
        300
      )
      const started = Date.now()
      const error = await github.createComment(7, 'hello').catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe(
        'the GitHub API did not answer POST /repos/{owner}/{repo}/issues/{issue_number}/comments within 300 ms'
      )
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it('still answers as before within the timeout', async () => {
    const standin = await startGitHubStandin()
    try {
      const github = new GitHubAdapter(
        { token: standin.token, owner: standin.owner, repo: standin.repo, baseUrl: standin.url },
        300
      )
      await github.createComment(7, 'hello')
      expect((await github.listComments(7)).map((c) => c.body)).toEqual(['hello'])
    } finally {
      await standin.stop()
    }
  })
})
