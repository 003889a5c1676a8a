import {
  blueGreen,
  type Json,
  modelWorld,
  registerWeb,
  service,
  states,
  tasks
} from './model-fixture.js'

describe('ECS service rollout (model)', () => {
  it('starts tasks through PROVISIONING and PENDING to RUNNING, registers them, and completes', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    const seen = new Set<string>()
    const seconds = w.runUntil(() => {
      for (const task of tasks(w, 'web-blue')) seen.add(task.lastStatus)
      return service(w, 'web-blue').deployments[0].rolloutState === 'COMPLETED'
    })

    expect([...seen]).toEqual(['PROVISIONING', 'PENDING', 'RUNNING'])
    // 3 s to start, then two passing checks 5 s apart
    expect(seconds).toBeGreaterThanOrEqual(13)
    expect(seconds).toBeLessThan(20)

    const blue = service(w, 'web-blue')
    expect(blue).toMatchObject({
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0
    })
    expect(blue.deployments).toHaveLength(1)
    expect(blue.deployments[0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: pair.taskDefinitionArn,
      desiredCount: 2,
      runningCount: 2,
      failedTasks: 0,
      rolloutState: 'COMPLETED'
    })
    expect(blue.deployments[0].id).toMatch(/^ecs-svc\/[0-9]{19}$/)
    const messages = blue.events.map((event: Json) => event.message)
    expect(messages[0]).toBe('(service web-blue) has reached a steady state.')
    expect(messages[1]).toBe(
      `(service web-blue) (deployment ${blue.deployments[0].id}) deployment completed.`
    )
    expect(messages).toContain(
      `(service web-blue) registered 2 targets in (target-group ${pair.blueGroup})`
    )
    expect(messages.at(-1)).toMatch(
      /^\(service web-blue\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/
    )

    const running = tasks(w, 'web-blue')
    const ips = running.map(
      (task: Json) => task.containers[0].networkInterfaces[0].privateIpv4Address
    )
    expect(new Set(ips).size).toBe(2)
    for (const task of running) {
      expect(task.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/c\/[0-9a-f]{32}$/)
      expect(task).toMatchObject({
        group: 'service:web-blue',
        startedBy: blue.deployments[0].id,
        desiredStatus: 'RUNNING'
      })
      const eni = task.attachments[0]
      expect(eni.type).toBe('ElasticNetworkInterface')
      const ip = eni.details.find((detail: Json) => detail.name === 'privateIPv4Address').value
      expect(ip).toMatch(/^10\.0\.[0-9]+\.[0-9]+$/)
      expect(ip).toBe(task.containers[0].networkInterfaces[0].privateIpv4Address)
    }
    const targets = w.elb('DescribeTargetHealth', {
      TargetGroupArn: pair.blueGroup
    }).TargetHealthDescriptions
    expect(targets.map((d: Json) => d.Target.Id).sort()).toEqual([...ips].sort())
    expect(
      targets.every((d: Json) => d.Target.Port === 8080 && d.TargetHealth.State === 'healthy')
    ).toBe(true)
  })

  it('rolls a new revision out without ever having fewer healthy targets than desired', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    w.runUntil(() => service(w, 'web-blue').deployments[0].rolloutState === 'COMPLETED')
    const oldTasks = tasks(w, 'web-blue').map((task: Json) => task.taskArn)
    const oldDeployment = service(w, 'web-blue').deployments[0].id

    const revision2 = registerWeb(w, 'web:2')
    const updated = w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web-blue',
      taskDefinition: revision2
    }).service
    expect(updated.taskDefinition).toBe(revision2)
    expect(
      updated.deployments.map((d: Json) => [d.status, d.taskDefinition, d.rolloutState])
    ).toEqual([
      ['PRIMARY', revision2, 'IN_PROGRESS'],
      ['ACTIVE', pair.taskDefinitionArn, 'COMPLETED']
    ])

    let fewest = Infinity
    w.runUntil(() => {
      fewest = Math.min(
        fewest,
        states(w, pair.blueGroup).filter((state) => state === 'healthy').length
      )
      return service(w, 'web-blue').deployments[0].rolloutState === 'COMPLETED'
    })
    expect(fewest).toBe(2)

    const blue = service(w, 'web-blue')
    expect(blue.deployments).toHaveLength(1)
    expect(blue.deployments[0].taskDefinition).toBe(revision2)
    expect(tasks(w, 'web-blue').map((task: Json) => task.taskDefinitionArn)).toEqual([
      revision2,
      revision2
    ])
    const stopped = tasks(w, 'web-blue', 'STOPPED')
    expect(stopped.map((task: Json) => task.taskArn).sort()).toEqual([...oldTasks].sort())
    for (const task of stopped) {
      expect(task).toMatchObject({
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: `Scaling activity initiated by (deployment ${blue.deployments[0].id})`,
        startedBy: oldDeployment
      })
      expect(task.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 })
    }
    // the old tasks' targets drained away; only the new ones are left
    expect(states(w, pair.blueGroup)).toEqual(['healthy', 'healthy'])
  })

  it('deploys the idle side with a new revision and a desired count in one call, then scales it to 0', () => {
    const w = modelWorld()
    const pair = blueGreen(w)
    w.run(20)
    const revision2 = registerWeb(w, 'web:2')
    w.ecs('UpdateService', {
      cluster: 'c',
      service: 'web-green',
      taskDefinition: revision2,
      desiredCount: 2
    })
    w.runUntil(() => service(w, 'web-green').deployments[0].rolloutState === 'COMPLETED')
    expect(states(w, pair.greenGroup)).toEqual(['healthy', 'healthy'])
    expect(service(w, 'web-green')).toMatchObject({ runningCount: 2, taskDefinition: revision2 })

    w.ecs('UpdateService', { cluster: 'c', service: 'web-green', desiredCount: 0 })
    w.run(1)
    expect(states(w, pair.greenGroup)).toEqual(['draining', 'draining'])
    w.runUntil(() => states(w, pair.greenGroup).length === 0)
    w.run(1)
    const green = service(w, 'web-green')
    expect(green).toMatchObject({ desiredCount: 0, runningCount: 0, pendingCount: 0 })
    expect(green.deployments).toHaveLength(1)
    expect(green.events[0].message).toBe('(service web-green) has reached a steady state.')
    expect(tasks(w, 'web-green')).toEqual([])
    expect(tasks(w, 'web-green', 'STOPPED').map((task: Json) => task.lastStatus)).toEqual([
      'STOPPED',
      'STOPPED'
    ])
  })

  it('starts a new deployment on forceNewDeployment with the same revision', () => {
    const w = modelWorld()
    blueGreen(w, { desiredCount: 1 })
    w.run(20)
    const before = service(w, 'web-blue').deployments[0].id
    w.ecs('UpdateService', { cluster: 'c', service: 'web-blue', desiredCount: 1 })
    expect(service(w, 'web-blue').deployments.map((d: Json) => d.id)).toEqual([before])
    w.ecs('UpdateService', { cluster: 'c', service: 'web-blue', forceNewDeployment: true })
    const deployments = service(w, 'web-blue').deployments
    expect(deployments).toHaveLength(2)
    expect(deployments[1].id).toBe(before)
  })
})
