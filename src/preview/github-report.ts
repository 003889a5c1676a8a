import { errorText } from '../rollout/context.js'
import { commentMarker, previewComment, type CommentView } from './comment.js'
import type { PreviewEnvironment, PreviewNames } from './names.js'
import type { DeploymentState, IssueComment, PreviewDeps } from './ports.js'

/**
 * Anyone can post a comment that starts with the marker; only the action's own (a bot's) or
 * one by someone with write access is ever edited, so a stranger's comment is never taken over.
 */
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR'])

function isOwnComment(comment: IssueComment, marker: string): boolean {
  return (
    comment.body.startsWith(marker) &&
    (comment.authorType === 'Bot' || TRUSTED_ASSOCIATIONS.has(comment.authorAssociation))
  )
}

/**
 * The PR's sticky comment and its GitHub deployment. Reporting is not the preview: a GitHub
 * failure (a token without the permission, an outage) is a warning that says which permission
 * is needed, and the preview itself stands.
 */
export class PreviewReporter {
  private deploymentId?: number

  constructor(
    private readonly deps: PreviewDeps,
    private readonly env: PreviewEnvironment,
    private readonly names: PreviewNames
  ) {}

  /** Edits the sticky comment, or writes it when there is none and `create` is set. */
  async comment(view: CommentView, create: boolean): Promise<void> {
    const github = this.deps.github
    if (!github) return
    const marker = commentMarker(this.env)
    const body = previewComment(this.env, view)
    await this.attempt('update the pull request comment', 'pull-requests: write', async () => {
      const existing = (await github.listComments(this.names.pr)).find((c) =>
        isOwnComment(c, marker)
      )
      if (existing) {
        if (existing.body !== body) await github.updateComment(existing.id, body)
      } else if (create) {
        await github.createComment(this.names.pr, body)
      }
    })
  }

  /** A deployment of the commit to environment `pr-N`, in progress. */
  async startDeployment(ref: string | undefined): Promise<void> {
    const github = this.deps.github
    if (!github) return
    if (!ref) {
      this.deps.observer.warn(
        'no commit to record a GitHub deployment for: run on a pull_request event, or the PR head is unknown'
      )
      return
    }
    await this.attempt('create the GitHub deployment', 'deployments: write', async () => {
      this.deploymentId = await github.createDeployment({
        ref,
        environment: this.names.environment,
        description: `Preview of pull request #${this.names.pr}`
      })
      await this.status('in_progress', 'Starting the preview')
    })
  }

  async finishDeployment(ok: boolean, url: string | undefined): Promise<void> {
    if (!this.deps.github || this.deploymentId === undefined) return
    await this.attempt('update the GitHub deployment', 'deployments: write', () =>
      ok
        ? this.status('success', 'The preview is up', url)
        : this.status('failure', 'The preview did not become healthy')
    )
  }

  /** Marks every deployment of environment `pr-N` inactive: the preview is gone. */
  async retireDeployments(): Promise<void> {
    const github = this.deps.github
    if (!github) return
    await this.attempt('mark the GitHub deployments inactive', 'deployments: write', async () => {
      for (const id of await github.listDeployments(this.names.environment)) {
        await github.setDeploymentStatus(id, {
          state: 'inactive',
          description: 'The preview was removed'
        })
      }
    })
  }

  private async status(state: DeploymentState, description: string, url?: string): Promise<void> {
    const github = this.deps.github
    if (!github || this.deploymentId === undefined) return
    await github.setDeploymentStatus(this.deploymentId, {
      state,
      description,
      ...(url ? { environmentUrl: url } : {}),
      ...(this.deps.runUrl ? { logUrl: this.deps.runUrl } : {})
    })
  }

  private async attempt(
    what: string,
    permission: string,
    work: () => Promise<void>
  ): Promise<void> {
    try {
      await work()
    } catch (error) {
      this.deps.observer.warn(
        `could not ${what}: ${errorText(error)}; the workflow's token needs \`permissions: ${permission}\``
      )
    }
  }
}
