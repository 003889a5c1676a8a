import TestSequencer from '@jest/test-sequencer'

/*
 * jest starts the files its cache says are slowest first, so that no worker is left running one
 * long file alone at the end. A fresh checkout (CI) has no cache, and jest then falls back to
 * file size, which starts the end-to-end files (small files that wait on simulated AWS for a
 * minute or more) in the middle of the run. Without a cached time, an end-to-end file counts as
 * slow: the figures below were measured on 2 cores; any other end-to-end file counts as
 * E2E_MS, and a file outside __tests__/e2e as a second.
 */
const MEASURED_MS = {
  'races.test.ts': 90_000,
  'durable.test.ts': 60_000,
  'autoscaling.test.ts': 42_000
}
const E2E_MS = 30_000
const OTHER_MS = 1_000

const Base = TestSequencer.default ?? TestSequencer

export default class SlowestFirst extends Base {
  time(test) {
    const cached = super.time(test)
    if (cached != null) return cached
    const match = /[/\\]__tests__[/\\]e2e[/\\]([^/\\]+)$/.exec(test.path)
    if (!match) return OTHER_MS
    return MEASURED_MS[match[1]] ?? E2E_MS
  }
}
