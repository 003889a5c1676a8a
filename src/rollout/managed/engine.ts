import { TakenOverError } from '../errors.js'
import { errorText, watchingFor, type RolloutDeps, type RunContext } from '../context.js'
import { render } from '../prepare.js'
import type { ServiceDeploymentPort } from '../ports.js'
import type { RolloutOutcome, Settings } from '../settings.js'
import { decideManaged } from './decide.js'
import { follow } from './follow.js'
import { inspectService } from './inspect.js'
import { asPair } from './pair.js'
import { isFinal, type ManagedObserved, type ManagedState } from './state.js'
import { rollBack, rollingBack } from './roll-back.js'
import { formatDuration } from '../duration.js'
import { OWN_WRITE_VISIBLE_WITHIN_MS } from '../own-writes.js'

/** how often DescribeServices is read again for a deployment that UpdateService did not name */
const SHOWN_RETRY_MS = 2_000

export interface ManagedDeps extends RolloutDeps {
  deployments: ServiceDeploymentPort
  /** told each state before its work starts (the record of a durable run) */
  onManagedState?: (state: ManagedState) => void | Promise<void>
}

/** Deploys `settings.release` to the one service `settings.managed` names, which ECS deploys. */
export function deployManaged(settings: Settings, deps: ManagedDeps): Promise<RolloutOutcome> {
  return runManaged({ phase: 'inspect', startedAt: deps.clock.now() }, settings, deps)
}

/** Runs a deploy from any state to its end: each state's work, then decide, until done. */
export async function runManaged(
  initial: ManagedState,
  settings: Settings,
  deps: ManagedDeps
): Promise<RolloutOutcome> {
  const startedAt = 'startedAt' in initial ? initial.startedAt : deps.clock.now()
  const run: RunContext = { settings, deps, deadline: startedAt + settings.timeoutMs }
  let state = initial
  while (state.phase !== 'done') {
    await deps.onManagedState?.(state)
    state = decideManaged(state, await work(state, run, deps), settings)
  }
  await deps.onManagedState?.(state)
  const evidence = run.watching?.evidence
  return { ...state.outcome, ...(evidence ? { evidence } : {}) }
}

async function work(
  state: Exclude<ManagedState, { phase: 'done' }>,
  run: RunContext,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  // inspecting and rendering throw what they refuse: nothing has changed yet
  if (state.phase === 'inspect') {
    deps.observer.phase('Inspect')
    const service = await inspectService(run.settings, deps.deployments, (arn) =>
      deps.elb.readRoute(arn)
    )
    deps.observer.info(
      `${service.name}: ECS deploys it with strategy ${service.strategy}; runs ` +
        `${service.taskDefinitionArn.split('/').at(-1) ?? ''}, production rule ${service.productionRuleArn}`
    )
    const blocked = await watchingFor(run)?.start()
    if (blocked) throw new Error(blocked)
    return { kind: 'inspected', service }
  }
  if (state.phase === 'render') {
    const pair = asPair(state.service)
    const rendered = await render({ phase: 'render', startedAt: state.startedAt, pair }, run)
    if (rendered.kind !== 'rendered') throw new Error('rollout bug: render reported no definition')
    return {
      kind: 'rendered',
      rendered: rendered.rendered,
      same: rendered.same,
      ...(rendered.existing ? { existing: rendered.existing } : {})
    }
  }
  try {
    return await perform(state, run, deps)
  } catch (error) {
    // taken over: the other run carries the deployment on; this one must not roll it back
    if (error instanceof TakenOverError) throw error
    return { kind: 'failed', reason: errorText(error), changed: state.phase !== 'register' }
  }
}

async function perform(
  state: Exclude<ManagedState, { phase: 'done' | 'inspect' | 'render' }>,
  run: RunContext,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  switch (state.phase) {
    case 'register': {
      deps.observer.phase('Register')
      const revision = state.existing ?? (await deps.ecs.registerTaskDefinition(state.rendered))
      deps.observer.info(`registered ${revision.family}:${revision.revision}`)
      return { kind: 'registered', revision }
    }
    case 'start':
      return start(state, deps)
    case 'follow':
      return follow(state, run, deps)
    case 'continue': {
      const deployment = await deps.deployments.describeDeployment(state.deploymentArn)
      if (deployment && isFinal(deployment.status)) {
        return { kind: 'finished', deployment, stoppedTasks: [] }
      }
      const hook = deployment?.hooks.find((each) => each.status === 'AWAITING_ACTION')
      // entered again after the CONTINUE landed: nothing awaits any more, follow on
      if (hook) {
        await deps.deployments.continueDeployment(state.deploymentArn, hook.id, 'CONTINUE')
        deps.observer.info(`continued the deployment at its ${hook.targetType} hook`)
      }
      return { kind: 'continued' }
    }
    case 'roll-back':
      return rollBack(state, deps)
    case 'rolling-back':
      return rollingBack(state, run, deps)
  }
}

/**
 * UpdateService to the new revision. Entered again after a crash, it first looks for the
 * deployment an earlier attempt started, so that ECS is never asked twice.
 */
async function start(
  state: Extract<ManagedState, { phase: 'start' }>,
  deps: ManagedDeps
): Promise<ManagedObserved> {
  const { service, release } = state
  deps.observer.phase(`Deploy ${release.label}`)
  const earlier = await startedSince(state, deps)
  if (earlier) {
    deps.observer.info(`following the service deployment started earlier: ${earlier}`)
    return { kind: 'started', deploymentArn: earlier }
  }
  const arn =
    (await deps.deployments.startDeployment(
      service.cluster,
      service.name,
      release.taskDefinitionArn
    )) ?? (await ownDeploymentShown(state, deps))
  if (!arn) {
    throw new Error(
      `ECS started no service deployment of ${service.name} that its reads showed within ` +
        formatDuration(OWN_WRITE_VISIBLE_WITHIN_MS)
    )
  }
  deps.observer.info(`ECS started service deployment ${arn}`)
  return { kind: 'started', deploymentArn: arn }
}

/**
 * UpdateService answered without naming the deployment it started: DescribeServices may not show
 * it yet (ECS reads are eventually consistent), so it is read again, for a minute at most.
 */
async function ownDeploymentShown(
  state: Extract<ManagedState, { phase: 'start' }>,
  deps: ManagedDeps
): Promise<string | undefined> {
  const until = deps.clock.now() + OWN_WRITE_VISIBLE_WITHIN_MS
  for (;;) {
    const found = await startedSince(state, deps)
    if (found || deps.clock.now() >= until || deps.signal?.aborted) return found
    await deps.clock.sleep(SHOWN_RETRY_MS, deps.signal)
  }
}

/** A deployment of the service to this release, created since the run started. */
async function startedSince(
  state: Extract<ManagedState, { phase: 'start' }>,
  deps: ManagedDeps
): Promise<string | undefined> {
  const { service } = state
  const found = await deps.deployments.describeManagedService(service.cluster, service.name)
  const current = found?.currentDeploymentArn
  if (!current || found.taskDefinitionArn !== state.release.taskDefinitionArn) return undefined
  const recent = await deps.deployments.listDeployments(
    service.cluster,
    service.name,
    state.startedAt
  )
  return recent.includes(current) ? current : undefined
}
