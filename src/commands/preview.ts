import * as core from '@actions/core'
import { previewGitHubContext } from '../aws/github.js'
import { PreviewEcsAdapter } from '../aws/preview-ecs.js'
import { PreviewElbAdapter } from '../aws/preview-elb.js'
import {
  previewOutputs,
  runPreview,
  runPreviewDestroy,
  runPreviewGc,
  type PreviewDeps,
  type PreviewOutcome
} from '../preview/command.js'
import { code, escapeMarkdown } from '../report/markdown.js'
import type { Settings } from '../rollout/settings.js'
import { commandContext } from './context.js'

type PreviewRun = (settings: Settings, deps: PreviewDeps) => Promise<PreviewOutcome>

function previewSummary(settings: Settings, outcome: PreviewOutcome): string {
  const lines = [`## ECS preview: ${escapeMarkdown(outcome.result)}`, '']
  if (outcome.pr !== undefined) lines.push(`- Pull request: #${outcome.pr}`)
  if (outcome.previewUrl) lines.push(`- URL: ${code(outcome.previewUrl)}`)
  if (settings.release.image) lines.push(`- Image: ${code(settings.release.image)}`)
  if (outcome.service) lines.push(`- Service: ${code(outcome.service)}`)
  if (outcome.reason) lines.push('', `**Reason:** ${escapeMarkdown(outcome.reason)}`)
  if (outcome.changes.length > 0) {
    lines.push('', '### Changes', '', ...outcome.changes.map((c) => `- ${escapeMarkdown(c)}`))
  }
  return `${lines.join('\n')}\n`
}

function previewCommand(run: PreviewRun): (settings: Settings) => Promise<void> {
  return async (settings) => {
    const context = commandContext(settings.timeoutMs)
    try {
      const outcome = await run(settings, {
        ecs: new PreviewEcsAdapter(context.clients.ecs),
        elb: new PreviewElbAdapter(context.clients.elb),
        ...previewGitHubContext(settings.githubToken),
        clock: context.deps.clock,
        observer: context.observer,
        signal: context.deps.signal
      })
      context.observer.close()
      for (const [name, value] of Object.entries(previewOutputs(outcome))) {
        core.setOutput(name, value)
      }
      for (const line of outcome.changes) core.info(line)
      await core.summary.addRaw(previewSummary(settings, outcome)).write()
      if (outcome.result === 'failed') {
        core.setFailed(`Preview failed: ${outcome.reason ?? 'unknown reason'}`)
      }
    } finally {
      context.close()
    }
  }
}

export const runPreviewCommand = previewCommand(runPreview)
export const runPreviewDestroyCommand = previewCommand(runPreviewDestroy)
export const runPreviewGcCommand = previewCommand(runPreviewGc)
