import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubStandin, type GitHubStandin } from '../helpers/github-standin.js'

/*
 * What main.ts hands the preview commands comes from the workflow's environment, which
 * @actions/github reads when it is first imported: the environment is set up before that.
 */

let github: GitHubStandin
let dir: string
const saved = { ...process.env }

beforeAll(async () => {
  github = await startGitHubStandin()
  dir = mkdtempSync(join(tmpdir(), 'preview-event-'))
  const event = join(dir, 'event.json')
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      number: 5,
      pull_request: {
        number: 5,
        title: 'Add a <b>thing</b>',
        head: { sha: 'c0ffee'.repeat(6) + 'c0ff', ref: 'feature/thing' }
      }
    })
  )
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_SHA: 'merge0'.repeat(6) + 'merg',
    GITHUB_RUN_ID: '77',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url
  })
})

afterAll(async () => {
  process.env = saved
  rmSync(dir, { recursive: true, force: true })
  await github.stop()
})

describe('the GitHub side of a preview, from the workflow', () => {
  it('is the PR of the event, its head commit, the run, and a client for the repository', async () => {
    const { previewGitHubContext } = await import('../../src/aws/github.js')
    const context = previewGitHubContext(github.token)
    expect(context.pullRequest).toEqual({
      number: 5,
      headSha: 'c0ffee'.repeat(6) + 'c0ff',
      title: 'Add a <b>thing</b>',
      headRef: 'feature/thing'
    })
    expect(context.sha).toBe('merge0'.repeat(6) + 'merg')
    expect(context.runUrl).toBe(`https://github.com/${github.owner}/${github.repo}/actions/runs/77`)
    github.openPulls.add(5)
    expect(await context.github!.openPullRequests()).toEqual([5])
  })

  it('has no client without a token, so nothing is posted', async () => {
    const { previewGitHubContext } = await import('../../src/aws/github.js')
    expect(previewGitHubContext('').github).toBeUndefined()
  })
})
