import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { rollbackRollout } from '../../src/rollout/control/rollback.js'
import { rolloutStatus } from '../../src/rollout/control/status.js'
import { tidyRollout } from '../../src/rollout/control/tidy.js'
import { stateWords } from '../../src/report/status.js'
import { actionOutputs } from '../../src/report/outputs.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'
import { watchSafety } from '../support/safety-watch.js'

/**
 * A scale-down due more than 30s after promotion (the default: the deregistration delay + 5s,
 * 305s here) holds no runner: the record keeps its due time, the old side stays warm, and the
 * next run on the listener, or `command: tidy`, scales it down once due, under the lock, only
 * while the route still reads 0/100 and the record is that promotion's.
 */

const NEXT_IMAGE = 'registry.example.com/web:3.0.0'
const release = (image: string) => ({ release: { image, environment: [] } })
const SCALE_DOWN = 'ecs-blue-green:scale-down'
/** the due time the record holds, if any */
const dueIn = (tags: Record<string, string>): string | undefined =>
  /(?:^|\s)due (\S+)/.exec(tags[SCALE_DOWN] ?? '')?.[1]

async function promoted(bg: BlueGreen, token = 'runner-1') {
  const outcome = await deployWithState(bg.settings(), bg.durableDeps(token))
  expect(outcome.result).toBe('promoted')
  return outcome
}

describe('a long scale-down is left to the next run', () => {
  it('ends the run at promotion, records when, keeps the old side warm and says so', async () => {
    const bg = new BlueGreen()
    const outcome = await promoted(bg)
    const promotedAt = Date.parse(bg.tags()['ecs-blue-green:promoted']!)
    // nothing waited after the last bake: the run ends at promotion
    expect(bg.clock.now() - promotedAt).toBeLessThan(5000)
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    expect(bg.mutations()).not.toContain('updateService web-blue x0')
    const due = promotedAt + 305_000
    expect(outcome.scaleDownAt).toBe(due)
    expect(outcome.scaledDownAt).toBeUndefined()
    expect(outcome.scaleDown).toBe(
      `old side web-blue scaled to 0 at ${new Date(due).toISOString().slice(11, 19)} UTC (in 5m5s), ` +
        'by the next run on this listener or command: tidy'
    )
    expect(actionOutputs(outcome)['scale-down-at']).toBe(new Date(due).toISOString())
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'promoted',
      [SCALE_DOWN]: `due ${new Date(due).toISOString()}`
    })
    // the route is free: no lock rule left behind
    expect(bg.mutations().at(-1)).toBe('deleteLockRule')
    const report = await rolloutStatus(bg.settings(), bg.durableDeps('look'))
    expect(stateWords(report)).toMatch(/old side web-blue scaled to 0 at .* UTC \(in 5m\d*s?\)/)
  })

  it('tidy does nothing before it is due, then scales the old side down once, and records it', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    const before = bg.mutations().length
    const early = await tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-1'))
    expect(early.outcome.result).toBe('unchanged')
    expect(early.failed).toBeUndefined()
    expect(early.outcome.scaleDown).toMatch(/^old side web-blue scaled to 0 at .* UTC \(in /)
    expect(bg.mutations().length).toBe(before)

    await bg.clock.sleep(6 * MINUTE)
    const due = await tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-2'))
    expect(due.failed).toBeUndefined()
    expect(due.outcome).toMatchObject({ result: 'unchanged', liveService: 'web-green' })
    expect(due.outcome.scaleDown).toMatch(/^web-blue scaled to 0, \d+m\d*s? after promotion$/)
    expect(
      bg
        .mutations()
        .slice(before)
        .filter((line) => !line.startsWith('writeTags'))
    ).toEqual(['createLockRule', 'updateService web-blue x0', 'deleteLockRule'])
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(0)
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'promoted',
      [SCALE_DOWN]: expect.stringMatching(
        new RegExp(`done ${new Date(bg.clock.now()).toISOString().replace(/\./g, '\\.')}$`)
      )
    })
    const report = await rolloutStatus(bg.settings(), bg.durableDeps('look'))
    expect(stateWords(report)).toMatch(/old side web-blue was scaled to 0 at \d\d:\d\d:\d\d UTC/)

    const after = bg.mutations().length
    const again = await tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-3'))
    expect(again.outcome.scaleDown).toMatch(/^old side web-blue was scaled to 0 at /)
    expect(bg.mutations().length).toBe(after)
    expect(violations).toEqual([])
  })

  it('the next deploy carries a due one out first, then deploys onto that side', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    await bg.clock.sleep(6 * MINUTE)
    const before = bg.mutations().length
    const next = await deployWithState(bg.settings(release(NEXT_IMAGE)), bg.durableDeps('runner-2'))
    expect(next.result).toBe('promoted')
    const changes = bg.mutations().slice(before)
    expect(changes.slice(0, 3)).toEqual([
      'createLockRule',
      'writeTags scale-down',
      'updateService web-blue x0'
    ])
    expect(changes).toContain('updateService web-blue web:43 x2')
    expect(violations).toEqual([])
  })

  it('a deploy before it is due takes the warm old side as its idle side, and nothing scales it down under the new rollout', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    const firstDue = Date.parse(dueIn(bg.tags())!)
    // the next deploy starts at once; a scheduled tidy fires when the first scale-down falls due,
    // in the middle of the new rollout's bakes, and again after it
    const tidies: Promise<unknown>[] = []
    bg.clock.at(firstDue + 1000, () => {
      tidies.push(tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-1')))
    })
    // bakes of 2m: the rollout is still shifting when the first scale-down falls due
    const next = await deployWithState(
      bg.settings({ ...release(NEXT_IMAGE), stepWaitMs: 2 * MINUTE }),
      bg.durableDeps('runner-2')
    )
    expect(next).toMatchObject({ result: 'promoted', liveService: 'web-blue' })
    expect(tidies).toHaveLength(1)
    const mid = (await tidies[0]) as Awaited<ReturnType<typeof tidyRollout>>
    // it found the new rollout in flight (its record, its lock): nothing due, nothing done
    expect(mid.failed).toBeUndefined()
    const tidyCalls = bg.aws.log
      .mutations()
      .filter((call) => call.op === 'updateService' && call.at > firstDue)
      .map((call) => call.input as { service: string; desiredCount?: number })
    expect(tidyCalls.filter((input) => input.desiredCount === 0)).toEqual([])
    await tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-2'))
    // web-blue is live on the new release; web-green waits its own 5m5s
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.tags()['ecs-blue-green:live-service']).toBe('web-green')
    expect(violations).toEqual([])
  })

  it('a rollback goes back onto the warm old side at once, and calls the scale-down off', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    await bg.clock.sleep(6 * MINUTE)
    const { outcome } = await rollbackRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('rolled-back')
    expect(bg.mutations()).not.toContain('updateService web-blue x0')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    // the rollback's own scale-down of web-green is the one on record now
    expect(bg.tags()['ecs-blue-green:live-service']).toBe('web-green')
    await bg.clock.sleep(6 * MINUTE)
    await tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-1'))
    expect(bg.aws.ecsWorld.service('web-green').desiredCount).toBe(0)
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    expect(violations).toEqual([])
  })

  it('a tidy that races a rollback changes nothing while the rollback holds the lock', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    await bg.clock.sleep(6 * MINUTE)
    const [rollback, tidy] = await Promise.allSettled([
      rollbackRollout(bg.settings(), bg.durableDeps('runner-2')),
      tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-1'))
    ])
    // whichever came first, the side the traffic ends on runs, and nothing was scaled under it
    const live = bg.aws.weights(bg.routeArn)['web-blue-tg'] === 100 ? 'web-blue' : 'web-green'
    expect(bg.aws.ecsWorld.service(live).desiredCount).toBe(2)
    expect(rollback.status === 'fulfilled' || tidy.status === 'fulfilled').toBe(true)
    expect(violations).toEqual([])
  })

  it('a tidy whose lock claim lands after a deploy took the old side over changes nothing', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    await bg.clock.sleep(6 * MINUTE)
    // the tidy reads the due scale-down, then its claim is slow: it lands once the next deploy
    // (which did the due scale-down itself) is bringing web-blue up on the new release
    const bringingUp = async (): Promise<void> => {
      while (bg.tags()['ecs-blue-green:phase'] !== 'bring-up') await bg.clock.sleep(500)
    }
    const slow = {
      ...bg.aws.lock,
      createLockRule: async (...args: Parameters<typeof bg.aws.lock.createLockRule>) => {
        await bringingUp()
        return bg.aws.lock.createLockRule(...args)
      }
    }
    const tidy = tidyRollout(
      bg.settings({ command: 'tidy' }),
      bg.durableDeps('tidy-1', { lock: slow })
    )
    const next = await deployWithState(bg.settings(release(NEXT_IMAGE)), bg.durableDeps('runner-2'))
    const tidied = await tidy
    expect(next).toMatchObject({ result: 'promoted', liveService: 'web-blue' })
    expect(tidied.failed).toMatch(/was not done/)
    const changes = bg.mutations()
    const upAt = changes.indexOf('updateService web-blue web:43 x2')
    expect(upAt).toBeGreaterThan(0)
    expect(changes.slice(upAt)).not.toContain('updateService web-blue x0')
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    expect(violations).toEqual([])
  })

  it('is not done when someone moved traffic back meanwhile: the old side serves it, and the record says why', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    await promoted(bg)
    await bg.clock.sleep(6 * MINUTE)
    const route = bg.aws.elbWorld.readRoute(bg.routeArn)
    bg.aws.elbWorld.writeForward(route, {
      targetGroups: [
        { targetGroupArn: bg.blueTg, weight: 50 },
        { targetGroupArn: bg.greenTg, weight: 50 }
      ]
    })
    const tidy = await tidyRollout(bg.settings({ command: 'tidy' }), bg.durableDeps('tidy-1'))
    expect(tidy.failed).toMatch(/not scaled down: the listener reads 50\/50 on web-blue\/web-green/)
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    expect(bg.tags()).toMatchObject({ [SCALE_DOWN]: '' })
    expect(bg.tags()['ecs-blue-green:reason']).toMatch(/not scaled down/)
    expect(violations).toEqual([])
  })

  it('a run cancelled during a short in-run wait records the due time for the next run', async () => {
    const bg = new BlueGreen()
    const violations = watchSafety(bg)
    bg.cancelAtPhase('Scale down old side')
    const outcome = await deployWithState(
      bg.settings({ scaleDownDelayMs: 20_000 }),
      bg.durableDeps('runner-1')
    )
    expect(outcome.result).toBe('promoted')
    expect(outcome.scaleDown).toMatch(
      /^not scaled down: the run was cancelled .*; old side web-blue scaled to 0 at .* by the next run on this listener or command: tidy$/
    )
    expect(dueIn(bg.tags())).toBe(new Date(outcome.scaleDownAt!).toISOString())
    await bg.clock.sleep(MINUTE)
    // an abort finds nothing to abort, but does the due scale-down first
    await expect(abortRollout(bg.settings(), bg.durableDeps('runner-2'))).rejects.toThrow(
      /command: rollback/
    )
    expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(0)
    expect(violations).toEqual([])
  })
})
