import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  callsOf,
  deployInputs,
  expectNoViolations,
  ownTopology,
  run,
  setImage,
  startHarness,
  type Harness
} from './harness.js'

/**
 * migration-command through the bundled action: one task of the new revision runs the command
 * once the new side is healthy, and its exit code decides whether any traffic moves.
 */
let h: Harness

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await h.emulator.stop()
})

// the two tests at once, each on a pair of its own, reading its own run's calls and violations
describe('a one-off task before traffic moves', () => {
  it.concurrent(
    'runs the migration before the first shift and promotes when it exits 0',
    async () => {
      const t = await ownTopology(h)
      const image = 'registry.example.com/app:2.1.0'
      await setImage(h.url, { image, oneOff: { exitCode: 0, afterSeconds: 5 } })
      const result = await run(
        h,
        deployInputs(t, { image, 'migration-command': '["npm", "run", "migrate"]' })
      )
      expect(result.outputs.result).toBe('promoted')
      expect(result.exitCode).toBe(0)
      const log = await callsOf(h, result.caller)
      const runTask = log.findIndex((call) => call.operation === 'RunTask')
      const firstShift = log.findIndex((call) => call.operation === 'ModifyListener')
      expect(runTask).toBeGreaterThan(-1)
      expect(firstShift).toBeGreaterThan(runTask)
      expect(log[runTask]!.params).toMatchObject({
        count: 1,
        startedBy: `ecs-blue-green/migration/${t.services.green}`,
        launchType: 'FARGATE',
        overrides: { containerOverrides: [{ name: 'web', command: ['npm', 'run', 'migrate'] }] }
      })
      expect(result.summary).toContain('### Migration task')
      expect(result.summary).toContain('- Exit code: `0`')
      expect(result.stdout).toContain('Migration (npm run migrate): succeeded')
      await expectNoViolations(h, result)
    }
  )

  it.concurrent(
    'reverts with no weight moved when the migration exits 1, while the service stays healthy',
    async () => {
      const t = await ownTopology(h)
      const image = 'registry.example.com/app:2.2.0'
      await setImage(h.url, { image, oneOff: { exitCode: 1, afterSeconds: 5 } })
      const result = await run(
        h,
        deployInputs(t, { image, 'migration-command': 'rake db:migrate' })
      )
      expect(result.exitCode).not.toBe(0)
      expect(result.outputs.result).toBe('reverted')
      expect(result.outputs.reason).toMatch(
        /^the migration \(rake db:migrate\) exited with code 1 after \d+s \(Essential container in task exited\)/
      )
      const log = await callsOf(h, result.caller)
      expect(log.filter((call) => call.operation === 'ModifyListener')).toEqual([])
      expect(result.summary).toContain('- Exit code: `1`')
      await expectNoViolations(h, result)
    }
  )
})
