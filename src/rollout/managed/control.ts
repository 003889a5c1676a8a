import { TopologyError } from '../errors.js'
import type { RolloutOutcome, ServiceDeploymentReport, Settings } from '../settings.js'
import { report } from './decide.js'
import { runManaged, type ManagedDeps } from './engine.js'
import { hookWords, progressLine, weightOn } from './follow.js'
import { inspectService } from './inspect.js'
import { decodeManaged, encodeManaged, recordOf, type ManagedRecord } from './record.js'
import type { TagPort } from '../ports.js'
import type { ManagedService, ManagedState } from './state.js'
import { isFinal } from './state.js'

/** The service and the deployment ECS runs or ran last, as ECS says now. */
async function current(settings: Settings, deps: ManagedDeps) {
  const service = await inspectService(settings, deps.deployments, (arn) => deps.elb.readRoute(arn))
  const found = await deps.deployments.describeManagedService(settings.cluster, service.name)
  const arn = found?.currentDeploymentArn
  const deployment = arn ? await deps.deployments.describeDeployment(arn) : undefined
  return { service, deployment, taskDefinitionArn: found?.taskDefinitionArn ?? '' }
}

/** A deployment of `service` to the revision it runs now, entered at `phase`. */
function followingState(
  service: ManagedService,
  taskDefinitionArn: string,
  deploymentArn: string,
  now: number
): Omit<Extract<ManagedState, { phase: 'follow' }>, 'phase'> {
  // while a deployment runs, the service's production rule still weights the old side most
  return {
    startedAt: now,
    service,
    release: {
      taskDefinitionArn,
      label: taskDefinitionArn.split('/').at(-1) ?? taskDefinitionArn,
      previousTaskDefinitionArn: ''
    },
    deploymentArn,
    tested: true
  }
}

/** promote: ContinueServiceDeployment CONTINUE at the hook ECS waits at, then follows the rest. */
export async function promoteManaged(
  settings: Settings,
  deps: ManagedDeps & { tags?: TagPort }
): Promise<RolloutOutcome> {
  const { service, deployment, taskDefinitionArn } = await current(settings, deps)
  const waiting = deployment?.hooks.find((hook) => hook.status === 'AWAITING_ACTION')
  if (!deployment || isFinal(deployment.status) || !waiting) {
    throw new TopologyError(
      `${service.name} has no service deployment waiting at a hook` +
        (deployment ? ` (${progressLine(deployment)})` : '') +
        '; nothing to promote, nothing was changed'
    )
  }
  const state = followingState(service, taskDefinitionArn, deployment.arn, deps.clock.now())
  const record = await recordOfDeployment(service, deployment.arn, deps)
  const release = record?.previous
    ? { ...state.release, previousTaskDefinitionArn: record.previous }
    : state.release
  const outcome = await runManaged({ ...state, release, phase: 'continue' }, settings, deps)
  if (record && deps.tags)
    await recordEnding(service, record, outcome, { ...deps, tags: deps.tags })
  return outcome
}

/**
 * The record of the deploy that started `deploymentArn` (tags of the production rule): it names
 * the task definition the service ran before, where ECS names only service revisions.
 */
async function recordOfDeployment(
  service: ManagedService,
  deploymentArn: string,
  deps: ManagedDeps & { tags?: TagPort }
): Promise<ManagedRecord | undefined> {
  if (!deps.tags) return undefined
  try {
    const record = decodeManaged(await deps.tags.readTags(service.productionRuleArn))
    return record?.deploymentArn === deploymentArn ? record : undefined
  } catch {
    // the outputs miss a value; the promotion itself does not depend on it
    return undefined
  }
}

/**
 * The deploy's record says how the promote ended, so that `rollback` finds the promotion (it
 * rolls back only what the record says was promoted). Only warned about when it fails: the
 * deployment has ended either way.
 */
async function recordEnding(
  service: ManagedService,
  record: ManagedRecord,
  outcome: RolloutOutcome,
  deps: ManagedDeps & { tags: TagPort }
): Promise<void> {
  const ending = recordOf(
    { phase: 'done', outcome },
    record.ownerToken,
    deps.clock.now(),
    record.startedAt
  )
  if (!ending) return
  try {
    await deps.tags.writeTags(service.productionRuleArn, encodeManaged(ending))
  } catch (error) {
    deps.observer.warn(
      `could not record the promote's ending on ${service.productionRuleArn}: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

/** abort: ECS rolls the deployment back (at its hook, else StopServiceDeployment). */
export async function abortManaged(settings: Settings, deps: ManagedDeps): Promise<RolloutOutcome> {
  const { service, deployment, taskDefinitionArn } = await current(settings, deps)
  if (!deployment || isFinal(deployment.status)) {
    throw new TopologyError(
      `${service.name} has no service deployment in progress; nothing to abort, nothing was changed`
    )
  }
  const state = followingState(service, taskDefinitionArn, deployment.arn, deps.clock.now())
  const outcome = await runManaged(
    { ...state, phase: 'roll-back', reason: 'aborted (command: abort)' },
    settings,
    deps
  )
  return outcome.result === 'reverted' &&
    outcome.serviceDeployment?.status === 'ROLLBACK_SUCCESSFUL'
    ? { ...outcome, result: 'aborted' }
    : outcome
}

/** What `status` saw: the log lines, and the deployment for the summary and outputs. */
export interface ManagedStatus {
  service: string
  strategy: string
  lines: string[]
  /** percent of production traffic on the side being deployed, as ECS weights the rule now */
  idleWeight?: number
  serviceDeployment?: ServiceDeploymentReport
}

/** status: the stage, the weights ECS applied and the hooks, reading only. */
export async function statusManaged(settings: Settings, deps: ManagedDeps): Promise<ManagedStatus> {
  const { service, deployment } = await current(settings, deps)
  const weight = weightOn(await deps.elb.readRoute(service.productionRuleArn), service)
  const base = { service: service.name, strategy: service.strategy }
  if (!deployment)
    return {
      ...base,
      lines: [`${service.name} (strategy ${service.strategy}): no service deployment yet`]
    }
  const paused = isFinal(deployment.status)
    ? undefined
    : deployment.hooks.find((hook) => hook.status === 'AWAITING_ACTION')
  return {
    ...base,
    lines: [
      `${service.name} (strategy ${service.strategy}): service deployment ${deployment.arn}`,
      progressLine(deployment, weight),
      ...deployment.hooks.map((hook) => `hook ${hook.id}: ${hookWords(hook)}`)
    ],
    ...(weight === undefined ? {} : { idleWeight: weight }),
    serviceDeployment: { ...report(deployment), ...(paused ? { pausedHook: paused } : {}) }
  }
}

export { report }
