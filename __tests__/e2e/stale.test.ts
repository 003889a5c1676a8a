import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createManagedTopology } from '../../emulator/fixtures/managed-topology.js'
import { addFault } from '../helpers/emulator.js'
import { runEnv, side } from './durable-world.js'
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
async function staleRun(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const caller = nextCaller()
  await addFault(h.url, {
    service: 'ecs',
    operation: '*',
    fault: 'stale',
    staleMs: STALE_MS,
    userAgent: `app/${caller}`
  })
  return run(h, inputs, { caller, env })
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

  it.concurrent(
    'pauses, then an abort puts the traffic back first and the new side to 0',
    async () => {
      const t = await ownTopology(h)
      const inputs = deployInputs(t, { image: uniqueImage(), 'traffic-steps': '10,pause,100' })
      const paused = await staleRun(inputs, runEnv(1501))
      expect(paused.outputs.result).toBe('paused')
      const abort = await staleRun(deployInputs(t, { command: 'abort' }), runEnv(1502))
      expect(abort.outputs.result).toBe('aborted')
      for (const r of [paused, abort]) expect(r.stdout).not.toMatch(/someone else/)
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 100,
        [t.targetGroups.green]: 0
      })
      expect(await side(h, t, 'green')).toMatchObject({ desired: 0 })
      await expectNoViolations(h, paused, abort)
    },
    90_000
  )

  it.concurrent(
    'an ECS-managed BLUE_GREEN deploy starts one service deployment and is promoted',
    async () => {
      const t = await createManagedTopology({
        endpoint: h.url,
        prefix: 'stale-managed',
        strategy: 'BLUE_GREEN',
        deploymentConfiguration: { bakeTimeInMinutes: 1 }
      })
      const r = await staleRun({
        command: 'deploy',
        cluster: t.cluster,
        services: t.service,
        listener: t.productionRuleArn,
        image: uniqueImage(),
        'poll-interval': '200ms',
        timeout: '3m',
        'dry-run': 'false'
      })
      expect(r.outputs.result).toBe('promoted')
      const made = await callsOf(h, r.caller)
      expect(made.filter((c) => c.operation === 'UpdateService')).toHaveLength(1)
      expect(made.some((c) => c.fault === 'stale')).toBe(true)
      await expectNoViolations(h, r)
    },
    90_000
  )
})
