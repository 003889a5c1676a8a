import type { ServiceDeploymentView } from '../ports.js'
import type {
  RolloutOutcome,
  RolloutResultKind,
  ServiceDeploymentReport,
  Settings
} from '../settings.js'
import type { ManagedObserved, ManagedService, ManagedState } from './state.js'

/**
 * The one place that decides what a deploy of a service that ECS deploys itself does next, from
 * the state it is in and what the work of that state observed. Pure: no I/O, no clock.
 */
export function decideManaged(
  state: ManagedState,
  observed: ManagedObserved,
  settings: Settings
): ManagedState {
  if (observed.kind === 'failed') return onFailure(state, observed, settings)
  switch (state.phase) {
    case 'inspect':
      if (observed.kind !== 'inspected') break
      return { phase: 'render', startedAt: state.startedAt, service: observed.service }
    case 'render': {
      if (observed.kind !== 'rendered') break
      const previous = state.service.taskDefinitionArn
      if (observed.same) {
        return done(settings, state.service, 'unchanged', {
          taskDefinitionArn: previous,
          previousTaskDefinitionArn: previous
        })
      }
      if (settings.dryRun) {
        const what = observed.existing
          ? `${observed.existing.family}:${observed.existing.revision}`
          : `a new revision of ${observed.rendered.family}`
        return done(settings, state.service, 'planned', {
          previousTaskDefinitionArn: previous,
          plan: [
            `update ${state.service.name} to ${what}: ECS deploys it ${strategyWords(state.service.strategy)}`
          ]
        })
      }
      return {
        phase: 'register',
        startedAt: state.startedAt,
        service: state.service,
        rendered: observed.rendered,
        ...(observed.existing ? { existing: observed.existing } : {})
      }
    }
    case 'register':
      if (observed.kind !== 'registered') break
      return {
        phase: 'start',
        startedAt: state.startedAt,
        service: state.service,
        release: {
          taskDefinitionArn: observed.revision.arn,
          label: `${observed.revision.family}:${observed.revision.revision}`,
          previousTaskDefinitionArn: state.service.taskDefinitionArn
        }
      }
    case 'start':
      if (observed.kind !== 'started') break
      return { ...running(state), phase: 'follow', deploymentArn: observed.deploymentArn }
    case 'follow':
      if (observed.kind === 'tested') return { ...state, tested: true }
      if (observed.kind === 'gate-failed') {
        return { ...following(state), phase: 'roll-back', reason: observed.reason }
      }
      if (observed.kind === 'awaiting') {
        return done(settings, state.service, 'paused', {
          ...releaseFields(state),
          serviceDeployment: { ...report(observed.deployment), pausedHook: observed.hook }
        })
      }
      if (observed.kind === 'finished') return finished(state, observed, settings)
      break
    case 'continue':
      if (observed.kind === 'continued') return { ...following(state), phase: 'follow' }
      if (observed.kind === 'finished') return finished(state, observed, settings)
      break
    case 'roll-back':
      if (observed.kind === 'rollback-requested') {
        return { ...following(state), phase: 'rolling-back', reason: state.reason }
      }
      // ECS ended it before the request: what it ended with is the outcome
      if (observed.kind === 'finished') return finished(state, observed, settings, state.reason)
      break
    case 'rolling-back':
      if (observed.kind === 'finished') return finished(state, observed, settings, state.reason)
      break
    case 'done':
      break
  }
  throw new Error(`rollout bug: '${observed.kind}' observed in state '${state.phase}'`)
}

/** The deployment is over: promoted only when ECS says SUCCESSFUL. */
function finished(
  state: Extract<ManagedState, { phase: 'follow' | 'continue' | 'roll-back' | 'rolling-back' }>,
  observed: Extract<ManagedObserved, { kind: 'finished' }>,
  settings: Settings,
  ours?: string
): ManagedState {
  const { deployment, stoppedTasks } = observed
  const fields = { ...releaseFields(state), serviceDeployment: report(deployment), stoppedTasks }
  // a rollback asked for too late finds the deployment SUCCESSFUL: it is promoted all the same
  if (deployment.status === 'SUCCESSFUL') {
    return done(settings, state.service, 'promoted', fields, true)
  }
  const why = ours ?? ecsReason(deployment)
  const ending =
    deployment.status === 'ROLLBACK_FAILED'
      ? `; ECS could not roll back (ROLLBACK_FAILED${deployment.statusReason ? `: ${deployment.statusReason}` : ''}): look at the service in the ECS console`
      : deployment.status === 'STOPPED'
        ? '; the deployment was stopped without a rollback'
        : ''
  return done(settings, state.service, 'reverted', { ...fields, reason: `${why}${ending}` })
}

/** ECS's own words for a rollback, with the alarms that fired. */
export function ecsReason(deployment: ServiceDeploymentView): string {
  const reason =
    deployment.rollbackReason ?? deployment.statusReason ?? `ended ${deployment.status}`
  const alarms = deployment.triggeredAlarms
  const fired = alarms.length > 0 ? ` (alarms in ALARM: ${alarms.join(', ')})` : ''
  return `ECS rolled the deployment back: ${reason}${fired}`
}

function onFailure(
  state: ManagedState,
  failed: Extract<ManagedObserved, { kind: 'failed' }>,
  settings: Settings
): ManagedState {
  switch (state.phase) {
    case 'inspect':
      throw new Error(`${failed.reason}; nothing was changed`)
    case 'render':
    case 'register':
      return done(settings, state.service, 'reverted', {
        reason: `${failed.reason}; nothing was changed`,
        previousTaskDefinitionArn: state.service.taskDefinitionArn
      })
    case 'start':
      // no deployment known to roll back: an UpdateService that never landed changed nothing
      return done(settings, state.service, 'reverted', {
        ...releaseFields(state),
        reason: failed.changed
          ? `${failed.reason}; the service may be deploying ${state.release.label}: run the action with command: status`
          : `${failed.reason}; nothing was changed`
      })
    case 'follow':
    case 'continue':
      return { ...following(state), phase: 'roll-back', reason: failed.reason }
    case 'roll-back':
      return done(settings, state.service, 'reverted', {
        ...releaseFields(state),
        reason:
          `${state.reason}; then asking ECS to roll back failed (${failed.reason}): ` +
          'run the action with command: abort'
      })
    case 'rolling-back':
      return done(settings, state.service, 'reverted', {
        ...releaseFields(state),
        reason: `${state.reason}; ECS was asked to roll back and was still at it (${failed.reason})`
      })
    case 'done':
      break
  }
  throw new Error(`rollout bug: a failure reported in state '${state.phase}': ${failed.reason}`)
}

function running(state: Extract<ManagedState, { release: unknown }>) {
  return { startedAt: state.startedAt, service: state.service, release: state.release }
}

function following(state: Extract<ManagedState, { deploymentArn: string }>) {
  return { ...running(state), deploymentArn: state.deploymentArn }
}

function releaseFields(state: Extract<ManagedState, { release: unknown }>) {
  return {
    taskDefinitionArn: state.release.taskDefinitionArn,
    previousTaskDefinitionArn: state.release.previousTaskDefinitionArn
  }
}

export function report(deployment: ServiceDeploymentView): ServiceDeploymentReport {
  return {
    arn: deployment.arn,
    status: deployment.status,
    ...(deployment.stage ? { stage: deployment.stage } : {}),
    hooks: deployment.hooks,
    triggeredAlarms: deployment.triggeredAlarms
  }
}

export function strategyWords(strategy: string): string {
  if (strategy === 'LINEAR') return 'linearly (its linearConfiguration)'
  if (strategy === 'CANARY') return 'as a canary (its canaryConfiguration)'
  return 'blue/green (all traffic at once, then its bake time)'
}

/** One service is both sides: the target group that carries the traffic after it is live. */
function done(
  settings: Settings,
  service: ManagedService,
  result: RolloutResultKind,
  fields: Partial<RolloutOutcome>,
  swapped = false
): ManagedState {
  const live = swapped ? service.idleTargetGroupArn : service.liveTargetGroupArn
  const idle = swapped ? service.liveTargetGroupArn : service.idleTargetGroupArn
  const outcome: RolloutOutcome = {
    result,
    liveService: service.name,
    idleService: service.name,
    liveTargetGroupArn: live,
    idleTargetGroupArn: idle,
    image: settings.release.image,
    stoppedTasks: [],
    serviceEvents: [],
    plan: [],
    ...fields
  }
  return { phase: 'done', outcome }
}
