/**
 * Tasks stopped for reasons that are not a bad release, on a manual clock: a Fargate Spot
 * interruption and a scale-in, with the fields ECS reports for them.
 */
import {
  blueGreen,
  type Json,
  type ModelWorld,
  modelWorld,
  type Pair,
  service
} from './model-fixture.js'

describe('tasks stopped for reasons that are not a release', () => {
  let w: ModelWorld
  let pair: Pair

  beforeEach(() => {
    w = modelWorld()
    pair = blueGreen(w, { circuitBreaker: true, rollback: true })
    w.runUntil(() => service(w, pair.blue).deployments[0].rolloutState === 'COMPLETED')
  })

  const describeTask = (arn: string): Json =>
    w.ecs('DescribeTasks', { cluster: pair.cluster, tasks: [arn] }).tasks[0]
  const running = (): string[] =>
    w.ecs('ListTasks', { cluster: pair.cluster, serviceName: pair.blue }).taskArns

  it('a Spot interruption gives notice, drains, stops the task and the service replaces it', () => {
    const before = running()
    const result = w.world.taskEvents.interrupt({ cluster: pair.cluster, service: pair.blue })
    if (!result.ok) throw new Error(result.message)
    const [interrupted] = result.interrupted
    const arn = interrupted?.taskArn as string
    expect(before).toContain(arn)
    expect(interrupted).toMatchObject({
      serviceName: pair.blue,
      stopCode: 'TerminationNotice',
      stoppedReason: 'Your Spot Task was interrupted.'
    })
    expect(describeTask(arn)).toMatchObject({
      desiredStatus: 'STOPPED',
      lastStatus: 'DEACTIVATING',
      stopCode: 'TerminationNotice',
      stoppedReason: 'Your Spot Task was interrupted.'
    })

    // the replacement starts at once; the interrupted task is gone once its target drained (10 s)
    w.run(1)
    expect(running()).toHaveLength(2)
    expect(running()).not.toContain(arn)
    const seconds = w.runUntil(() => describeTask(arn).lastStatus === 'STOPPED', 60)
    expect(seconds).toBeGreaterThanOrEqual(9)
    const stopped = describeTask(arn)
    expect(stopped).toMatchObject({
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.'
    })
    expect(stopped.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 143 })
    expect(service(w, pair.blue).events.map((e: Json) => e.message)).toContain(
      `(service ${pair.blue}) has begun draining connections on 1 tasks.`
    )
  })

  it('is not a failure: interruptions never trip the deployment circuit breaker', () => {
    // the threshold for two tasks is 3 failed tasks; four interruptions leave it untouched
    for (let i = 0; i < 4; i++) {
      const result = w.world.taskEvents.interrupt({
        cluster: pair.cluster,
        service: pair.blue,
        count: 1,
        exitCode: 0
      })
      expect(result.ok).toBe(true)
      w.runUntil(() => service(w, pair.blue).runningCount === 2 && running().length === 2, 120)
    }
    w.runUntil(() => service(w, pair.blue).deployments[0].rolloutState === 'COMPLETED')
    const [deployment] = service(w, pair.blue).deployments
    expect(deployment).toMatchObject({ failedTasks: 0, rolloutState: 'COMPLETED' })
    expect(service(w, pair.blue).deployments).toHaveLength(1)
  })

  it('is reclaimed two minutes after the notice when the deregistration delay is longer', () => {
    w.elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: pair.blueGroup,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }]
    })
    const [arn] = running() as [string]
    const result = w.world.taskEvents.interrupt({ cluster: pair.cluster, tasks: [arn] })
    expect(result.ok).toBe(true)
    const seconds = w.runUntil(() => describeTask(arn).lastStatus === 'STOPPED', 300)
    expect(seconds).toBeGreaterThanOrEqual(119)
    expect(seconds).toBeLessThanOrEqual(121)
    expect(describeTask(arn).stopCode).toBe('SpotInterruption')
  })

  it('refuses all when one task cannot be interrupted, and changes nothing', () => {
    const [arn] = running() as [string]
    const missing = `${arn.slice(0, arn.lastIndexOf('/') + 1)}0123456789abcdef0123456789abcdef`
    expect(w.world.taskEvents.interrupt({ cluster: pair.cluster, tasks: [arn, missing] })).toEqual({
      ok: false,
      status: 404,
      message: `no task ${missing} in cluster ${pair.cluster}`
    })
    expect(describeTask(arn)).toMatchObject({ desiredStatus: 'RUNNING', lastStatus: 'RUNNING' })
    expect(
      w.world.taskEvents.interrupt({ cluster: pair.cluster, service: pair.blue, count: 3 })
    ).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/2 RUNNING task/) })
    expect(w.world.taskEvents.interrupt({ cluster: 'nope', service: pair.blue })).toMatchObject({
      ok: false,
      status: 404
    })
  })

  it('a scale-in stops tasks as the service scheduler, naming the deployment', () => {
    const deploymentId = service(w, pair.blue).deployments[0].id as string
    w.ecs('UpdateService', { cluster: pair.cluster, service: pair.blue, desiredCount: 1 })
    w.runUntil(() => running().length === 1)
    const [stoppedArn] = w.ecs('ListTasks', {
      cluster: pair.cluster,
      serviceName: pair.blue,
      desiredStatus: 'STOPPED'
    }).taskArns
    expect(describeTask(stoppedArn)).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Scaling activity initiated by (deployment ${deploymentId})`
    })
    expect(deploymentId).toMatch(/^ecs-svc\/\d{19}$/)
  })
})
