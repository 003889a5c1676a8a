import { context, getOctokit } from '@actions/github'
import type {
  DeploymentState,
  GitHubPort,
  IssueComment,
  PullRequestInfo
} from '../preview/ports.js'

/**
 * The only module that talks to GitHub: PR comments, deployments and the list of open pull
 * requests, through the Octokit client of @actions/github with the workflow's token.
 */

export interface GitHubTarget {
  token: string
  owner: string
  repo: string
  /** default: GITHUB_API_URL (GitHub Enterprise) or https://api.github.com; tests: a local stand-in */
  baseUrl?: string
}

type Octokit = ReturnType<typeof getOctokit>

/** GitHub caps descriptions of deployments and their statuses at 140 characters. */
const DESCRIPTION_MAX = 140

/**
 * How long one GitHub API request may take. Octokit sets none, so a request that hangs would
 * hold the run (a PR comment, a deployment status) past its `timeout`; GitHub answers these in
 * well under a second, so 10 s, as for the AWS calls (see aws/clients.ts).
 */
export const GITHUB_REQUEST_TIMEOUT_MS = 10_000

export class GitHubAdapter implements GitHubPort {
  private readonly octokit: Octokit
  private readonly repo: { owner: string; repo: string }

  constructor(target: GitHubTarget, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS) {
    this.octokit = getOctokit(target.token, target.baseUrl ? { baseUrl: target.baseUrl } : {})
    this.repo = { owner: target.owner, repo: target.repo }
    // a deadline of its own for each request (each page too), through a hook rather than
    // `request` options: those would replace the proxy-aware fetch that @actions/github sets.
    // The options are changed in place: the hooks inside this one (the token's) were bound to
    // this very object, and ignore any other passed on.
    this.octokit.hook.wrap('request', async (request, options) => {
      const deadline = AbortSignal.timeout(timeoutMs)
      const given = options.request?.signal
      options.request = {
        ...options.request,
        signal: given ? AbortSignal.any([given, deadline]) : deadline
      }
      try {
        return await request(options)
      } catch (error) {
        if (!deadline.aborted || given?.aborted) throw error
        throw new Error(
          `the GitHub API did not answer ${options.method} ${options.url} within ${timeoutMs} ms`,
          { cause: error }
        )
      }
    })
  }

  async listComments(issue: number): Promise<IssueComment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.repo,
      issue_number: issue,
      per_page: 100
    })
    return comments.map((c) => ({
      id: c.id,
      body: c.body ?? '',
      authorType: c.user?.type ?? '',
      authorAssociation: c.author_association
    }))
  }

  async createComment(issue: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issue, body })
  }

  async updateComment(commentId: number, body: string): Promise<void> {
    await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: commentId, body })
  }

  async createDeployment(deployment: {
    ref: string
    environment: string
    description: string
  }): Promise<number> {
    const response = await this.octokit.rest.repos.createDeployment({
      ...this.repo,
      ref: deployment.ref,
      environment: deployment.environment,
      description: deployment.description.slice(0, DESCRIPTION_MAX),
      // a preview deploys the PR's commit as it is: no merge, no waiting for status checks
      auto_merge: false,
      required_contexts: [],
      transient_environment: true,
      production_environment: false
    })
    const data: unknown = response.data
    if (
      typeof data !== 'object' ||
      data === null ||
      !('id' in data) ||
      typeof data.id !== 'number'
    ) {
      throw new Error(`GitHub did not create the deployment (HTTP ${response.status})`)
    }
    return data.id
  }

  async setDeploymentStatus(
    deploymentId: number,
    status: {
      state: DeploymentState
      description: string
      environmentUrl?: string
      logUrl?: string
    }
  ): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      ...this.repo,
      deployment_id: deploymentId,
      state: status.state,
      description: status.description.slice(0, DESCRIPTION_MAX),
      ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
      ...(status.logUrl ? { log_url: status.logUrl } : {})
    })
  }

  async listDeployments(environment: string): Promise<number[]> {
    const response = await this.octokit.rest.repos.listDeployments({
      ...this.repo,
      environment,
      per_page: 100
    })
    return response.data.map((d) => d.id)
  }

  async openPullRequests(): Promise<number[]> {
    const pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, {
      ...this.repo,
      state: 'open',
      per_page: 100
    })
    return pulls.map((p) => p.number)
  }
}

/** What main.ts hands a preview command from the workflow's event. */
export interface PreviewGitHubContext {
  /** undefined without a token: no comment, no deployment */
  github?: GitHubPort
  pullRequest?: PullRequestInfo
  sha?: string
  runUrl?: string
}

/**
 * The GitHub side of a preview from the running workflow: the repository, the pull request of a
 * pull_request (or pull_request_target) event, the commit and the run's URL.
 */
export function previewGitHubContext(token: string): PreviewGitHubContext {
  const pull = context.payload.pull_request
  const pullRequest: PullRequestInfo | undefined =
    pull && typeof pull.number === 'number'
      ? {
          number: pull.number,
          headSha: String((pull.head as { sha?: unknown } | undefined)?.sha ?? context.sha),
          title: typeof pull.title === 'string' ? pull.title : undefined,
          headRef:
            typeof (pull.head as { ref?: unknown } | undefined)?.ref === 'string'
              ? (pull.head as { ref: string }).ref
              : undefined
        }
      : undefined
  const repository = process.env.GITHUB_REPOSITORY
  const github =
    token && repository?.includes('/')
      ? new GitHubAdapter({ token, ...context.repo, baseUrl: context.apiUrl })
      : undefined
  const runUrl =
    context.runId && repository
      ? `${context.serverUrl}/${repository}/actions/runs/${context.runId}`
      : undefined
  return {
    ...(github ? { github } : {}),
    ...(pullRequest ? { pullRequest } : {}),
    ...(context.sha ? { sha: context.sha } : {}),
    ...(runUrl ? { runUrl } : {})
  }
}
