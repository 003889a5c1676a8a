/**
 * Lifecycle hooks at a stage: a PAUSE hook waits for ContinueServiceDeployment, a Lambda hook
 * for its function's answer (simulated, see ./hook-answers.ts); either ends at its timeout with
 * its timeout action. The stage goes on once every hook of it succeeded or was continued.
 */
import type { EcsModel } from '../model.js'
import { hooksOf } from './config.js'
import { hookId } from './ids.js'
import type { HookRun, ServiceDeploymentRecord, Stage } from './state.js'

export function startHooks(
  deployment: ServiceDeploymentRecord,
  stage: Stage,
  simNow: number
): void {
  for (const hook of hooksOf(deployment.configuration)) {
    if (!hook.lifecycleStages.includes(stage)) continue
    deployment.hooks.push({
      hookId: hookId(hook.targetType),
      stage,
      targetType: hook.targetType,
      ...(hook.hookTargetArn === undefined ? {} : { targetArn: hook.hookTargetArn }),
      status: hook.targetType === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      startedSim: simNow,
      expiresSim: simNow + hook.timeoutInMinutes * 60_000,
      timeoutAction: hook.timeoutAction
    })
  }
}

/** the hooks of the stage now running */
export function currentHooks(deployment: ServiceDeploymentRecord): HookRun[] {
  return deployment.hooks.filter(
    (run) => run.stage === deployment.stage && run.startedSim >= deployment.stageSinceSim
  )
}

/**
 * Moves the stage's hooks along; `wait` while one still runs, `rollback` (with why) as soon as one
 * failed or was told to roll back, `continue` once all are done.
 */
export function hookVerdict(
  model: EcsModel,
  deployment: ServiceDeploymentRecord,
  simNow: number
): { verdict: 'wait' | 'continue' } | { verdict: 'rollback'; reason: string } {
  let waiting = false
  for (const run of currentHooks(deployment)) {
    if (run.status === 'IN_PROGRESS' && run.targetType === 'AWS_LAMBDA') {
      const answer = model.hookAnswers.answer(run.targetArn ?? '', (simNow - run.startedSim) / 1000)
      if (answer !== 'IN_PROGRESS') run.status = answer
    }
    if (
      (run.status === 'IN_PROGRESS' || run.status === 'AWAITING_ACTION') &&
      simNow >= run.expiresSim
    ) {
      run.status = 'TIMED_OUT'
      run.decision = run.timeoutAction
    }
    if (run.status === 'FAILED') {
      return {
        verdict: 'rollback',
        reason: `Lifecycle hook ${run.hookId} (${run.targetArn ?? run.targetType}) failed at ${run.stage}.`
      }
    }
    if (run.decision === 'ROLLBACK') {
      const why = run.status === 'TIMED_OUT' ? 'timed out' : 'was answered with ROLLBACK'
      return {
        verdict: 'rollback',
        reason: `Lifecycle hook ${run.hookId} ${why} at ${run.stage}.`
      }
    }
    if (run.status === 'IN_PROGRESS' || (run.status === 'AWAITING_ACTION' && !run.decision))
      waiting = true
  }
  return { verdict: waiting ? 'wait' : 'continue' }
}
