import { runRollout } from '../../src/rollout/deploy.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

describe('the rollout state', () => {
  it('is plain data at every step: it survives a JSON round trip unchanged', async () => {
    const bg = new BlueGreen().image({ unhealthyAtWeight: 50 })
    await bg.deploy()
    expect(bg.states.map((state) => state.phase)).toEqual([
      'render',
      'register',
      'bring-up',
      'shift',
      'bake',
      'shift',
      'bake',
      'shift',
      'bake',
      'revert',
      'done'
    ])
    for (const state of bg.states) {
      expect(JSON.parse(JSON.stringify(state))).toEqual(state)
    }
  })

  it('can be resumed by another runner after the first one died mid-bake', async () => {
    const bg = new BlueGreen()
    const settings = bg.settings()
    // the first runner dies 30s into the bake at 25% (bring-up takes 20s, each bake 1m)
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE + 30_000)
    void runRollout({ phase: 'discover', startedAt: bg.clock.now() }, settings, bg.deps())
    await died
    const last = bg.states.at(-1)!
    expect(last).toMatchObject({ phase: 'bake', step: 1 })
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 75, 'web-green-tg': 25 })

    const stored = JSON.parse(JSON.stringify(last))
    const outcome = await runRollout(stored, settings, bg.deps())
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weightWrites().map((write) => write['web-green-tg'])).toEqual([10, 25, 50, 100])
    const bakePassed = bg.record.timeline.find((entry) => entry.event === 'bake passed at 25%')!
    expect(bakePassed.at - (last as { bakeStartedAt: number }).bakeStartedAt).toBe(MINUTE)
  })
})
