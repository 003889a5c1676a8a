import type { RunContext } from '../context.js'
import { errorText, withCallPatience } from '../context.js'
import type { ManagedDeps } from './engine.js'
import { isFinal, type ManagedObserved, type ManagedState } from './state.js'

/** How long a rollback is followed after it was asked for (not counted in `timeout`). */
const ROLLBACK_WAIT_MS = 30 * 60_000

/**
 * Asks ECS to roll the deployment back, from what ECS says now: at a hook that awaits an action,
 * ContinueServiceDeployment ROLLBACK; otherwise StopServiceDeployment ROLLBACK. Runs whatever
 * the signal says: a cancel is exactly when it must run. The weights stay ECS's to write.
 */
export function rollBack(
  state: Extract<ManagedState, { phase: 'roll-back' }>,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  // after the timeout too: the rollback is what the timeout calls for
  return withCallPatience(deps, ROLLBACK_ASK_MS, () => askRollBack(state, deps))
}

/** How long the calls that ask ECS to roll back wait out throttling. */
const ROLLBACK_ASK_MS = 120_000

async function askRollBack(
  state: Extract<ManagedState, { phase: 'roll-back' }>,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  deps.observer.phase('Roll back')
  deps.observer.warn(`rolling back: ${state.reason}`)
  const deployment = await deps.deployments.describeDeployment(state.deploymentArn)
  if (!deployment)
    throw new Error(`ECS does not know the service deployment ${state.deploymentArn}`)
  if (isFinal(deployment.status)) return { kind: 'finished', deployment, stoppedTasks: [] }
  if (deployment.status.startsWith('ROLLBACK')) {
    return { kind: 'rollback-requested', how: 'ECS was rolling back already' }
  }
  const hook = deployment.hooks.find((each) => each.status === 'AWAITING_ACTION')
  if (hook) {
    await deps.deployments.continueDeployment(state.deploymentArn, hook.id, 'ROLLBACK')
    deps.observer.info(
      `asked ECS to roll back at the ${hook.targetType} hook (ContinueServiceDeployment ROLLBACK)`
    )
    return { kind: 'rollback-requested', how: 'ContinueServiceDeployment ROLLBACK' }
  }
  await deps.deployments.rollBackDeployment(state.deploymentArn)
  deps.observer.info('asked ECS to roll back (StopServiceDeployment ROLLBACK)')
  return { kind: 'rollback-requested', how: 'StopServiceDeployment ROLLBACK' }
}

/**
 * Follows ECS's rollback to its end. A cancelled run does not wait: the rollback is asked for,
 * ECS carries it out, and `status` shows how it ended.
 */
export async function rollingBack(
  state: Extract<ManagedState, { phase: 'rolling-back' }>,
  run: RunContext,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  const until = deps.clock.now() + ROLLBACK_WAIT_MS
  const interval = Math.max(run.settings.pollIntervalMs, 100)
  let last = ''
  for (;;) {
    let deployment
    try {
      deployment = await deps.deployments.describeDeployment(state.deploymentArn)
    } catch (error) {
      deps.observer.warn(`could not read the rollback: ${errorText(error)}`)
    }
    if (deployment) {
      if (isFinal(deployment.status)) return { kind: 'finished', deployment, stoppedTasks: [] }
      const line = `${deployment.status} at ${deployment.stage ?? 'no stage'}`
      if (line !== last) deps.observer.info(line)
      last = line
    }
    if (deps.signal?.aborted) {
      return {
        kind: 'failed',
        reason: 'the run was cancelled while ECS rolled back',
        changed: true
      }
    }
    if (deps.clock.now() >= until) {
      return { kind: 'failed', reason: 'ECS had not finished after 30m', changed: true }
    }
    await deps.clock.sleep(interval, deps.signal)
  }
}
