import { BlueGreen, MINUTE } from '../support/blue-green.js'

describe('bringing up the idle side', () => {
  it('fails fast on a crashing release, with each stop reason and exit code, and writes no weight', async () => {
    const bg = new BlueGreen().image({ crashAfterMs: 2000, exitCode: 3 })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^\d+ new tasks stopped while bringing up web-green: Essential container in task exited \(exit code 3\)$/
    )
    expect(outcome.stoppedTasks.length).toBeGreaterThanOrEqual(2)
    for (const task of outcome.stoppedTasks) {
      expect(task).toMatchObject({
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'web', exitCode: 3 }]
      })
    }
    expect(outcome.serviceEvents.length).toBeGreaterThan(0)
    expect(outcome.serviceEvents.length).toBeLessThanOrEqual(5)
    expect(bg.clock.now() - bg.startedAt).toBeLessThan(MINUTE)
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'updateService web-green x0'
    ])
    expect(outcome.liveService).toBe('web-blue')
    expect(outcome.taskDefinitionArn).toMatch(/web:42$/)
  })

  it('finds tasks that crashed between two polls from the deployment’s failed count', async () => {
    const bg = new BlueGreen().image({ startMs: 1000, crashAfterMs: 1000 })
    const outcome = await bg.deploy({ pollIntervalMs: 30_000 })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/new tasks stopped while bringing up web-green/)
    // at the first read after the crashes (target health is read five times a poll interval
    // while bringing up), though no task it had seen went missing
    const [update, scaleBack] = bg.aws.log.mutations().slice(-2)
    expect(scaleBack!.at - update!.at).toBe(6_000)
    expect(
      bg.aws.calls.some(
        (call) =>
          call.op === 'listTasks' &&
          (call.input as { desiredStatus: string }).desiredStatus === 'STOPPED'
      )
    ).toBe(true)
  })

  it.each([
    // the next poll still finds the failed deployment, draining
    [
      'while its deployment drains',
      5_000,
      'ECS deployment circuit breaker: 2 tasks failed to start.'
    ],
    // the rollback completed between two polls: only the service's events tell
    ['after the rollback completed', 150_000, 'tasks failed to start.']
  ])(
    'reports a circuit-breaker rollback of the idle side as the release failing (seen %s)',
    async (_when, pollIntervalMs, why) => {
      const bg = new BlueGreen().image({ startMs: 1000, crashAfterMs: 1000 })
      bg.aws.ecsWorld.circuitBreakerTasks = 2
      bg.aws.ecsWorld.circuitBreakerRollback = true
      const outcome = await bg.deploy({ pollIntervalMs })
      expect(outcome.result).toBe('reverted')
      // not "web-green was changed to web:41 by someone else"
      expect(outcome.reason).toBe(
        `ECS's deployment circuit breaker rolled web-green back to web:41 while bringing up web-green: ${why}`
      )
      // the tasks that failed are reported, though they stopped between two polls
      expect(outcome.stoppedTasks.length).toBeGreaterThanOrEqual(2)
      expect(outcome.stoppedTasks[0]).toMatchObject({ stopCode: 'EssentialContainerExited' })
      expect(outcome.serviceEvents.length).toBeGreaterThan(0)
      // reverted as any failed bring-up: no weight was written, the idle side is scaled back
      expect(bg.aws.weightWrites()).toEqual([])
      expect(bg.mutations()).toEqual([
        'registerTaskDefinition web',
        'updateService web-green web:42 x2',
        'updateService web-green x0'
      ])
    }
  )

  it('fails fast on an unhealthy target', async () => {
    const bg = new BlueGreen().image({ unhealthy: true, healthReason: 'Target.Timeout' })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /^target 10\.0\.2\.\d+:8080 unhealthy in web-green-tg while bringing up web-green: Target\.Timeout$/
    )
    expect(bg.clock.now() - bg.startedAt).toBeLessThan(MINUTE)
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.mutations().at(-1)).toBe('updateService web-green x0')
  })

  it('waits for tasks that are slow to start, and moves no traffic until all are healthy', async () => {
    const bg = new BlueGreen().image({ startMs: 4 * MINUTE, healthCheckMs: MINUTE })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    const firstWrite = bg.aws.log.calls.find((call) => call.op === 'writeForward')!
    expect(firstWrite.at - bg.startedAt).toBeGreaterThanOrEqual(5 * MINUTE)
  })

  it('times out, without writing any weight, when the tasks never get there', async () => {
    const bg = new BlueGreen().image({ startMs: 20 * MINUTE })
    const outcome = await bg.deploy({ timeoutMs: 10 * MINUTE })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe('timed out after 10m while bringing up web-green')
    expect(bg.clock.now() - bg.startedAt).toBe(10 * MINUTE)
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.mutations().at(-1)).toBe('updateService web-green x0')
  })

  it('reads the idle side economically: about one call a poll, each task described once', async () => {
    const bg = new BlueGreen({ desiredCount: 3 })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    const calls = bg.aws.calls
    const count = (op: string) => calls.filter((call) => call.op === op).length
    // target health once a poll, and once more right before each weight write
    const polls = count('describeTargetHealth') - count('writeForward')
    expect(polls).toBeGreaterThan(30)
    // DescribeServices (one at discovery) once a poll interval (two and a half polls while
    // baking), three times that while the side stands still, or when the targets changed
    const services = count('describeServices') - 1
    expect(services).toBeLessThanOrEqual(polls / 3 + 8)
    expect(services).toBeGreaterThanOrEqual(polls / 8)
    // the running tasks only when the counts or the targets changed: while starting up
    expect(count('listTasks')).toBeLessThan(12)
    const reads = services + count('listTasks') + count('describeTasks') + polls
    expect(reads / polls).toBeLessThanOrEqual(1.5)
    const described = calls
      .filter((call) => call.op === 'describeTasks')
      .flatMap((call) => (call.input as { taskArns: string[] }).taskArns)
    expect(described).toHaveLength(3)
    expect(new Set(described).size).toBe(3)
    expect(count('describeTargetGroups')).toBe(1)
  })

  it('logs one line a poll at most, and only when something changed', async () => {
    const bg = new BlueGreen()
    await bg.deploy({ steps: [{ kind: 'weight', percent: 100 }] })
    const progress = bg.record.infos.filter((line) => line.startsWith('idle web-green:'))
    expect(progress).toEqual([
      'idle web-green: 0/2 running, 0/2 healthy',
      'idle web-green: 2/2 running, 0/2 healthy',
      'idle web-green: 2/2 running, 2/2 healthy',
      'idle web-green: 2/2 running, 2/2 healthy'
    ])
  })
})

describe('the overall timeout', () => {
  it('during a bake reverts, traffic first', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ stepWaitMs: 10 * MINUTE, timeoutMs: 15 * MINUTE })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe('timed out after 15m during bake at 25%')
    expect(bg.mutations().slice(-3)).toEqual([
      'writeForward web-blue-tg=75 web-green-tg=25',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0'
    ])
    const revert = bg.aws.log.mutations().at(-2)!
    expect(revert.at - bg.startedAt).toBe(15 * MINUTE)
  })
})
