import { describe, expect, it } from '@jest/globals'
import { decideManaged } from '../../../src/rollout/managed/decide.js'
import type {
  ManagedObserved,
  ManagedService,
  ManagedState
} from '../../../src/rollout/managed/state.js'
import type { ServiceDeploymentView } from '../../../src/rollout/ports.js'
import type { Settings } from '../../../src/rollout/settings.js'

const settings = {
  release: { image: 'web:2', environment: [] },
  dryRun: false
} as unknown as Settings
const service: ManagedService = {
  cluster: 'prod',
  name: 'web',
  strategy: 'LINEAR',
  taskDefinitionArn: 'arn:td/web:1',
  productionRuleArn: 'arn:rule',
  liveTargetGroupArn: 'arn:tg/blue',
  idleTargetGroupArn: 'arn:tg/green'
}
const release = {
  taskDefinitionArn: 'arn:td/web:2',
  label: 'web:2',
  previousTaskDefinitionArn: 'arn:td/web:1'
}
const running = { startedAt: 0, service, release, deploymentArn: 'arn:sd/1' }
const deployment = (status: string, more: Partial<ServiceDeploymentView> = {}) => ({
  arn: 'arn:sd/1',
  status,
  stage: 'BAKE_TIME',
  hooks: [],
  triggeredAlarms: [],
  createdAt: 0,
  ...more
})
const finished = (status: string, more: Partial<ServiceDeploymentView> = {}): ManagedObserved => ({
  kind: 'finished',
  deployment: deployment(status, more),
  stoppedTasks: []
})
const decide = (state: ManagedState, observed: ManagedObserved, given = settings) =>
  decideManaged(state, observed, given)
const outcome = (state: ManagedState) => {
  if (state.phase !== 'done') throw new Error(`not done: ${state.phase}`)
  return state.outcome
}

describe('decideManaged', () => {
  it('inspect → render → register → start → follow', () => {
    const render = decide({ phase: 'inspect', startedAt: 0 }, { kind: 'inspected', service })
    expect(render).toEqual({ phase: 'render', startedAt: 0, service })
    const rendered = { family: 'web', containerDefinitions: [] }
    const register = decide(render, { kind: 'rendered', rendered, same: false })
    expect(register.phase).toBe('register')
    const start = decide(register, {
      kind: 'registered',
      revision: { arn: 'arn:td/web:2', family: 'web', revision: 2 }
    })
    expect(start).toEqual({ phase: 'start', startedAt: 0, service, release })
    expect(decide(start, { kind: 'started', deploymentArn: 'arn:sd/1' })).toEqual({
      phase: 'follow',
      ...running
    })
  })

  it('render: the same definition is unchanged; a dry run is planned with the strategy named', () => {
    const render: ManagedState = { phase: 'render', startedAt: 0, service }
    const rendered = { family: 'web', containerDefinitions: [] }
    expect(outcome(decide(render, { kind: 'rendered', rendered, same: true })).result).toBe(
      'unchanged'
    )
    const planned = outcome(
      decide(render, { kind: 'rendered', rendered, same: false }, { ...settings, dryRun: true })
    )
    expect(planned.result).toBe('planned')
    expect(planned.plan[0]).toContain('linearConfiguration')
  })

  it('follow: test traffic passed is remembered; a PAUSE hook awaiting ends the run paused', () => {
    const follow: ManagedState = { phase: 'follow', ...running }
    expect(decide(follow, { kind: 'tested' })).toEqual({ ...follow, tested: true })
    const hook = { id: 'h1', targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: 99 }
    const paused = outcome(
      decide(follow, { kind: 'awaiting', deployment: deployment('IN_PROGRESS'), hook })
    )
    expect(paused.result).toBe('paused')
    expect(paused.serviceDeployment?.pausedHook).toEqual(hook)
    expect(paused.liveTargetGroupArn).toBe('arn:tg/blue')
  })

  it('follow: SUCCESSFUL promotes, and the other target group is live after it', () => {
    const done = outcome(decide({ phase: 'follow', ...running }, finished('SUCCESSFUL')))
    expect(done.result).toBe('promoted')
    expect(done.liveTargetGroupArn).toBe('arn:tg/green')
    expect(done.taskDefinitionArn).toBe('arn:td/web:2')
  })

  it("follow: ECS's own rollback is reverted with its reason and the alarms that fired", () => {
    const done = outcome(
      decide(
        { phase: 'follow', ...running },
        finished('ROLLBACK_SUCCESSFUL', {
          rollbackReason: 'circuit breaker',
          triggeredAlarms: ['a1']
        })
      )
    )
    expect(done.result).toBe('reverted')
    expect(done.reason).toBe(
      'ECS rolled the deployment back: circuit breaker (alarms in ALARM: a1)'
    )
  })

  it('follow: ROLLBACK_FAILED and STOPPED say what is left', () => {
    const failed = outcome(decide({ phase: 'follow', ...running }, finished('ROLLBACK_FAILED')))
    expect(failed.reason).toContain('ECS could not roll back')
    const stopped = outcome(decide({ phase: 'follow', ...running }, finished('STOPPED')))
    expect(stopped.reason).toContain('stopped without a rollback')
  })

  it('follow: a failed gate or a failure rolls back with its reason', () => {
    const follow: ManagedState = { phase: 'follow', ...running }
    expect(decide(follow, { kind: 'gate-failed', reason: 'alarm x' })).toEqual({
      phase: 'roll-back',
      ...running,
      reason: 'alarm x'
    })
    expect(decide(follow, { kind: 'failed', reason: 'boom', changed: true })).toEqual({
      phase: 'roll-back',
      ...running,
      reason: 'boom'
    })
  })

  it('continue → follow; finished while continuing ends as ECS ended it', () => {
    const state: ManagedState = { phase: 'continue', ...running }
    expect(decide(state, { kind: 'continued' })).toEqual({ phase: 'follow', ...running })
    expect(outcome(decide(state, finished('SUCCESSFUL'))).result).toBe('promoted')
    expect(decide(state, { kind: 'failed', reason: 'x', changed: true }).phase).toBe('roll-back')
  })

  it('roll-back → rolling-back → reverted with our reason', () => {
    const state: ManagedState = { phase: 'roll-back', ...running, reason: 'alarm x' }
    const rolling = decide(state, { kind: 'rollback-requested', how: 'StopServiceDeployment' })
    expect(rolling).toEqual({ phase: 'rolling-back', ...running, reason: 'alarm x' })
    const done = outcome(
      decide(rolling, finished('ROLLBACK_SUCCESSFUL', { rollbackReason: 'asked' }))
    )
    expect(done.result).toBe('reverted')
    expect(done.reason).toBe('alarm x')
  })

  it('a rollback asked too late finds the deployment SUCCESSFUL: promoted', () => {
    const state: ManagedState = { phase: 'roll-back', ...running, reason: 'alarm x' }
    expect(outcome(decide(state, finished('SUCCESSFUL'))).result).toBe('promoted')
  })

  it('a failed rollback request tells the user to abort; a rollback not over in time says so', () => {
    const request = outcome(
      decide(
        { phase: 'roll-back', ...running, reason: 'r' },
        { kind: 'failed', reason: 'throttled', changed: true }
      )
    )
    expect(request.reason).toContain('command: abort')
    const wait = outcome(
      decide(
        { phase: 'rolling-back', ...running, reason: 'r' },
        { kind: 'failed', reason: 'slow', changed: true }
      )
    )
    expect(wait.reason).toContain('still at it')
  })

  it('failures before the deployment started change nothing', () => {
    expect(() =>
      decide({ phase: 'inspect', startedAt: 0 }, { kind: 'failed', reason: 'x', changed: false })
    ).toThrow('x; nothing was changed')
    const register: ManagedState = {
      phase: 'register',
      startedAt: 0,
      service,
      rendered: { family: 'web', containerDefinitions: [] }
    }
    expect(outcome(decide(register, { kind: 'failed', reason: 'x', changed: false })).reason).toBe(
      'x; nothing was changed'
    )
    const start: ManagedState = { phase: 'start', startedAt: 0, service, release }
    expect(outcome(decide(start, { kind: 'failed', reason: 'x', changed: false })).reason).toBe(
      'x; nothing was changed'
    )
    expect(outcome(decide(start, { kind: 'failed', reason: 'x', changed: true })).reason).toContain(
      'command: status'
    )
  })

  it('refuses what a state cannot observe', () => {
    expect(() => decide({ phase: 'follow', ...running }, { kind: 'continued' })).toThrow(
      'rollout bug'
    )
  })
})
