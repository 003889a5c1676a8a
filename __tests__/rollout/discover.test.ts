import { TopologyError } from '../../src/rollout/errors.js'
import { BlueGreen, type PairSetup } from '../support/blue-green.js'

/** Deploys into a pair set up wrong and returns the refusal; nothing may have been changed. */
async function refusal(setup: PairSetup, tweak?: (bg: BlueGreen) => void): Promise<string> {
  const bg = new BlueGreen(setup)
  tweak?.(bg)
  const error = await bg.deploy().then(
    () => undefined,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(TopologyError)
  expect(bg.mutations()).toEqual([])
  return (error as Error).message
}

describe('discovery refuses what is not a settled blue/green pair, changing nothing', () => {
  it('a route without a forward action, naming the action types it found', async () => {
    const message = await refusal({
      forward: () => null,
      actionTypes: ['authenticate-oidc', 'redirect']
    })
    expect(message).toMatch(/no forward action \(found: authenticate-oidc, redirect\)/)
    expect(message).toMatch(
      /expected a forward action to the target groups of web-blue and web-green/
    )
  })

  it('a forward to a single target group of neither service', async () => {
    const message = await refusal({}, (bg) => {
      const other = bg.aws.elbWorld.addTargetGroup('api-tg')
      bg.aws.elbWorld.setForward(bg.routeArn, {
        targetGroups: [{ targetGroupArn: other, weight: 1 }]
      })
    })
    expect(message).toMatch(/forwards to api-tg alone, but web-blue to web-blue-tg/)
  })

  it('a forward to three target groups', async () => {
    const message = await refusal({}, (bg) => {
      const other = bg.aws.elbWorld.addTargetGroup('web-canary-tg')
      bg.aws.elbWorld.setForward(bg.routeArn, {
        targetGroups: [
          { targetGroupArn: bg.blueTg, weight: 100 },
          { targetGroupArn: bg.greenTg, weight: 0 },
          { targetGroupArn: other, weight: 0 }
        ]
      })
    })
    expect(message).toMatch(
      /forwards to 3 target groups \(web-blue-tg, web-green-tg, web-canary-tg\)/
    )
  })

  it('target groups that are not the services’ ones', async () => {
    const message = await refusal({}, (bg) => {
      const other = bg.aws.elbWorld.addTargetGroup('api-tg')
      bg.aws.elbWorld.setForward(bg.routeArn, {
        targetGroups: [
          { targetGroupArn: bg.blueTg, weight: 100 },
          { targetGroupArn: other, weight: 0 }
        ]
      })
    })
    expect(message).toMatch(
      /forwards to web-blue-tg and api-tg, but web-blue to web-blue-tg, web-green to web-green-tg/
    )
  })

  it('both services on one target group', async () => {
    const bg = new BlueGreen()
    bg.aws.ecsWorld.addService({
      name: 'web-twin',
      taskDefinitionArn: bg.liveRevision,
      desiredCount: 0,
      targetGroupArn: bg.greenTg,
      extraTargetGroups: [bg.blueTg]
    })
    const error = await bg
      .deploy({ services: ['web-blue', 'web-twin'] })
      .catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(TopologyError)
    expect((error as Error).message).toBe(
      'web-blue and web-twin are both attached to web-blue-tg; each service of the pair needs its own target group'
    )
    expect(bg.mutations()).toEqual([])
  })

  it('a service that does not exist', async () => {
    const bg = new BlueGreen()
    const error = await bg
      .deploy({ services: ['web-blue', 'web-grene'] })
      .catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(TopologyError)
    expect((error as Error).message).toBe(
      'service web-grene was not found in cluster prod (MISSING)'
    )
    expect(bg.mutations()).toEqual([])
  })

  it('a service that is not ACTIVE', async () => {
    const bg = new BlueGreen()
    bg.aws.ecsWorld.addService({
      name: 'web-old',
      taskDefinitionArn: bg.liveRevision,
      desiredCount: 0,
      targetGroupArn: bg.greenTg,
      status: 'DRAINING'
    })
    const error = await bg
      .deploy({ services: ['web-blue', 'web-old'] })
      .catch((caught: Error) => caught)
    expect((error as Error).message).toBe('service web-old is DRAINING; expected an ACTIVE service')
    expect(bg.mutations()).toEqual([])
  })

  it('a DAEMON service, which takes no desired count', async () => {
    const bg = new BlueGreen()
    bg.aws.ecsWorld.addService({
      name: 'web-agent',
      taskDefinitionArn: bg.liveRevision,
      desiredCount: 0,
      targetGroupArn: bg.greenTg,
      schedulingStrategy: 'DAEMON'
    })
    const error = await bg
      .deploy({ services: ['web-blue', 'web-agent'] })
      .catch((caught: Error) => caught)
    expect((error as Error).message).toBe(
      'service web-agent uses the DAEMON scheduling strategy, which runs one task on every container instance and takes no desired count; expected a REPLICA service'
    )
    expect(bg.mutations()).toEqual([])
  })

  it('the live service at desiredCount 0', async () => {
    const message = await refusal({}, (bg) =>
      bg.aws.ecsWorld.updateService(bg.blue, { desiredCount: 0 })
    )
    expect(message).toMatch(/web-blue carries all traffic but has desiredCount 0/)
  })

  it('both weights 0', async () => {
    const message = await refusal({ blueWeight: 0, greenWeight: 0 })
    expect(message).toMatch(/weight 0 on both, so neither side is live/)
  })

  it('traffic split by an unfinished rollout, saying how to finish or undo it', async () => {
    const message = await refusal({ blueWeight: 75, greenWeight: 25 })
    expect(message).toBe(
      'an unfinished rollout: 75% on web-blue, 25% on web-green; run the action with command: ' +
        'promote to finish it or command: abort to return all traffic to web-blue'
    )
  })

  it('a split in odd weights, named in percent, the side with more named for the abort', async () => {
    const message = await refusal({ blueWeight: 1, greenWeight: 3 })
    expect(message).toMatch(
      /25% on web-blue, 75% on web-green; .* return all traffic to web-green$/
    )
  })
})

describe('discovery reads the live side from the weights', () => {
  it.each([
    ['1/0', { blueWeight: 1, greenWeight: 0 }],
    ['999/0', { blueWeight: 999, greenWeight: 0 }]
  ])('treats blue at %s as live and writes weights that sum to 100', async (_name, setup) => {
    const bg = new BlueGreen(setup)
    const outcome = await bg.deploy({ steps: [{ kind: 'weight', percent: 100 }] })
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weightWrites()).toEqual([{ 'web-blue-tg': 0, 'web-green-tg': 100 }])
  })

  it('deploys to blue when green carries the traffic, keeping the order the route lists them in', async () => {
    const bg = new BlueGreen({ blueWeight: 0, greenWeight: 100, greenFirst: true })
    const outcome = await bg.deploy({
      steps: [
        { kind: 'weight', percent: 50 },
        { kind: 'weight', percent: 100 }
      ]
    })
    expect(outcome.result).toBe('promoted')
    expect(outcome.liveService).toBe('web-blue')
    expect(outcome.idleService).toBe('web-green')
    const written = bg.aws.calls
      .filter((call) => call.op === 'writeForward')
      .map(
        (call) =>
          (
            call.input as {
              forward: { targetGroups: { targetGroupArn: string; weight: number }[] }
            }
          ).forward.targetGroups
      )
    expect(written).toEqual([
      [
        { targetGroupArn: bg.greenTg, weight: 50 },
        { targetGroupArn: bg.blueTg, weight: 50 }
      ],
      [
        { targetGroupArn: bg.greenTg, weight: 0 },
        { targetGroupArn: bg.blueTg, weight: 100 }
      ]
    ])
  })
})
