// Mutation testing of the safety code: the lock, the durable record, the revert, the
// shift's health check and the control commands that can take traffic away.
// `npm run mutate` (all of it), or `npm run mutate -- --mutate src/rollout/revert.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // jest runs the tests as ES modules, which needs the VM modules flag in the runner's process
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.stryker.config.js',
    enableFindRelatedTests: true
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/rollout/durable/**/*.ts',
    'src/rollout/revert.ts',
    'src/rollout/shift.ts',
    'src/rollout/control/abort.ts',
    'src/rollout/control/takeover.ts',
    'src/rollout/control/post-step.ts',
    // the lock and record of a service that ECS deploys itself
    'src/rollout/managed/keeper.ts',
    // what auto scaling is held at and restored to
    'src/rollout/scaling/hold.ts',
    'src/rollout/scaling/restore.ts'
  ],
  ignorePatterns: ['dist', 'coverage', '.demo', 'reports'],
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp'
}
