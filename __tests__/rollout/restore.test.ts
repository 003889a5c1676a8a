import { restoreTraffic } from '../../src/rollout/deploy.js'
import { TopologyError } from '../../src/rollout/errors.js'
import { BlueGreen } from '../support/blue-green.js'

function checkpointOf(bg: BlueGreen) {
  return {
    routeArn: bg.routeArn,
    liveTargetGroupArn: bg.blueTg,
    idleTargetGroupArn: bg.greenTg,
    startedAt: bg.clock.now()
  }
}

function deps(bg: BlueGreen) {
  return { elb: bg.aws.elb, observer: bg.record.observer, clock: bg.clock }
}

describe('restoreTraffic (the post step)', () => {
  it('returns all traffic to the side that was live, keeping stickiness, and reads it back', async () => {
    const stickiness = { enabled: true, durationSeconds: 600 }
    const bg = new BlueGreen({ blueWeight: 75, greenWeight: 25, stickiness })
    expect(await restoreTraffic(checkpointOf(bg), deps(bg))).toBe('restored')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    const write = bg.aws.calls.find((call) => call.op === 'writeForward')!
    expect((write.input as { forward: { stickiness: unknown } }).forward.stickiness).toEqual(
      stickiness
    )
    expect(bg.aws.calls.map((call) => call.op)).toEqual(['readRoute', 'writeForward', 'readRoute'])
  })

  it('leaves a route alone that already sends everything to the live side', async () => {
    const bg = new BlueGreen({ blueWeight: 1, greenWeight: 0 })
    expect(await restoreTraffic(checkpointOf(bg), deps(bg))).toBe('already-restored')
    expect(bg.mutations()).toEqual([])
  })

  it('refuses to touch a route that no longer forwards to the pair', async () => {
    const bg = new BlueGreen()
    const other = bg.aws.elbWorld.addTargetGroup('web-next-tg')
    bg.aws.elbWorld.setForward(bg.routeArn, {
      targetGroups: [
        { targetGroupArn: other, weight: 100 },
        { targetGroupArn: bg.greenTg, weight: 0 }
      ]
    })
    await expect(restoreTraffic(checkpointOf(bg), deps(bg))).rejects.toThrow(TopologyError)
    expect(bg.mutations()).toEqual([])
  })

  it('finishes the job of a revert that could not land', async () => {
    const bg = new BlueGreen().image({ unhealthyAtWeight: 50 })
    bg.aws.log.fail('writeForward', {
      when: (input: { forward: { targetGroups: { weight: number }[] } }) =>
        input.forward.targetGroups.some((group) => group.weight === 100)
    })
    const outcome = await bg.deploy()
    expect(outcome.reason).toMatch(/returning all traffic to web-blue failed/)
    const checkpoint = bg.checkpoints.at(-1)
    expect(checkpoint).toBeTruthy()
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 50, 'web-green-tg': 50 })

    bg.aws.log.clearFaults()
    expect(await restoreTraffic(checkpoint!, deps(bg))).toBe('restored')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })
})
