import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { ElbAdapter } from '../aws/elb.js'
import { LockAdapter } from '../aws/lock.js'
import { InputError, RolloutLockedError, TakenOverError, TopologyError } from '../rollout/errors.js'
import type { DurableDeps } from '../rollout/durable/keeper.js'
import type { RolloutOutcome, Settings } from '../rollout/settings.js'
import { commandContext, runUrl, STATE, type CommandContext } from './context.js'
import { finishRollout } from './finish.js'

/** The command's ports plus the route's tags, and this process as the owner of what it writes. */
export function durableDeps(context: CommandContext): DurableDeps {
  const { GITHUB_RUN_ID: rawRunId, GITHUB_RUN_ATTEMPT: rawAttempt } = process.env
  // GitHub's are digits; anything else (a runner that is not GitHub's) must not reach the token,
  // which goes into tags and a rule condition that take only some characters
  const runId = rawRunId && /^\d{1,20}$/.test(rawRunId) ? rawRunId : undefined
  const attempt = rawAttempt && /^\d{1,5}$/.test(rawAttempt) ? rawAttempt : undefined
  // two attempts of one run, or two jobs of it, are different owners
  const token = `${runId ?? 'local'}.${attempt ?? '1'}.${randomBytes(4).toString('hex')}`
  const url = runUrl()
  return {
    ...context.deps,
    tags: new ElbAdapter(context.clients.elb),
    lock: new LockAdapter(context.clients.elb),
    onPostStep: (hold) => core.saveState(STATE.postStep, hold ? JSON.stringify(hold) : ''),
    owner: { token, ...(runId ? { runId } : {}), ...(url ? { runUrl: url } : {}) }
  }
}

/**
 * Runs a command that acts on the stored rollout and reports its outcome like a deploy. The
 * summary shows the settings the run used (a promote walks the deploy's steps, not its inputs').
 */
export async function runDurableCommand(
  settings: Settings,
  command: (
    settings: Settings,
    deps: DurableDeps
  ) => Promise<{ outcome: RolloutOutcome; settings?: Settings }>
): Promise<RolloutOutcome> {
  const context = commandContext(settings.timeoutMs)
  try {
    const done = await command(settings, durableDeps(context))
    await finishRollout(done.settings ?? settings, done.outcome, context)
    return done.outcome
  } catch (error) {
    // the run that took over owns the traffic now: the post step must not touch it
    if (error instanceof TakenOverError) core.saveState(STATE.postStep, '')
    // a refusal changed nothing: say so in the outputs too, not only in the log. Neither did a
    // deploy that threw (AWS throttling it past its timeout, say): once a deploy has changed
    // anything, every failure ends in an outcome instead
    const refused =
      [InputError, TopologyError, RolloutLockedError].some((kind) => error instanceof kind) ||
      (settings.command === 'deploy' && !(error instanceof TakenOverError))
    if (refused) core.setOutput('result', 'unchanged')
    core.setOutput('reason', error instanceof Error ? error.message : String(error))
    throw error
  } finally {
    context.close()
  }
}
