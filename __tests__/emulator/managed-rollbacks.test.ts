/**
 * What rolls an ECS-managed deployment back (production and test weights back on blue at once,
 * green tasks stopped, ROLLBACK_SUCCESSFUL with a reason): the circuit breaker, an alarm of
 * deploymentConfiguration.alarms in ALARM, StopServiceDeployment; and what ABORT and a newer
 * deployment do instead.
 */
import { describe, expect, it } from '@jest/globals'
import { deploy, latest, managedService, weights } from './managed-fixture.js'
import { awsError, ctx, modelWorld, service, tasks } from './model-fixture.js'

describe('ECS-managed rollbacks', () => {
  it('the circuit breaker rolls back a deployment whose green tasks keep failing', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'BLUE_GREEN',
      deploymentCircuitBreaker: { enable: true, rollback: true }
    })
    w.world.setImageBehavior({ image: 'web:bad', behavior: 'crash', afterSeconds: 0 })
    deploy(w, 'web:bad')
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 300)
    const d = latest(w)
    expect(d.statusReason).toMatch(/circuit breaker/)
    expect(d.deploymentCircuitBreaker).toMatchObject({ status: 'TRIGGERED', threshold: 3 })
    expect(d.deploymentCircuitBreaker.failureCount).toBeGreaterThanOrEqual(3)
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(0)
    expect(tasks(w, 'web').map((task) => task.containers[0].image)).toEqual(['web:1', 'web:1'])
    expect(service(w, 'web').deployments.map((x: { status: string }) => x.status)).toEqual([
      'PRIMARY'
    ])
  })

  it('the circuit breaker without rollback stops the deployment where it is', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'BLUE_GREEN',
      deploymentCircuitBreaker: { enable: true, rollback: false }
    })
    w.world.setImageBehavior({ image: 'web:bad', behavior: 'crash', afterSeconds: 0 })
    deploy(w, 'web:bad')
    w.runUntil(() => latest(w).status === 'STOPPED', 300)
    const d = latest(w)
    expect(d.statusReason).toMatch(/circuit breaker/)
    expect(d.stoppedAt).toBeDefined()
    expect(d.rollback).toBeUndefined()
    w.run(60)
    // no more green tasks are launched; blue keeps serving all production traffic
    expect(tasks(w, 'web').map((task) => task.containers[0].image)).toEqual(['web:1', 'web:1'])
    expect(weights(w, t.productionRule)[t.blueGroup]).toBe(100)
    expect(service(w, 'web').deployments[0].rolloutState).toBe('FAILED')
    // the next deployment starts from blue
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 300)
    expect(tasks(w, 'web').map((task) => task.containers[0].image)).toEqual(['web:2', 'web:2'])
  })

  it('an alarm of deploymentConfiguration.alarms in ALARM rolls back after the shift', () => {
    const w = modelWorld()
    const cw = (op: string, params: Record<string, unknown>) =>
      w.world.cloudwatch.call(op, params, ctx)
    cw('PutMetricAlarm', {
      AlarmName: 'web-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold'
    })
    const t = managedService(w, {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 10,
      alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true }
    })
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).lifecycleStage === 'BAKE_TIME', 200)
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(100)
    cw('SetAlarmState', { AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'test' })
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 120)
    const d = latest(w)
    expect(d.alarms).toEqual({
      status: 'TRIGGERED',
      alarmNames: ['web-5xx'],
      triggeredAlarmNames: ['web-5xx']
    })
    expect(d.statusReason).toMatch(/web-5xx/)
    expect(weights(w, t.productionRule)).toEqual({ [t.blueGroup]: 100, [t.greenGroup]: 0 })
    expect(service(w, 'web').loadBalancers[0].targetGroupArn).toBe(t.blueGroup)
  })

  it('StopServiceDeployment ROLLBACK puts traffic back at once and stops green', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 5 }
    })
    const arn = deploy(w, 'web:2')
    w.runUntil(() => weights(w, t.productionRule)[t.greenGroup] === 20, 200)
    expect(
      w.ecs('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    ).toEqual({ serviceDeploymentArn: arn })
    // the weights moved within the call, before any task stops
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(0)
    expect(latest(w).status).toBe('ROLLBACK_REQUESTED')
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 120)
    expect(latest(w).finishedAt).toBeDefined()
    // a finished deployment cannot be stopped again
    expect(awsError(() => w.ecs('StopServiceDeployment', { serviceDeploymentArn: arn })).code).toBe(
      'ConflictException'
    )
  })

  it('StopServiceDeployment refuses ABORT, which the API reference does not document as valid', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 }
    })
    const arn = deploy(w, 'web:2')
    w.runUntil(() => weights(w, t.productionRule)[t.greenGroup] === 10, 200)
    const error = awsError(() =>
      w.ecs('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ABORT' })
    )
    expect(error.code).toBe('InvalidParameterException')
    expect(error.message).toMatch(/ROLLBACK/)
    expect(latest(w).status).toBe('IN_PROGRESS')
    expect(weights(w, t.productionRule)[t.greenGroup]).toBe(10)
  })

  it('StopServiceDeployment while a rollback runs lets it go on', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 }
    })
    const arn = deploy(w, 'web:2')
    w.runUntil(() => weights(w, t.productionRule)[t.greenGroup] === 10, 200)
    w.ecs('StopServiceDeployment', { serviceDeploymentArn: arn })
    w.run(1)
    expect(latest(w).status).toBe('ROLLBACK_IN_PROGRESS')
    expect(w.ecs('StopServiceDeployment', { serviceDeploymentArn: arn })).toEqual({
      serviceDeploymentArn: arn
    })
    w.runUntil(() => latest(w).status === 'ROLLBACK_SUCCESSFUL', 60)
  })

  it('StopServiceDeployment refuses an unknown deployment and an unknown stopType', () => {
    const w = modelWorld()
    managedService(w, { strategy: 'BLUE_GREEN' })
    const arn = latest(w).serviceDeploymentArn
    expect(
      awsError(() =>
        w.ecs('StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'HALT' })
      ).code
    ).toBe('InvalidParameterException')
    expect(
      awsError(() =>
        w.ecs('StopServiceDeployment', {
          serviceDeploymentArn: arn.replace(/[^/]+$/, 'BBBBBBBBBBBBBBBBBBBBB')
        })
      ).code
    ).toBe('ServiceDeploymentNotFoundException')
  })

  it('a newer deployment supersedes one in progress: STOPPED, its traffic back on blue', () => {
    const w = modelWorld()
    const t = managedService(w, {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 }
    })
    const first = deploy(w, 'web:2')
    w.runUntil(() => weights(w, t.productionRule)[t.greenGroup] === 10, 200)
    const second = deploy(w, 'web:3')
    expect(second).not.toBe(first)
    const listed = w.ecs('ListServiceDeployments', {
      cluster: 'c',
      service: 'web',
      status: ['STOPPED']
    })
    expect(
      listed.serviceDeployments.map((d: { serviceDeploymentArn: string }) => d.serviceDeploymentArn)
    ).toEqual([first])
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 1200)
    expect(tasks(w, 'web').map((task) => task.containers[0].image)).toEqual(['web:3', 'web:3'])
  })
})

describe('ListServiceDeployments', () => {
  it('lists newest first, filters on status and createdAt, pages with maxResults', () => {
    const w = modelWorld()
    managedService(w, { strategy: 'BLUE_GREEN' })
    deploy(w, 'web:2')
    w.runUntil(() => latest(w).status === 'SUCCESSFUL', 300)
    const all = w.ecs('ListServiceDeployments', { cluster: 'c', service: 'web' }).serviceDeployments
    expect(all).toHaveLength(2)
    expect(all.map((d: { status: string }) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL'])
    const page = w.ecs('ListServiceDeployments', { cluster: 'c', service: 'web', maxResults: 1 })
    expect(page.serviceDeployments).toHaveLength(1)
    const next = w.ecs('ListServiceDeployments', {
      cluster: 'c',
      service: 'web',
      maxResults: 1,
      nextToken: page.nextToken
    })
    expect(next.serviceDeployments[0].serviceDeploymentArn).toBe(all[1].serviceDeploymentArn)
    expect(next.nextToken).toBeUndefined()
    const after = all[0].createdAt
    const recent = w.ecs('ListServiceDeployments', {
      cluster: 'c',
      service: 'web',
      createdAt: { after }
    }).serviceDeployments
    expect(recent.map((d: { serviceDeploymentArn: string }) => d.serviceDeploymentArn)).toEqual([
      all[0].serviceDeploymentArn
    ])
    expect(
      awsError(() =>
        w.ecs('ListServiceDeployments', { cluster: 'c', service: 'web', status: ['DONE'] })
      ).code
    ).toBe('InvalidParameterException')
    expect(
      awsError(() => w.ecs('ListServiceDeployments', { cluster: 'c', service: 'nope' })).code
    ).toBe('ServiceNotFoundException')
  })

  it('DescribeServiceRevisions gives each revision its task definition', () => {
    const w = modelWorld()
    managedService(w, { strategy: 'BLUE_GREEN' })
    deploy(w, 'web:2')
    const d = latest(w)
    const revisions = w.ecs('DescribeServiceRevisions', {
      serviceRevisionArns: [d.sourceServiceRevisions[0].arn, d.targetServiceRevision.arn]
    }).serviceRevisions
    expect(
      revisions.map((r: { taskDefinition: string }) => r.taskDefinition.split('/').at(-1))
    ).toEqual(['web:1', 'web:2'])
  })
})
