export type PreviewResultKind =
  /** preview: a new preview is up */
  | 'created'
  /** preview: an existing preview runs the new revision */
  | 'updated'
  /** preview: it already ran this; preview-destroy and preview-gc: there was nothing to remove */
  | 'unchanged'
  /** the preview did not become healthy (an existing one still serves its previous revision) */
  | 'failed'
  /** preview-destroy, preview-gc: previews were removed */
  | 'destroyed'
  /** dry-run: what would be done was printed, nothing changed */
  | 'planned'

export interface PreviewOutcome {
  result: PreviewResultKind
  /** the pull request (preview, preview-destroy) */
  pr?: number
  previewUrl?: string
  /** why it failed */
  reason?: string
  /** the preview's ECS service */
  service?: string
  /** the revision the preview runs, and the one it ran before this run */
  taskDefinitionArn?: string
  previousTaskDefinitionArn?: string
  /** what was (or, in a dry run, would be) created, changed or removed, in words */
  changes: string[]
  /** preview-gc: the pull requests whose previews were removed */
  removedPrs: number[]
}

/** The action's outputs for a preview command, by their action.yml names; empty ones left out. */
export function previewOutputs(outcome: PreviewOutcome): Record<string, string> {
  const outputs: Record<string, string | undefined> = {
    result: outcome.result,
    'preview-url': outcome.previewUrl,
    'task-definition-arn': outcome.taskDefinitionArn,
    'previous-task-definition-arn': outcome.previousTaskDefinitionArn,
    reason: outcome.reason
  }
  return Object.fromEntries(
    Object.entries(outputs).filter((entry): entry is [string, string] => Boolean(entry[1]))
  )
}
