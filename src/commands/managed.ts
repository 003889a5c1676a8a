import * as core from '@actions/core'
import { ServiceDeploymentAdapter } from '../aws/service-deployments.js'
import { actionOutputs } from '../report/outputs.js'
import { managedStatusSummary } from '../report/managed-status.js'
import { InputError, RolloutLockedError, TopologyError } from '../rollout/errors.js'
import { abortManaged, promoteManaged, statusManaged } from '../rollout/managed/control.js'
import { deployManaged, type ManagedDeps } from '../rollout/managed/engine.js'
import { deployManagedWithState, type ManagedDurableDeps } from '../rollout/managed/keeper.js'
import { rollbackManaged } from '../rollout/managed/rollback.js'
import { settleManagedAfterMainStep } from '../rollout/managed/post-step.js'
import type { RolloutOutcome, Settings } from '../rollout/settings.js'
import { commandContext, type CommandContext, POST_STEP_CALL_BUDGET_MS } from './context.js'
import { durableDeps } from './durable.js'
import { finishRollout } from './finish.js'

/** The post step's note of a service deployment the main step was following. */
const MANAGED_STATE = 'managedDeployment'

function managedDeps(context: CommandContext): ManagedDeps {
  return {
    ...context.deps,
    deployments: new ServiceDeploymentAdapter(context.clients.ecs),
    // the post step rolls back a deployment the main step was following when it died
    onManagedState: (state) => {
      const following = 'deploymentArn' in state && state.phase !== 'rolling-back'
      core.saveState(MANAGED_STATE, following ? state.deploymentArn : '')
    }
  }
}

const RUNS: Partial<
  Record<Settings['command'], (settings: Settings, deps: ManagedDeps) => Promise<RolloutOutcome>>
> = { deploy: deployManaged, promote: promoteManaged, abort: abortManaged }

/** deploy keeps its record and lock on the service's production listener rule */
function durable(context: CommandContext, deps: ManagedDeps): ManagedDurableDeps {
  const base = durableDeps(context)
  return { ...deps, tags: base.tags, lock: base.lock, owner: base.owner }
}

/** deploy, promote and abort of a service that ECS deploys itself; `status` reads only. */
export async function runManagedCommand(settings: Settings): Promise<void> {
  const context = commandContext(settings.timeoutMs)
  try {
    const deps = managedDeps(context)
    if (settings.command === 'status') {
      const status = await statusManaged(settings, deps)
      for (const line of status.lines) core.info(line)
      const outputs = actionOutputs({
        result: 'unchanged',
        taskDefinitionArn: '',
        previousTaskDefinitionArn: '',
        liveService: status.service,
        idleService: status.service,
        ...(status.serviceDeployment ? { serviceDeployment: status.serviceDeployment } : {})
      })
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
      await core.summary.addRaw(managedStatusSummary(status)).write()
      return
    }
    const run = RUNS[settings.command]
    if (!run && settings.command !== 'rollback') {
      throw new InputError(
        'command',
        `'${settings.command}' is not available for a service that ECS deploys itself; use ` +
          'deploy, promote, abort, rollback or status'
      )
    }
    const outcome =
      settings.command === 'deploy'
        ? await deployManagedWithState(settings, durable(context, deps))
        : settings.command === 'rollback'
          ? await rollbackManaged(settings, durable(context, deps))
          : settings.command === 'promote'
            ? await promoteManaged(settings, { ...deps, tags: durableDeps(context).tags })
            : await (run ?? deployManaged)(settings, deps)
    // paused: the deployment waits at its hook on purpose; the post step must not roll it back
    if (outcome.result === 'paused') core.saveState(MANAGED_STATE, '')
    await finishRollout(settings, outcome, context)
  } catch (error) {
    const refused = [InputError, TopologyError, RolloutLockedError].some(
      (kind) => error instanceof kind
    )
    if (refused) core.setOutput('result', 'unchanged')
    core.setOutput('reason', error instanceof Error ? error.message : String(error))
    throw error
  } finally {
    context.close()
  }
}

/** The post step's part: true when it had a service deployment to settle. */
export async function runManagedPostStep(): Promise<boolean> {
  const arn = core.getState(MANAGED_STATE)
  if (!arn) return false
  const context = commandContext(POST_STEP_CALL_BUDGET_MS)
  try {
    const line = await settleManagedAfterMainStep(arn, managedDeps(context))
    core.info(line)
  } catch (error) {
    core.setFailed(
      `Could not roll back the service deployment the main step left: ${error instanceof Error ? error.message : String(error)}`
    )
  } finally {
    context.close()
  }
  return true
}
