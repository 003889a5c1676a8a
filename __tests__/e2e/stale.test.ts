import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { addFault } from '../helpers/emulator.js'
import {
  callsOf,
  currentWeights,
  deployInputs,
  expectNoViolations,
  nextCaller,
  ownTopology,
  run,
  setImage,
  startHarness,
  type Harness
} from './harness.js'

/*
 * ECS reads are eventually consistent: with the emulator's "stale" fault, the run's own
 * DescribeServices, DescribeTasks and ListTasks answer as the world was STALE_MS (simulated) ago,
 * so right after the action's UpdateService they still show the idle side on its old revision.
 * The action waits for its write to show instead of taking it for someone else's change, and its
 * safety holds (the emulator's watch judges the true state). Each test has its own topology and
 * aims the fault at its own run (by User-Agent), so they run at once.
 */

/** 20 simulated seconds: a second of the runner's clock here, four polls of 250ms */
const STALE_MS = 20_000

let h: Harness
let images = 0
const uniqueImage = (): string => `registry.example.com/app:5.0.${++images}`

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await h.emulator.stop()
})

/** a run whose ECS reads all lag STALE_MS behind */
async function staleRun(inputs: Record<string, string>) {
  const caller = nextCaller()
  await addFault(h.url, {
    service: 'ecs',
    operation: '*',
    fault: 'stale',
    staleMs: STALE_MS,
    userAgent: `app/${caller}`
  })
  return run(h, inputs, { caller })
}

describe('ECS reads that lag behind the action’s own writes (fault "stale")', () => {
  it.concurrent(
    'promotes, never calls its own update someone else’s change, and leaves no safety violation',
    async () => {
      const t = await ownTopology(h)
      const result = await staleRun(deployInputs(t, { image: uniqueImage() }))
      expect(result.stdout).not.toMatch(/someone else/)
      expect(result.outputs.result).toBe('promoted')
      const log = await callsOf(h, result.caller)
      // the reads really were lagged, right after the update of the idle side too
      const update = log.findIndex((call) => call.operation === 'UpdateService')
      expect(update).toBeGreaterThan(-1)
      expect(
        log.slice(update).some((c) => c.operation === 'DescribeServices' && c.fault === 'stale')
      ).toBe(true)
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 0,
        [t.targetGroups.green]: 100
      })
      await expectNoViolations(h, result)
    },
    90_000
  )

  it.concurrent(
    'still reverts a bad release, for the release’s own failure',
    async () => {
      const t = await ownTopology(h)
      const image = uniqueImage()
      await setImage(h.url, { image, behavior: 'unhealthy' })
      const result = await staleRun(deployInputs(t, { image }))
      expect(result.outputs.result).toBe('reverted')
      expect(result.outputs.reason).not.toMatch(/someone else|never showed the update/)
      expect(result.outputs.reason).toMatch(/unhealthy|stopped/)
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 100,
        [t.targetGroups.green]: 0
      })
      await expectNoViolations(h, result)
    },
    90_000
  )
})
