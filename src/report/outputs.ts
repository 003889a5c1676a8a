import type { RolloutOutcome } from '../rollout/settings.js'

/** What the outputs are made from: a rollout's outcome, or a preview's with its URL. */
export type OutputSource = Pick<
  RolloutOutcome,
  | 'result'
  | 'reason'
  | 'taskDefinitionArn'
  | 'previousTaskDefinitionArn'
  | 'liveService'
  | 'idleService'
> &
  Partial<Pick<RolloutOutcome, 'scaleDownAt' | 'serviceDeployment'>> & { previewUrl?: string }

/**
 * The action's outputs by their action.yml names. An output that has no value is left out, so
 * that `steps.x.outputs.reason != ''` means there is a reason.
 */
export function actionOutputs(outcome: OutputSource): Record<string, string> {
  const outputs: Record<string, string | undefined> = {
    result: outcome.result,
    'task-definition-arn': outcome.taskDefinitionArn,
    'previous-task-definition-arn': outcome.previousTaskDefinitionArn,
    'live-service': outcome.liveService,
    'idle-service': outcome.idleService,
    reason: outcome.reason,
    'preview-url': outcome.previewUrl,
    'scale-down-at':
      outcome.scaleDownAt === undefined ? undefined : new Date(outcome.scaleDownAt).toISOString(),
    ...serviceDeploymentOutputs(outcome.serviceDeployment)
  }
  return Object.fromEntries(
    Object.entries(outputs).filter(
      (entry): entry is [string, string] => (entry[1] ?? '').trim() !== ''
    )
  )
}

/** A service that ECS deploys itself: its deployment, its stage, and the hook it waits at. */
function serviceDeploymentOutputs(
  report: RolloutOutcome['serviceDeployment']
): Record<string, string | undefined> {
  if (!report) return {}
  const expires = report.pausedHook?.expiresAt
  return {
    'service-deployment-arn': report.arn,
    'lifecycle-stage': report.stage,
    'paused-hook': report.pausedHook?.id,
    'paused-hook-expires-at': expires === undefined ? undefined : new Date(expires).toISOString()
  }
}
