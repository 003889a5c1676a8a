import { code, escapeMarkdown } from '../report/markdown.js'
import type { PreviewEnvironment } from './names.js'

export type PreviewStatus = 'deploying' | 'ready' | 'failed' | 'removed'

/** What the sticky comment shows. Title and branch come from whoever opened the PR. */
export interface CommentView {
  pr: number
  status: PreviewStatus
  url?: string
  image?: string
  /** `family:revision` */
  revision?: string
  sha?: string
  title?: string
  branch?: string
  reason?: string
  /** a failed update: the previous revision still serves */
  previousServes?: boolean
  /** a failed first start: the service was scaled to 0 until the next push */
  stopped?: boolean
  runUrl?: string
}

const HEADLINE: Record<PreviewStatus, string> = {
  deploying: '⏳ Deploying',
  ready: '✅ Ready',
  failed: '❌ Failed',
  removed: '🗑️ Removed'
}

/** Only URLs this simple are linked; anything else is shown as code. */
const LINKABLE = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~/-]*)?$/
const SHA = /^[0-9a-f]{7,64}$/i

/**
 * The hidden first line the comment is found by on the next run. One per pair, so that two pairs
 * previewed from one PR each keep their own comment.
 */
export function commentMarker(env: PreviewEnvironment): string {
  return `<!-- ecs-blue-green-action:preview:${env.hash} -->`
}

export function previewComment(env: PreviewEnvironment, view: CommentView): string {
  const items: string[] = []
  if (view.url) {
    const url = LINKABLE.test(view.url)
      ? `[${escapeMarkdown(view.url)}](${view.url})`
      : code(view.url)
    items.push(view.status === 'removed' ? `Was at: ${code(view.url)}` : `URL: ${url}`)
  }
  if (view.image) items.push(`Image: ${code(view.image)}`)
  if (view.revision) items.push(`Revision: ${code(view.revision)}`)
  if (view.sha && SHA.test(view.sha)) items.push(`Commit: ${code(view.sha.slice(0, 7))}`)
  if (view.branch) items.push(`Branch: ${code(view.branch)}`)
  const lines = [
    commentMarker(env),
    `### Preview of #${view.pr}: ${HEADLINE[view.status]}`,
    ...(view.title ? ['', `**${escapeMarkdown(view.title)}**`] : []),
    '',
    ...items.map((item) => `- ${item}`)
  ]
  if (view.status === 'failed') {
    lines.push(
      '',
      view.previousServes
        ? 'The update did not become healthy; the preview still serves the previous revision.'
        : view.stopped
          ? 'The preview did not become healthy; it is stopped until the next push.'
          : 'The preview did not become healthy.'
    )
    if (view.reason) lines.push('', `Reason: ${escapeMarkdown(view.reason)}`)
  }
  if (view.status === 'removed')
    lines.push('', 'The preview was removed: its service, rule and target group are gone.')
  if (view.runUrl && LINKABLE.test(view.runUrl)) lines.push('', `[Workflow run](${view.runUrl})`)
  return `${lines.join('\n')}\n`
}
