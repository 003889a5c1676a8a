/**
 * Races through the bundled action against the emulator: a claim that lands late, a runner
 * stopped mid-bake and taken over, tag writes throttled through the promotion. Each test has a
 * pair of its own; they run at once and read the calls of their own runs.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { addFault, removeFault } from '../helpers/emulator.js'
import {
  mutationsOf,
  pairTopology,
  routeTags,
  runEnv,
  settledOn,
  side,
  sleep,
  STALE,
  imageMaker
} from './durable-world.js'
import { deployInputs, nextCaller, run, startHarness } from './harness.js'

const harness = startHarness()
afterAll(async () => (await harness).emulator.stop())

const uniqueImage = imageMaker(4)

describe('late writes and two runs', () => {
  it.concurrent(
    'a claim held in flight lands after another run’s: that run deploys, this one changes nothing',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      const late = nextCaller()
      // the late run's CreateRule is held 1.5s, then applied: the other run's lands first
      const fault = await addFault(h.url, {
        service: 'elbv2',
        operation: 'CreateRule',
        fault: 'latency',
        latencyMs: 1500,
        count: 1,
        userAgent: `app/${late}`
      })
      const image = uniqueImage()
      const lateRun = run(h, deployInputs(t, { ...STALE, image }), {
        env: runEnv(1101),
        caller: late
      })
      await sleep(200)
      const onTime = await run(h, deployInputs(t, { ...STALE, image }), { env: runEnv(1102) })
      const refused = await lateRun
      await removeFault(h.url, fault).catch(() => undefined)
      expect(onTime.outputs.result).toBe('promoted')
      expect(refused.exitCode).not.toBe(0)
      expect(refused.outputs.result).toBe('unchanged')
      expect(refused.stdout).toMatch(/another rollout is (in progress|starting) on/)
      // its CreateRule landed on a taken priority and failed; it made no other change
      expect(await mutationsOf(h, refused)).toEqual([])
      expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
    },
    // each record write is tried patiently, on top of the SDK's own retries, before it is given up
    180_000
  )
})

describe('a runner stopped mid-bake and taken over', () => {
  it.concurrent(
    'resumed after another run promoted: it stops without a change, and its post step leaves the traffic',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      let resume: (() => void) | undefined
      const stopped = run(
        h,
        deployInputs(t, { ...STALE, image: uniqueImage(), 'step-wait': '20s' }),
        {
          env: runEnv(1201),
          onOutput: (text, child) => {
            if (resume || !/Bake at 10%/.test(text)) return
            child.kill('SIGSTOP')
            resume = () => child.kill('SIGCONT')
          }
        }
      )
      while (!resume) await sleep(50)
      await sleep(2500)
      const taker = await run(h, deployInputs(t, { ...STALE, image: uniqueImage() }), {
        env: runEnv(1202)
      })
      expect(taker.outputs.result).toBe('promoted')
      resume()
      const first = await stopped
      expect(first.exitCode).not.toBe(0)
      expect(first.stdout).toMatch(/took this rollout over.*stopped without changing anything more/)
      // since it was stopped, its only calls were reads
      const after = await mutationsOf(h, first)
      expect(after.filter((op) => op === 'ModifyListener')).toHaveLength(1)
      // GitHub runs its post step with what the main step saved: nothing is left to settle
      const post = await run(h, deployInputs(t, { ...STALE }), {
        env: runEnv(1201),
        state: first.state
      })
      expect(post.exitCode).toBe(0)
      expect(await mutationsOf(h, post)).toEqual([])
      // the taker's release is live, the side it replaced scaled down
      const live = taker.outputs['live-service'] === t.services.green ? 'green' : 'blue'
      expect(await settledOn(h, t, live)).toMatchObject({ weight: 100, healthy: 2 })
      expect(await side(h, t, live === 'green' ? 'blue' : 'green')).toMatchObject({
        weight: 0,
        desired: 0
      })
    }
  )

  it.concurrent(
    'killed while stopped, after another run promoted: its post step with the old state changes nothing',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      let kill: (() => void) | undefined
      const stopped = run(
        h,
        deployInputs(t, { ...STALE, image: uniqueImage(), 'step-wait': '20s' }),
        {
          env: runEnv(1301),
          onOutput: (text, child) => {
            if (kill || !/Bake at 10%/.test(text)) return
            child.kill('SIGSTOP')
            kill = () => child.kill('SIGKILL')
          }
        }
      )
      while (!kill) await sleep(50)
      await sleep(2500)
      const taker = await run(h, deployInputs(t, { ...STALE, image: uniqueImage() }), {
        env: runEnv(1302)
      })
      expect(taker.outputs.result).toBe('promoted')
      kill()
      const first = await stopped
      // it died holding the rollout, as far as its own saved state knows
      expect(first.state.postStep).toBeTruthy()
      const post = await run(h, deployInputs(t, { ...STALE }), {
        env: runEnv(1301),
        state: first.state
      })
      expect(post.exitCode).toBe(0)
      expect(post.stdout).toContain('in the hands of another run now')
      expect(await mutationsOf(h, post)).toEqual([])
      // the taker's promotion stands: the release side serves, the old side was scaled down
      const { result } = taker.outputs
      expect(result).toBe('promoted')
      const live = taker.outputs['live-service'] === t.services.green ? 'green' : 'blue'
      expect(await settledOn(h, t, live)).toMatchObject({ weight: 100, healthy: 2 })
    }
  )
})

describe('tag writes throttled through the promotion', () => {
  it.concurrent(
    'the old side stays up, and the next deploy returns to it safely before deploying',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      const first = nextCaller()
      let fault: Promise<string> | undefined
      const promoted = await run(
        h,
        // a record write waits out throttling as long as the run's timeout allows
        deployInputs(t, {
          ...STALE,
          image: uniqueImage(),
          'traffic-steps': '50,100',
          timeout: '40s'
        }),
        {
          // two SDK attempts a call: the patience under test is the action's, not the SDK's
          env: { ...runEnv(1401), AWS_MAX_ATTEMPTS: '2' },
          caller: first,
          onOutput: (text) => {
            if (fault || !/Bake at 100%/.test(text)) return
            fault = addFault(h.url, {
              service: 'elbv2',
              operation: 'AddTags',
              fault: 'throttle',
              userAgent: `app/${first}`
            })
          }
        }
      )
      await removeFault(h.url, await fault!)
      expect(promoted.outputs.result).toBe('promoted')
      expect(promoted.stdout).toMatch(/not scaled down: could not record the rollout/)
      expect(await side(h, t, 'blue')).toMatchObject({ desired: 2 })
      expect((await routeTags(h, t))['ecs-blue-green:phase']).toBe('shift')
      await sleep(2500)
      const next = await run(h, deployInputs(t, { ...STALE, image: uniqueImage() }), {
        env: runEnv(1402)
      })
      expect(next.outputs.result).toBe('promoted')
      expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
    },
    // each record write is tried patiently, on top of the SDK's own retries, before it is given up
    180_000
  )
})
