import { deployWithState } from '../../src/rollout/control/deploy.js'
import { deploy } from '../../src/rollout/deploy.js'
import { CROWDED_SLOWER } from '../../src/rollout/poll.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

/**
 * A run that AWS throttles reads less often: the account's request rate is shared, and reads
 * that keep their pace take the tokens other rollouts need to move on. It still reaches the
 * same end, only with fewer reads.
 */
describe('a crowded account', () => {
  const healthReads = (bg: BlueGreen) =>
    bg.aws.calls.filter((call) => call.op === 'describeTargetHealth').length

  it('reads the new side once every three poll intervals, and the release is promoted all the same', async () => {
    const calm = new BlueGreen()
    expect((await deploy(calm.settings(), calm.deps())).result).toBe('promoted')
    const crowded = new BlueGreen()
    const outcome = await deploy(crowded.settings(), { ...crowded.deps(), crowded: () => true })
    expect(outcome.result).toBe('promoted')
    // watchful reads (two and a half a poll interval while baking) become one every three
    // intervals: 7.5 times fewer, less the reads that come with each step
    expect(healthReads(crowded)).toBeLessThan(healthReads(calm) / (CROWDED_SLOWER * 1.5))
    // and it is not slower by more than a read's delay at each step
    expect(crowded.clock.now() - crowded.startedAt).toBeLessThan(
      calm.clock.now() - calm.startedAt + 4 * CROWDED_SLOWER * 5_000
    )
  })

  it('still reverts a failing release, only a little later', async () => {
    const bg = new BlueGreen().image({ unhealthy: true, healthReason: 'Target.Timeout' })
    const outcome = await deploy(bg.settings(), { ...bg.deps(), crowded: () => true })
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.weightWrites()).toEqual([])
  })

  it('checks its lock and beats less often, yet three times within stale-after', async () => {
    const run = async (crowded: boolean) => {
      const bg = new BlueGreen()
      const settings = bg.settings({ stepWaitMs: 4 * MINUTE, scaleDownDelayMs: 0 })
      const beats: number[] = []
      // every write of the record carries a heartbeat too
      const written: number[] = []
      const deps = bg.durableDeps('runner-1', { crowded: () => crowded })
      const outcome = await deployWithState(settings, {
        ...deps,
        tags: {
          ...deps.tags,
          readTags: (arn) => deps.tags.readTags(arn),
          removeTags: (arn, keys) => deps.tags.removeTags(arn, keys),
          writeTags: (arn, tags) => {
            written.push(bg.clock.now())
            if (Object.keys(tags).every((key) => key === 'ecs-blue-green:heartbeat')) {
              beats.push(bg.clock.now())
            }
            return deps.tags.writeTags(arn, tags)
          }
        }
      })
      expect(outcome.result).toBe('promoted')
      const checks = bg.aws.calls.filter((call) => call.op === 'readWithLock').length
      const gaps = written.slice(1).map((at, i) => at - written[i]!)
      return { checks, beats: beats.length, longestGap: Math.max(0, ...gaps) }
    }
    const calm = await run(false)
    const crowded = await run(true)
    expect(calm.beats).toBeGreaterThan(10)
    expect(crowded.beats).toBeLessThan(calm.beats / 2)
    expect(crowded.checks).toBeLessThan(calm.checks / 2)
    // the default stale-after is 5 minutes
    expect(crowded.longestGap).toBeLessThanOrEqual(100_000)
  })
})
