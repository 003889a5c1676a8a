import base from './jest.config.js'

// What `npm run mutate` runs against each mutant: the fast in-memory suites only.
// The end-to-end, emulator and interleavings files take minutes per run; a mutant
// run repeats the suites hundreds of times.
/** @type {import('jest').Config} */
export default {
  ...base,
  // src and emulator too, so that jest's findRelatedTests (enableFindRelatedTests) can follow
  // a mutated file to the test files that import it; testMatch still picks the tests
  roots: ['<rootDir>/__tests__', '<rootDir>/src', '<rootDir>/emulator'],
  testMatch: [
    '<rootDir>/__tests__/durable/**/*.test.ts',
    '<rootDir>/__tests__/rollout/**/*.test.ts',
    '<rootDir>/__tests__/simulation/regressions.test.ts'
  ],
  // each of these tests takes well under a second; a mutant that makes a rollout wait
  // forever should fail its test here, not wait for Stryker to kill the worker
  testTimeout: 2000,
  // Stryker runs two of these at once already (concurrency 2 on 2 cores): each runs in band,
  // or the workers crowd the cores and every mutant looks like a timeout
  maxWorkers: 1
}
