/**
 * Lifecycle hooks of ECS-managed deployments: a PAUSE hook holds its stage until
 * ContinueServiceDeployment (CONTINUE or ROLLBACK) or its timeout (then its timeout action); a
 * Lambda hook holds it until its function answers (PUT /_emulator/hooks in the server).
 */
import { describe, expect, it } from '@jest/globals'
import { deploy, latest, managedService, ROLE, weights } from './managed-fixture.js'
import { awsError, modelWorld, service, tasks } from './model-fixture.js'

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:check-green'

function pauseAt(stage: string, timeout?: { timeoutInMinutes: number; action: string }) {
  return {
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 0,
    lifecycleHooks: [
      {
        targetType: 'PAUSE',
        lifecycleStages: [stage],
        ...(timeout ? { timeoutConfiguration: timeout } : {})
      }
    ]
  }
}

describe('PAUSE hooks', () => {
  it('hold the stage with a hook AWAITING_ACTION until ContinueServiceDeployment CONTINUE', () => {
    const w = modelWorld()
    const t = managedService(w, pauseAt('POST_TEST_TRAFFIC_SHIFT'))
    const arn = deploy(w, 'web:2')
    w.runUntil(() => latest(w).lifecycleStage === 'POST_TEST_TRAFFIC_SHIFT', 120)
    w.run(300)
    const paused = latest(w)
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT')
    expect(paused.status).toBe('IN_PROGRESS')
    const [hook] = paused.lifecycleHookDetails
    expect(hook).toMatchObject({
      targetType: 'PAUSE',
      status: 'AWAITING_ACTION',
      timeoutAction: 'ROLLBACK'
    })
    expect(hook.hookId).toMatch(/^ecs-pause-/)
    // 24 hours by default
    expect(hook.expiresAt * 1000 - Date.now()).toBeGreaterThan(23 * 3600 * 1000)
    // test traffic is on green, production still on blue
    expect(weights(w, t.testRule)[t.greenGroup]).toBe(100)
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(0)

    expect(
      w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId: hook.hookId })
    ).toEqual({ serviceDeploymentArn: arn })
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 120)
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(100)
  })

  it('roll back on ContinueServiceDeployment ROLLBACK: weights back to blue, green tasks stopped', () => {
    const w = modelWorld()
    const t = managedService(w, pauseAt('POST_TEST_TRAFFIC_SHIFT'))
    const arn = deploy(w, 'web:2')
    w.runUntil(() => latest(w).lifecycleHookDetails.length > 0, 120)
    const hookId = latest(w).lifecycleHookDetails[0].hookId
    w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' })
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 120)
    const done = latest(w)
    expect(done.rollback.reason).toMatch(/ROLLBACK/)
    expect(done.rollback.serviceRevisionArn).toBe(done.sourceServiceRevisions[0].arn)
    expect(weights(w, t.testRule)).toEqual({ [t.blueGroup]: 100, [t.greenGroup]: 0 })
    expect(weights(w, t.productionRule)).toEqual({ [t.blueGroup]: 100, [t.greenGroup]: 0 })
    expect(tasks(w, 'web').map((task) => task.containers[0].image)).toEqual(['web:1', 'web:1'])
    expect(service(w, 'web').loadBalancers[0].targetGroupArn).toBe(t.blueGroup)
  })

  it('take their timeout action once timeoutInMinutes pass: CONTINUE goes on', () => {
    const w = modelWorld()
    managedService(w, pauseAt('PRE_SCALE_UP', { timeoutInMinutes: 2, action: 'CONTINUE' }))
    deploy(w, 'web:2')
    w.run(100)
    expect(latest(w).lifecycleStage).toBe('PRE_SCALE_UP')
    const seconds = w.runUntil(() => latest(w).lifecycleStage !== 'PRE_SCALE_UP', 60)
    expect(seconds).toBeGreaterThanOrEqual(19)
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 120)
  })

  it('take their timeout action once timeoutInMinutes pass: ROLLBACK rolls back', () => {
    const w = modelWorld()
    managedService(w, pauseAt('POST_SCALE_UP', { timeoutInMinutes: 1, action: 'ROLLBACK' }))
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 200)
    expect(latest(w).statusReason).toMatch(/timed out at POST_SCALE_UP/)
  })

  it('ContinueServiceDeployment refuses a hook that is not paused, an unknown hook and deployment', () => {
    const w = modelWorld()
    managedService(w, pauseAt('POST_SCALE_UP'))
    const arn = deploy(w, 'web:2')
    w.runUntil(() => latest(w).lifecycleHookDetails.length > 0, 120)
    const hookId = latest(w).lifecycleHookDetails[0].hookId
    w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId })
    const again = awsError(() =>
      w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId })
    )
    expect(again.code).toBe('ConflictException')
    expect(
      awsError(() =>
        w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId: 'ecs-pause-nope' })
      ).code
    ).toBe('InvalidParameterException')
    expect(
      awsError(() =>
        w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: arn, hookId, action: 'GO' })
      ).code
    ).toBe('InvalidParameterException')
    const missing = arn.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAA')
    expect(
      awsError(() => w.ecs('ContinueServiceDeployment', { serviceDeploymentArn: missing, hookId }))
        .code
    ).toBe('ServiceDeploymentNotFoundException')
  })
})

describe('Lambda hooks', () => {
  const lambdaAt = (stage: string) => ({
    strategy: 'BLUE_GREEN',
    lifecycleHooks: [{ hookTargetArn: LAMBDA, roleArn: ROLE, lifecycleStages: [stage] }]
  })

  it('succeed at once when nothing was set for the function', () => {
    const w = modelWorld()
    managedService(w, lambdaAt('PRODUCTION_TRAFFIC_SHIFT'))
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 120)
  })

  it('hold the stage while the function answers IN_PROGRESS, then go on with its SUCCEEDED', () => {
    const w = modelWorld()
    managedService(w, lambdaAt('POST_SCALE_UP'))
    w.world.hookAnswers.set({ hookTargetArn: LAMBDA, status: 'SUCCEEDED', afterSeconds: 30 })
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).lifecycleStage === 'POST_SCALE_UP', 120)
    expect(latest(w).lifecycleHookDetails[0]).toMatchObject({
      targetType: 'AWS_LAMBDA',
      targetArn: LAMBDA,
      status: 'IN_PROGRESS'
    })
    const held = w.runUntil(() => latest(w).lifecycleStage !== 'POST_SCALE_UP', 60)
    expect(held).toBeGreaterThanOrEqual(28)
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 120)
  })

  it('roll back when the function answers FAILED', () => {
    const w = modelWorld()
    const t = managedService(w, lambdaAt('TEST_TRAFFIC_SHIFT'))
    w.world.hookAnswers.set({ hookTargetArn: LAMBDA, status: 'FAILED', afterSeconds: 5 })
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 120)
    expect(latest(w).statusReason).toMatch(/failed at TEST_TRAFFIC_SHIFT/)
    expect(weights(w, t.testRule)[t.greenGroup]).toBe(0)
  })
})
