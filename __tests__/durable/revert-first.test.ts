import { deployWithState } from '../../src/rollout/control/deploy.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'
import { recorder } from '../support/recorder.js'

/** The mutating calls from the moment of the cancel on. */
function afterCancel(bg: BlueGreen, callsAtCancel: number): string[] {
  const later = bg.aws.log.calls.slice(callsAtCancel).filter((call) => call.mutating).length
  return later === 0 ? [] : bg.mutations().slice(-later)
}

describe('with the state kept in tags, a cancel still reverts before anything else', () => {
  const back = 'writeForward web-blue-tg=100 web-green-tg=0'
  const scaleIn = 'updateService web-green x0'
  it.each([
    // bring-up's own update was under way when its phase began; no weight had moved
    ['Bring up idle side', ['updateService web-green web:42 x2', scaleIn]],
    ['Shift to 10%', [scaleIn]],
    ['Bake at 10%', [back, scaleIn]],
    ['Shift to 50%', [back, scaleIn]],
    ['Bake at 100%', [back, scaleIn]]
  ])('at "%s"', async (phase, undo) => {
    const bg = new BlueGreen()
    let callsAtCancel = -1
    bg.record = recorder((name) => {
      if (name !== phase) return
      callsAtCancel = bg.aws.log.calls.length
      bg.controller.abort('SIGTERM')
    })
    const outcome = await deployWithState(bg.settings(), bg.durableDeps())
    expect(outcome.result).toBe('reverted')
    expect(afterCancel(bg, callsAtCancel)).toEqual([
      ...undo,
      'writeTags reverted',
      'deleteLockRule'
    ])
    expect(bg.tags()['ecs-blue-green:phase']).toBe('reverted')
  })

  it('at any moment of a long rollout: the first change after it is the revert', async () => {
    const seen = { reverted: 0, weighted: 0 }
    for (let at = 15_000; at < 16 * MINUTE; at += 47_000) {
      const bg = new BlueGreen()
      let callsAtCancel = -1
      bg.clock.at(bg.clock.now() + at, () => {
        callsAtCancel = bg.aws.log.calls.length
        bg.controller.abort('SIGTERM')
      })
      const settings = bg.settings({ stepWaitMs: 3 * MINUTE, scaleDownDelayMs: 0 })
      const outcome = await deployWithState(settings, bg.durableDeps())
      const after = afterCancel(bg, callsAtCancel)
      if (outcome.result === 'promoted') continue
      const weighted = bg.aws.weightWrites().some((write) => write['web-green-tg']! > 0)
      seen.reverted++
      if (weighted) seen.weighted++
      expect([at, after[0]]).toEqual([
        at,
        weighted ? 'writeForward web-blue-tg=100 web-green-tg=0' : 'updateService web-green x0'
      ])
      // the record settles, then the lock is given up
      expect(after.slice(-2)).toEqual(['writeTags reverted', 'deleteLockRule'])
    }
    expect(seen).toEqual({ reverted: 16, weighted: 15 })
  })
})
