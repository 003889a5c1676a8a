import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { BlueGreen } from '../support/blue-green.js'
import { SimClock } from './sim-clock.js'

/** Shrunk counterexamples of the interleavings property, as plain tests. */
describe('interleavings found by the simulation', () => {
  it('a record write retried after a lost answer does not land once an abort took the lock', async () => {
    // seed 1 of the property, shrunk: a deploy's `register` record lands but its answer is lost,
    // so it retries 500ms later; meanwhile an abort takes the lock, aborts, and gives it back
    const clock = new SimClock()
    const bg = new BlueGreen({ clock })
    const phase = (input: never): string | undefined =>
      (input as { tags: Record<string, string> }).tags['ecs-blue-green:phase']
    bg.aws.log.fail('writeTags', {
      times: 1,
      applyThenFail: true,
      error: 'socket hang up',
      when: (input) => phase(input) === 'register'
    })
    const deploy = deployWithState(bg.settings(), bg.durableDeps('runner-1')).catch(
      (error: unknown) => error
    )
    let aborted: Promise<unknown> | undefined
    bg.aws.log.observe((call) => {
      if (call.op === 'writeTags' && phase(call.input as never) === 'register' && !aborted) {
        aborted = abortRollout(bg.settings(), bg.durableDeps('runner-2'))
      }
    })
    await clock.run()
    await deploy
    await aborted
    // the abort's own end: its record, then its lock given back; nothing of the deploy's after it
    expect(bg.mutations().slice(-2)).toEqual(['writeTags aborted', 'deleteLockRule'])
    // the abort's record stands: the deploy wrote nothing over it
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'aborted',
      'ecs-blue-green:owner': 'runner-2'
    })
  })
})
