import { deployWithState } from '../../src/rollout/control/deploy.js'
import { promoteRollout } from '../../src/rollout/control/promote.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

/**
 * keep-revisions: once a promotion is complete, the family's ACTIVE revisions beyond the newest N
 * are deregistered; never the live one, the previous one, or any a service of the pair or the
 * rollout record names; never another family's; a failure is a warning, not a failed promotion.
 */

/** web:41 is live (seeded); web:42-44 were registered since (builds never deployed). */
function pairWithHistory(): BlueGreen {
  const bg = new BlueGreen()
  for (let i = 0; i < 3; i++) bg.aws.ecsWorld.registerTaskDefinition(bg.definition)
  // a family whose name starts with "web": ListTaskDefinitions may match it as a prefix
  bg.aws.ecsWorld.registerTaskDefinition({ ...bg.definition, family: 'web-worker' })
  bg.aws.ecsWorld.registerTaskDefinition({ ...bg.definition, family: 'web-worker' })
  return bg
}

describe('keep-revisions', () => {
  it('after a promotion, deregisters the oldest ACTIVE revisions of the family, never the live or previous one', async () => {
    const bg = pairWithHistory()
    const outcome = await deployWithState(bg.settings({ keepRevisions: 2 }), bg.durableDeps())
    expect(outcome.result).toBe('promoted')
    // web:45 is the release; web:41 is the previous revision, which a rollback goes back to
    expect(bg.aws.ecsWorld.activeRevisions('web')).toEqual(['web:45', 'web:44', 'web:41'])
    expect(bg.aws.ecsWorld.activeRevisions('web-worker')).toEqual(['web-worker:2', 'web-worker:1'])
    expect(outcome.revisions).toBe('deregistered web:43, web:42 (keep-revisions: 2)')
    // after the promotion was recorded and its lock given back, not before
    const ops = bg.aws.log.mutations().map((call) => call.op)
    expect(ops.indexOf('deregisterTaskDefinition')).toBeGreaterThan(
      ops.lastIndexOf('deleteLockRule')
    )
  })

  it('keeps every revision without the input, and changes nothing on a paused or reverted rollout', async () => {
    const bg = pairWithHistory()
    await deployWithState(bg.settings(), bg.durableDeps())
    expect(bg.aws.ecsWorld.activeRevisions('web')).toHaveLength(5)

    const paused = pairWithHistory()
    const steps = [{ kind: 'weight' as const, percent: 10 }, { kind: 'pause' as const }]
    const first = await deployWithState(
      paused.settings({ keepRevisions: 1, steps: [...steps, { kind: 'weight', percent: 100 }] }),
      paused.durableDeps()
    )
    expect(first.result).toBe('paused')
    expect(paused.aws.ecsWorld.activeRevisions('web')).toHaveLength(5)
    // the promote that completes it is the promotion
    const { outcome } = await promoteRollout(
      paused.settings({ keepRevisions: 1 }),
      paused.durableDeps('runner-2')
    )
    expect(outcome.result).toBe('promoted')
    expect(paused.aws.ecsWorld.activeRevisions('web')).toEqual(['web:45', 'web:41'])

    const bad = pairWithHistory().image({ unhealthy: true })
    const reverted = await deployWithState(bad.settings({ keepRevisions: 1 }), bad.durableDeps())
    expect(reverted.result).toBe('reverted')
    expect(bad.aws.ecsWorld.activeRevisions('web')).toHaveLength(5)
  })

  it('keeps a revision the rollout record names, and warns without failing when ECS refuses', async () => {
    const bg = pairWithHistory()
    await deployWithState(bg.settings({ scaleDownDelayMs: 0 }), bg.durableDeps())
    await bg.clock.sleep(MINUTE)
    bg.aws.log.fail('deregisterTaskDefinition', { times: 1 })
    const next = await deployWithState(
      bg.settings({
        keepRevisions: 1,
        release: { image: 'registry.example.com/web:3.0.0', environment: [] }
      }),
      bg.durableDeps('runner-2')
    )
    expect(next.result).toBe('promoted')
    expect(next.revisions).toMatch(/^could not deregister web:44: .*; the rest kept$/)
    expect(bg.aws.ecsWorld.activeRevisions('web')).toHaveLength(6)
    await bg.clock.sleep(MINUTE)
    const again = await deployWithState(
      bg.settings({
        keepRevisions: 1,
        release: { image: 'registry.example.com/web:4.0.0', environment: [] }
      }),
      bg.durableDeps('runner-3')
    )
    expect(again.result).toBe('promoted')
    // web:47 live, web:46 previous (and in the record): the rest goes
    expect(bg.aws.ecsWorld.activeRevisions('web')).toEqual(['web:47', 'web:46'])
  })
})
