import { BlueGreen, MINUTE } from '../support/blue-green.js'

const weight = (percent: number) => ({ kind: 'weight' as const, percent })

describe('a good release', () => {
  it('is promoted: the new revision brought up, each step written in order and read back', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy()

    expect(outcome).toMatchObject({
      result: 'promoted',
      liveService: 'web-green',
      idleService: 'web-blue',
      liveTargetGroupArn: bg.greenTg,
      idleTargetGroupArn: bg.blueTg,
      taskDefinitionArn: expect.stringMatching(/task-definition\/web:42$/),
      previousTaskDefinitionArn: bg.liveRevision
    })
    expect(outcome.reason).toBeUndefined()
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'writeForward web-blue-tg=90 web-green-tg=10',
      'writeForward web-blue-tg=75 web-green-tg=25',
      'writeForward web-blue-tg=50 web-green-tg=50',
      'writeForward web-blue-tg=0 web-green-tg=100',
      'updateService web-blue x0'
    ])
    // every write is followed by a read of the same route before anything else changes
    const calls = bg.aws.calls
    calls.forEach((call, i) => {
      if (call.op === 'writeForward') expect(calls[i + 1]?.op).toBe('readRoute')
    })
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    expect(bg.aws.ecsWorld.service('web-green')).toMatchObject({ runningCount: 2 })
  })

  it('bakes every step, the last one too, for step-wait before moving on', async () => {
    const bg = new BlueGreen()
    await bg.deploy({ stepWaitMs: 2 * MINUTE })
    const at = (event: string) => bg.record.timeline.find((entry) => entry.event === event)!.at
    for (const percent of [10, 25, 50, 100]) {
      expect(at(`bake passed at ${percent}%`) - at(`shifted to ${percent}%`)).toBe(2 * MINUTE)
    }
    expect(at('promoted')).toBeGreaterThanOrEqual(at('bake passed at 100%'))
  })

  it('tells its phases and a timeline with weights and health per side', async () => {
    const bg = new BlueGreen()
    await bg.deploy({ steps: [weight(50), weight(100)], scaleDownDelayMs: MINUTE })
    expect(bg.record.phases).toEqual([
      'Discover',
      'Render task definition',
      'Register',
      'Bring up idle side',
      'Shift to 50%',
      'Bake at 50%',
      'Shift to 100%',
      'Bake at 100%',
      'Promote',
      'Scale down old side'
    ])
    expect(
      bg.record.timeline.map(({ event, liveWeight, idleWeight, live, idle }) => [
        event,
        `${liveWeight}/${idleWeight}`,
        `${live.healthy}/${live.total}`,
        `${idle.healthy}/${idle.total}`
      ])
    ).toEqual([
      ['discovered', '100/0', '2/2', '0/0'],
      ['idle side healthy', '100/0', '2/2', '2/2'],
      ['shifted to 50%', '50/50', '2/2', '2/2'],
      ['bake passed at 50%', '50/50', '2/2', '2/2'],
      ['shifted to 100%', '0/100', '2/2', '2/2'],
      ['bake passed at 100%', '0/100', '2/2', '2/2'],
      ['promoted', '0/100', '2/2', '2/2'],
      ['scaled down web-blue', '0/100', '2/2', '2/2']
    ])
  })

  it('keeps the stickiness the route had in every write', async () => {
    const stickiness = { enabled: true, durationSeconds: 3600 }
    const bg = new BlueGreen({ stickiness })
    await bg.deploy({ steps: [weight(50), weight(100)] })
    const writes = bg.aws.calls.filter((call) => call.op === 'writeForward')
    expect(writes).toHaveLength(2)
    for (const call of writes) {
      expect((call.input as { forward: { stickiness?: unknown } }).forward.stickiness).toEqual(
        stickiness
      )
    }
    expect(bg.aws.elbWorld.readRoute(bg.routeArn).forward?.stickiness).toEqual(stickiness)
  })

  it('deploys through a listener rule the same way', async () => {
    const bg = new BlueGreen({ kind: 'rule' })
    const outcome = await bg.deploy({ steps: [weight(50), weight(100)], routeKind: 'rule' })
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weightWrites()).toEqual([
      { 'web-blue-tg': 50, 'web-green-tg': 50 },
      { 'web-blue-tg': 0, 'web-green-tg': 100 }
    ])
  })

  it('ends with a 100 step when the steps stop short of it', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ steps: [weight(10), weight(50)] })
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weightWrites().map((write) => write['web-green-tg'])).toEqual([10, 50, 100])
  })

  it('never scales the old side or deregisters a revision before promotion', async () => {
    const bg = new BlueGreen()
    await bg.deploy()
    const ops = new Set(bg.aws.calls.map((call) => call.op))
    expect([...ops].filter((op) => /deregister|delete/i.test(op))).toEqual([])
    const mutations = bg.mutations()
    const blueScaled = mutations.indexOf('updateService web-blue x0')
    expect(blueScaled).toBe(mutations.length - 1)
    const promotedAt = bg.record.timeline.find((entry) => entry.event === 'promoted')!.at
    const scaleCall = bg.aws.log.mutations().at(-1)!
    expect(scaleCall.at).toBeGreaterThanOrEqual(promotedAt)
    expect(bg.aws.ecsWorld.registeredRevisions()).toContain(bg.liveRevision)
  })
})

describe('scale-down after promotion', () => {
  it('waits the old target group’s deregistration delay plus 5s by default', async () => {
    const bg = new BlueGreen({ deregistrationDelaySeconds: 120 })
    const outcome = await bg.deploy()
    const promotedAt = bg.record.timeline.find((entry) => entry.event === 'promoted')!.at
    const scaleCall = bg.aws.log.mutations().at(-1)!
    expect(scaleCall.at - promotedAt).toBe(125_000)
    expect(outcome.scaleDown).toBe('web-blue scaled to 0, 2m5s after promotion')
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(0)
  })

  it('waits an explicit delay', async () => {
    const bg = new BlueGreen()
    await bg.deploy({ scaleDownDelayMs: 10 * MINUTE, timeoutMs: 60 * MINUTE })
    const promotedAt = bg.record.timeline.find((entry) => entry.event === 'promoted')!.at
    expect(bg.aws.log.mutations().at(-1)!.at - promotedAt).toBe(10 * MINUTE)
  })

  it('never, with scale-down-delay never: the old side is kept warm', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ scaleDownDelayMs: null })
    expect(outcome.result).toBe('promoted')
    expect(outcome.scaleDown).toBe('web-blue kept warm with 2 tasks (scale-down-delay: never)')
    expect(bg.mutations().filter((line) => line.startsWith('updateService web-blue'))).toEqual([])
    expect(outcome.plan.at(-1)).toBe('promote; keep web-blue warm (scale-down-delay: never)')
  })

  it('not when the route no longer reads 0/100 after the delay', async () => {
    const bg = new BlueGreen()
    // someone moves traffic back by hand while the old side waits
    bg.aws.log.after(
      'writeForward',
      (input: { forward: { targetGroups: { weight: number }[] } }) => {
        if (input.forward.targetGroups.some((group) => group.weight === 100)) {
          bg.clock.at(bg.clock.now() + MINUTE, () =>
            bg.aws.elbWorld.setForward(bg.routeArn, {
              targetGroups: [
                { targetGroupArn: bg.blueTg, weight: 100 },
                { targetGroupArn: bg.greenTg, weight: 0 }
              ]
            })
          )
        }
      }
    )
    const outcome = await bg.deploy({ stepWaitMs: 30_000 })
    expect(outcome.result).toBe('promoted')
    expect(outcome.scaleDown).toMatch(
      /^not scaled down: the listener reads 100\/0 on web-blue\/web-green instead of 0\/100/
    )
    expect(bg.mutations().filter((line) => line.startsWith('updateService web-blue'))).toEqual([])
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
  })

  it('is skipped, not reverted, when the run is cancelled while waiting for it', async () => {
    const bg = new BlueGreen().cancelAtPhase('Scale down old side')
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    expect(outcome.scaleDown).toBe(
      'not scaled down: the run was cancelled before the scale-down delay ended; web-blue still runs 2 tasks'
    )
    expect(bg.mutations().at(-1)).toBe('writeForward web-blue-tg=0 web-green-tg=100')
  })

  it('is skipped when the timeout runs out first', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ timeoutMs: 10 * MINUTE, scaleDownDelayMs: 30 * MINUTE })
    expect(outcome.result).toBe('promoted')
    expect(outcome.scaleDown).toMatch(/^not scaled down: the timeout \(10m\) ran out/)
    expect(bg.clock.now() - bg.startedAt).toBe(10 * MINUTE)
  })
})

describe('a pause step', () => {
  it('ends the run there with traffic split as it is, and lets go of the restore', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ steps: [weight(10), { kind: 'pause' }, weight(100)] })
    expect(outcome.result).toBe('paused')
    expect(outcome.reason).toBeUndefined()
    expect(outcome.plan).toEqual([
      'bring up web-green on web:42 (2 tasks)',
      'shift 10% to web-green, bake 1m',
      'pause with 10% on web-green; continue with command: promote',
      'shift 100% to web-green, bake 1m',
      'promote; scale web-blue to 0 after 5m5s'
    ])
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 90, 'web-green-tg': 10 })
    expect(bg.mutations().at(-1)).toBe('writeForward web-blue-tg=90 web-green-tg=10')
  })
})
