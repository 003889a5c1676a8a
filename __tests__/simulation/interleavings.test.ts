import fc from 'fast-check'
import { interleavings } from './property.js'

/**
 * Deterministic simulation: two or three deploys, an abort and a promote against one in-memory
 * world, with lost answers, late writes, throttled tags and runner deaths (and their post steps)
 * wherever fast-check puts them; the invariants are checked after every AWS call and the pair
 * must be recoverable with ordinary commands at the end. `npm run simulate` runs many more.
 */
const RUNS = Number(process.env.SIMULATION_RUNS ?? 1000)

describe('interleavings of concurrent runs', () => {
  it(`keep every safety invariant (${RUNS} schedules)`, async () => {
    await fc.assert(interleavings(), { numRuns: RUNS, seed: 20261102, endOnFailure: true })
    // about a minute on 2 cores, beside the other suites: more than jest's default leaves
  }, 180_000)
})
