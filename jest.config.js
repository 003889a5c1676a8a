/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
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
