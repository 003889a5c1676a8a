/**
 * Suites of a minute or more on 2 cores, which the critical path of `npm test` cannot carry:
 * races.test.ts throttles tag writes through a promotion for the run's timeout; durable.test.ts
 * runs every control command through the bundle; aws-cli.test.ts starts the AWS CLI (a Python
 * program) dozens of times, after installing it where the machine has none.
 */
export const LONG_SUITES = ['e2e/races.test.ts', 'e2e/durable.test.ts', 'emulator/aws-cli.test.ts']

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // the longest suites run in `npm run test:long` (CI runs both): `npm test` stays near 5 minutes
  testPathIgnorePatterns: [
    '/node_modules/',
    ...LONG_SUITES.map((file) => `/__tests__/${file.replaceAll('.', '\\.')}$`)
  ],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' }
      }
    ]
  },
  setupFiles: ['<rootDir>/__tests__/setup-env.ts'],
  // the end-to-end files mostly wait on simulated AWS, not on the CPU: two at a time on 2 cores
  maxWorkers: 2,
  // the slowest files first, on a fresh checkout too
  testSequencer: '<rootDir>/jest.sequencer.js',
  testTimeout: 60000
}
