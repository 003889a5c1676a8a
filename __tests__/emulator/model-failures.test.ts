import {
  blueGreen,
  health,
  type Json,
  modelWorld,
  registerWeb,
  service,
  states,
  tasks
} from './model-fixture.js'

describe('ECS failures and draining (model)', () => {
  it('replaces tasks whose image fails health checks, and never calls them healthy', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    w.world.setImageBehavior({ image: 'web:bad', behavior: 'unhealthy' })
    w.run(20)
    w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web-green',
      taskDefinition: registerWeb(w, 'web:bad'),
      desiredCount: 2
    })

    const reasons = new Set<string>()
    for (let second = 0; second < 120; second++) {
      w.run(1)
      for (const d of health(w, pair.greenGroup)) {
        expect(d.TargetHealth.State).not.toBe('healthy')
        if (d.TargetHealth.State === 'unhealthy') reasons.add(d.TargetHealth.Reason)
      }
    }
    expect([...reasons]).toEqual(['Target.ResponseCodeMismatch'])

    const stopped = tasks(w, 'web-green', 'STOPPED')
    expect(stopped.length).toBeGreaterThanOrEqual(4)
    for (const task of stopped) {
      expect(task.stoppedReason).toBe(
        `Task failed ELB health checks in (target-group ${pair.greenGroup})`
      )
      expect(task.stopCode).toBe('ServiceSchedulerInitiated')
    }
    const green = service(w, 'web-green')
    // without the circuit breaker ECS keeps trying
    expect(green.deployments[0]).toMatchObject({ rolloutState: 'IN_PROGRESS', desiredCount: 2 })
    expect(green.deployments[0].failedTasks).toBeGreaterThanOrEqual(stopped.length)
    expect(tasks(w, 'web-green').length).toBe(2)
    expect(green.events.map((e: Json) => e.message)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^\\(service web-green\\) \\(task [0-9a-f]{32}\\) failed ELB health checks in \\(target-group ${pair.greenGroup}\\)\\.$`
        )
      )
    )
    // the blue side is untouched
    expect(states(w, pair.blueGroup)).toEqual(['healthy', 'healthy'])
  })

  it('stops a crashing task with its exit code and reason, and starts another', () => {
    const w = modelWorld()
    blueGreen(w)
    w.world.setImageBehavior({
      image: 'web:crash',
      behavior: 'crash',
      afterSeconds: 4,
      exitCode: 3
    })
    w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web-green',
      taskDefinition: registerWeb(w, 'web:crash'),
      desiredCount: 1
    })
    const seconds = w.runUntil(() =>
      tasks(w, 'web-green', 'STOPPED').some((task) => task.lastStatus === 'STOPPED')
    )
    // 3 s to start, 4 s running, then its target drains (10 s)
    expect(seconds).toBeGreaterThanOrEqual(17)

    const [crashed] = tasks(w, 'web-green', 'STOPPED')
    expect(crashed).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited'
    })
    expect(crashed.containers[0]).toMatchObject({ name: 'web', lastStatus: 'STOPPED', exitCode: 3 })
    expect(crashed.stoppedAt - crashed.startedAt).toBeGreaterThanOrEqual(4)
    expect(service(w, 'web-green').deployments[0].failedTasks).toBeGreaterThanOrEqual(1)
    const started = service(w, 'web-green').events.filter((e: Json) =>
      e.message.includes('has started 1 tasks')
    )
    expect(started.length).toBeGreaterThanOrEqual(2)
  })

  it('a crash on start fails the task before it runs', () => {
    const w = modelWorld()
    blueGreen(w)
    w.world.setImageBehavior({ image: 'web:dead', behavior: 'crash', afterSeconds: 0 })
    w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web-green',
      taskDefinition: registerWeb(w, 'web:dead'),
      desiredCount: 1
    })
    w.run(4)
    const [task] = tasks(w, 'web-green', 'STOPPED')
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' })
    expect(task.startedAt).toBeUndefined()
    expect(task.containers[0].exitCode).toBe(1)
  })

  it('degrade: healthy at first, then failing its checks, then replaced', () => {
    const w = modelWorld()
    const pair = blueGreen(w, { image: 'web:leaky', desiredCount: 1 })
    w.world.setImageBehavior({ image: 'web:leaky', behavior: 'degrade', afterSeconds: 30 })
    w.runUntil(() => states(w, pair.blueGroup)[0] === 'healthy')
    expect(service(w, 'web-blue').deployments[0].rolloutState).toBe('COMPLETED')
    const first = tasks(w, 'web-blue')[0].taskArn
    w.runUntil(() => states(w, pair.blueGroup)[0] === 'unhealthy')
    w.runUntil(() => tasks(w, 'web-blue', 'STOPPED').some((task) => task.taskArn === first))
    const [stopped] = tasks(w, 'web-blue', 'STOPPED')
    expect(stopped.stoppedReason).toBe(
      `Task failed ELB health checks in (target-group ${pair.blueGroup})`
    )
    expect(tasks(w, 'web-blue')[0].taskArn).not.toBe(first)
  })

  it('keeps a stopped task DEACTIVATING while its target drains for the deregistration delay', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    w.run(20)
    w.ecs('UpdateService', { cluster: 'c', service: 'web-blue', desiredCount: 1 })
    w.run(1)
    const [leaving] = tasks(w, 'web-blue', 'STOPPED')
    expect(leaving).toMatchObject({ lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED' })
    const draining = health(w, pair.blueGroup).find(
      (d: Json) => d.TargetHealth.State === 'draining'
    )
    expect(draining.TargetHealth.Reason).toBe('Target.DeregistrationInProgress')
    expect(draining.Target.Id).toBe(leaving.containers[0].networkInterfaces[0].privateIpv4Address)

    w.run(8)
    expect(tasks(w, 'web-blue', 'STOPPED')[0].lastStatus).toBe('DEACTIVATING')
    w.run(3)
    const [gone] = tasks(w, 'web-blue', 'STOPPED')
    expect(gone.lastStatus).toBe('STOPPED')
    expect(gone.stoppedAt - gone.stoppingAt).toBeCloseTo(10, 0)
    expect(states(w, pair.blueGroup)).toEqual(['healthy'])
    const messages = service(w, 'web-blue').events.map((e: Json) => e.message)
    expect(messages).toContain('(service web-blue) has begun draining connections on 1 tasks.')
    expect(messages).toContain(
      `(service web-blue) deregistered 1 targets in (target-group ${pair.blueGroup})`
    )
  })

  it('with the circuit breaker and rollback, fails the rollout and goes back to the previous deployment', () => {
    const w = modelWorld()
    const pair = blueGreen(w, { circuitBreaker: true, rollback: true })
    w.runUntil(() => service(w, 'web-blue').deployments[0].rolloutState === 'COMPLETED')
    const previous = service(w, 'web-blue').deployments[0].id
    w.world.setImageBehavior({ image: 'web:crash', behavior: 'crash', afterSeconds: 1 })
    const bad = registerWeb(w, 'web:crash')
    w.ecs('UpdateService', { cluster: 'c', service: 'web-blue', taskDefinition: bad })

    let fewest = Infinity
    w.runUntil(() => {
      fewest = Math.min(
        fewest,
        states(w, pair.blueGroup).filter((state) => state === 'healthy').length
      )
      return service(w, 'web-blue').deployments[0].id === previous
    })
    const blue = service(w, 'web-blue')
    expect(blue.taskDefinition).toBe(pair.taskDefinitionArn)
    expect(blue.deployments[1]).toMatchObject({
      status: 'ACTIVE',
      taskDefinition: bad,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.'
    })
    // two tasks at a time fail, so the count may pass the threshold of 3 by one
    expect(blue.deployments[1].failedTasks).toBeGreaterThanOrEqual(3)
    expect(blue.deployments[1].failedTasks).toBeLessThanOrEqual(4)
    expect(blue.events.map((e: Json) => e.message)).toContain(
      `(service web-blue) (deployment ${blue.deployments[1].id}) deployment failed: tasks failed to start.`
    )
    w.runUntil(() => service(w, 'web-blue').deployments.length === 1)
    expect(service(w, 'web-blue').deployments[0]).toMatchObject({
      id: previous,
      rolloutState: 'COMPLETED'
    })
    // the old tasks were never stopped, since no new one was ever healthy
    expect(fewest).toBe(2)
  })

  it('with the circuit breaker but no rollback, fails the rollout and launches no more tasks', () => {
    const w = modelWorld()
    blueGreen(w, { circuitBreaker: true, rollback: false })
    w.run(20)
    w.world.setImageBehavior({ image: 'web:crash', behavior: 'crash', afterSeconds: 1 })
    w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web-blue',
      taskDefinition: registerWeb(w, 'web:crash')
    })
    w.runUntil(() => service(w, 'web-blue').deployments[0].rolloutState === 'FAILED')
    const launched = (): number =>
      tasks(w, 'web-blue').length + tasks(w, 'web-blue', 'STOPPED').length
    w.run(30)
    const after = launched()
    w.run(60)
    expect(launched()).toBe(after)
    expect(service(w, 'web-blue')).toMatchObject({ runningCount: 2 })
  })
})
