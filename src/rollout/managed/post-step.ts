import type { ServiceDeploymentPort } from '../ports.js'
import { isFinal } from './state.js'

/**
 * The post step of a main step that died while it followed a service deployment: ECS rolls it
 * back (at a hook that awaits an action, else StopServiceDeployment ROLLBACK). One that ended,
 * or that ECS rolls back already, is left as it is. Returns what it did, in words.
 */
export async function settleManagedAfterMainStep(
  arn: string,
  deps: { deployments: ServiceDeploymentPort }
): Promise<string> {
  const deployment = await deps.deployments.describeDeployment(arn)
  if (!deployment) return `the service deployment ${arn} is not known to ECS; nothing to do`
  if (isFinal(deployment.status) || deployment.status.startsWith('ROLLBACK')) {
    return `the service deployment ${arn} is ${deployment.status}; nothing to do`
  }
  const hook = deployment.hooks.find((each) => each.status === 'AWAITING_ACTION')
  if (hook) {
    await deps.deployments.continueDeployment(arn, hook.id, 'ROLLBACK')
    return `the main step stopped while ECS deployed: rolled back at hook ${hook.id} (ContinueServiceDeployment ROLLBACK)`
  }
  await deps.deployments.rollBackDeployment(arn)
  return 'the main step stopped while ECS deployed: rolled back (StopServiceDeployment ROLLBACK)'
}
