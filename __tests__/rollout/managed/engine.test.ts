import { describe, expect, it } from '@jest/globals'
import { ManagedWorld, MINUTE } from '../../support/managed.js'

const alarmWatch = (names: string[]) => ({ alarms: names, alarmsAtStart: 'block' as const })

describe('a service that ECS deploys itself', () => {
  it('is promoted only once ECS says SUCCESSFUL, with a line per stage and the weights ECS applied', async () => {
    const world = new ManagedWorld({ strategy: 'LINEAR', stepPercent: 25, stepBakeMs: MINUTE })
    const outcome = await world.deploy()
    expect(outcome.result).toBe('promoted')
    expect(outcome.serviceDeployment?.status).toBe('SUCCESSFUL')
    expect(outcome.taskDefinitionArn).toMatch(/task-definition\/web:2$/)
    expect(outcome.previousTaskDefinitionArn).toMatch(/task-definition\/web:1$/)
    const weights = world.record.timeline.map((entry) => entry.idleWeight)
    expect(weights).toEqual(expect.arrayContaining([25, 50, 75, 100]))
    expect(world.record.infos.some((line) => line.includes('BAKE_TIME'))).toBe(true)
    // the weights are ECS's to write
    expect(world.ecs.calls).not.toContain('ModifyRule')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
  })

  it('ends reverted, failing, with ECS reason, the alarms that fired and the stopped tasks when ECS rolls back', async () => {
    const world = new ManagedWorld()
    world.ecs.failNextAt('BAKE_TIME', 'CloudWatch alarm web-5xx in ALARM', ['web-5xx'])
    const outcome = await world.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toContain(
      'ECS rolled the deployment back: CloudWatch alarm web-5xx in ALARM'
    )
    expect(outcome.reason).toContain('alarms in ALARM: web-5xx')
    expect(outcome.stoppedTasks[0]?.stoppedReason).toBe('Essential container in task exited')
    expect(outcome.serviceDeployment?.status).toBe('ROLLBACK_SUCCESSFUL')
  })

  it("rolls back through StopServiceDeployment when the action's alarm fires while ECS shifts", async () => {
    const world = new ManagedWorld({ strategy: 'LINEAR', stepPercent: 20, stepBakeMs: 2 * MINUTE })
    world.alarms = [{ name: 'web-p99', state: 'OK', reason: 'fine' }]
    world.clock.at(world.clock.now() + 35_000, () => {
      world.alarms = [{ name: 'web-p99', state: 'ALARM', reason: 'Threshold Crossed' }]
    })
    const outcome = await world.deploy({ watch: alarmWatch(['web-p99']) })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toContain('web-p99')
    expect(world.ecs.calls).toContain('StopServiceDeployment ROLLBACK')
    expect(world.ecs.calls).not.toContain('ContinueServiceDeployment ROLLBACK')
    expect(outcome.serviceDeployment?.status).toBe('ROLLBACK_SUCCESSFUL')
  })

  it('rolls back through ContinueServiceDeployment when test traffic fails at a paused hook', async () => {
    const world = new ManagedWorld({ hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT', type: 'PAUSE' }] })
    const deps = world.deps()
    deps.probe = { get: () => Promise.resolve({ ok: true, status: 503, body: 'down', ms: 3 }) }
    const { deployManaged } = await import('../../../src/rollout/managed/engine.js')
    const outcome = await deployManaged(
      world.settings({
        watch: {
          alarms: [],
          alarmsAtStart: 'block',
          testTraffic: {
            url: 'https://test.example.com/health',
            headers: {},
            expectStatus: [{ min: 200, max: 299 }],
            requests: 3,
            concurrency: 1,
            timeoutMs: 1000
          }
        }
      }),
      deps
    )
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toContain('test traffic')
    expect(world.ecs.calls).toContain('ContinueServiceDeployment ROLLBACK')
    expect(world.ecs.calls).not.toContain('StopServiceDeployment ROLLBACK')
  })

  it('ends paused at a PAUSE hook with the hook and its expiry; continuing it promotes', async () => {
    const world = new ManagedWorld({
      hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT', type: 'PAUSE', timeoutMs: 30 * MINUTE }]
    })
    const t0 = world.clock.now()
    const paused = await world.deploy()
    expect(paused.result).toBe('paused')
    expect(paused.serviceDeployment?.pausedHook?.status).toBe('AWAITING_ACTION')
    // entered after SCALE_UP and TEST_TRAFFIC_SHIFT (10s each)
    expect(paused.serviceDeployment?.pausedHook?.expiresAt).toBe(t0 + 20_000 + 30 * MINUTE)
    const { promoteManaged } = await import('../../../src/rollout/managed/control.js')
    const promoted = await promoteManaged(world.settings({ command: 'promote' }), world.deps())
    expect(promoted.result).toBe('promoted')
    expect(world.ecs.calls).toContain('ContinueServiceDeployment CONTINUE')
  })

  it('aborting a paused deployment rolls it back at its hook', async () => {
    const world = new ManagedWorld({ hooks: [{ stage: 'SCALE_UP', type: 'PAUSE' }] })
    expect((await world.deploy()).result).toBe('paused')
    const { abortManaged } = await import('../../../src/rollout/managed/control.js')
    const aborted = await abortManaged(world.settings({ command: 'abort' }), world.deps())
    expect(aborted.result).toBe('aborted')
    expect(world.ecs.calls).toContain('ContinueServiceDeployment ROLLBACK')
    expect(aborted.serviceDeployment?.status).toBe('ROLLBACK_SUCCESSFUL')
  })

  it('rolls back through ECS on cancel, as the first mutating call after it', async () => {
    const world = new ManagedWorld({ bakeMs: 20 * MINUTE })
    world.clock.at(world.clock.now() + 2 * MINUTE, () => world.controller.abort('SIGTERM'))
    const outcome = await world.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toContain('cancelled (SIGTERM)')
    const after = world.ecs.calls.slice(world.ecs.calls.indexOf('UpdateService') + 1)
    expect(
      after.find((call) => call !== 'DescribeServiceDeployments' && call !== 'DescribeServices')
    ).toBe('StopServiceDeployment ROLLBACK')
  })

  it('re-entered in start after a crash, follows the deployment the first attempt started', async () => {
    const world = new ManagedWorld()
    const stalled = world.clock.stallAt(world.clock.now() + 30_000)
    void world.deploy()
    await stalled
    const start = world.states.find((state) => state.phase === 'start')
    expect(start).toBeDefined()
    const outcome = await world.resume(start!)
    expect(outcome.result).toBe('promoted')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
  })
})

describe('refusals before anything changes', () => {
  it('refuses one service whose strategy is ROLLING, naming both ways out', async () => {
    const world = new ManagedWorld({ strategy: 'ROLLING' })
    await expect(world.deploy()).rejects.toThrow(
      /Input 'services'.*"web".*ROLLING.*two services.*BLUE_GREEN, LINEAR or CANARY/
    )
    expect(world.ecs.calls).toEqual(['DescribeServices'])
  })

  it('refuses traffic-steps for a service whose steps ECS owns, naming the service fields', async () => {
    const world = new ManagedWorld({ strategy: 'LINEAR', stepPercent: 10 })
    await expect(world.deploy({ managed: { service: 'web', stepsGiven: true } })).rejects.toThrow(
      /Input 'traffic-steps'.*linearConfiguration\.stepPercent/
    )
    expect(world.ecs.calls).toEqual(['DescribeServices'])
  })

  it('refuses to start while a watched alarm is in ALARM', async () => {
    const world = new ManagedWorld()
    world.alarms = [{ name: 'web-5xx', state: 'ALARM', reason: 'Threshold Crossed' }]
    await expect(world.deploy({ watch: alarmWatch(['web-5xx']) })).rejects.toThrow(/web-5xx/)
    expect(world.ecs.calls).not.toContain('UpdateService')
  })
})
