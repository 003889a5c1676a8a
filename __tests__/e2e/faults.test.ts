import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runFaultSuite } from '../../scripts/suites/faults.js'
import type { SuiteReport } from '../../scripts/suites/report.js'
import { expectNoViolations, startHarness, type Harness } from './harness.js'

/*
 * The fault suite at the size npm test can afford: six rollouts at once, half of them bad
 * releases, while a seeded 12% of the action's AWS calls are throttled, fail with 500, lose their
 * connection or are held back. `npx tsx scripts/suites/cli.ts faults --rollouts 40 --seed 7` runs
 * the same at any size.
 */

let h: Harness
let report: SuiteReport

beforeAll(async () => {
  h = await startHarness()
  report = await runFaultSuite({ url: h.url, rollouts: 6, seed: 1 })
}, 120_000)

afterAll(async () => {
  await h.emulator.stop()
})

describe('rollouts while AWS calls fail', () => {
  it('ends every rollout promoted (good release) or reverted (bad), never unsafe', () => {
    expect(report.problems).toEqual([])
    expect(report.counts).toMatchObject({
      rollouts: 6,
      promoted: report.counts.good,
      reverted: report.counts.bad,
      unknown: 0,
      unsafe: 0
    })
  })

  // a degrade release turns unhealthy between two polls: the shift reads health again right
  // before it writes, so no weight lands on a side whose targets are all unhealthy
  it('never puts weight on a side without a healthy target', () => expectNoViolations(h))

  it('was tested under faults: some of the action calls failed or were held back', () => {
    expect(report.counts['faulted calls']).toBeGreaterThanOrEqual(10)
    expect(report.counts.good).toBeGreaterThan(0)
    expect(report.counts.bad).toBeGreaterThan(0)
  })
})
