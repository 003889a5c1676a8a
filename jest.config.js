/**
 * Suites over a minute and a half on 2 cores, which the critical path of `npm test` cannot
 * carry: races.test.ts throttles tag writes through a promotion for the action's full patience.
 */
export const LONG_SUITES = ['e2e/races.test.ts']

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
