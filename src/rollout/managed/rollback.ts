import { TopologyError } from '../errors.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { inspectService } from './inspect.js'
import { deployManagedWithState, type ManagedDurableDeps } from './keeper.js'
import { decodeManaged } from './record.js'

/**
 * rollback after a promotion: a new service deployment of the revision the service ran before,
 * as the record on the production rule names it, deployed as it is (nothing rendered into it)
 * and followed, gated and recorded like any deploy. ECS shifts the traffic back its own way.
 */
export async function rollbackManaged(
  settings: Settings,
  deps: ManagedDurableDeps
): Promise<RolloutOutcome> {
  const service = await inspectService(settings, deps.deployments, (arn) => deps.elb.readRoute(arn))
  const record = decodeManaged(await deps.tags.readTags(service.productionRuleArn))
  if (
    record?.phase !== 'promoted' ||
    !record.previous ||
    record.revision !== service.taskDefinitionArn
  ) {
    throw new TopologyError(
      `no promotion of ${service.name} to roll back: the record on ${service.productionRuleArn} ` +
        (record
          ? `says '${record.phase}' for ${record.revision ?? 'no revision'}, and the service runs ${service.taskDefinitionArn}`
          : 'is missing') +
        '; deploy the revision you want instead. Nothing was changed'
    )
  }
  deps.observer.info(`rolling ${service.name} back to ${record.previous.split('/').at(-1) ?? ''}`)
  const outcome = await deployManagedWithState(
    {
      ...settings,
      command: 'deploy',
      release: { image: '', environment: [], taskDefinitionRevision: record.previous }
    },
    deps
  )
  return outcome.result === 'promoted' ? { ...outcome, result: 'rolled-back' } : outcome
}
