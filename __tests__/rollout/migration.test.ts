import { deployWithState } from '../../src/rollout/control/deploy.js'
import { abortRollout } from '../../src/rollout/control/abort.js'
import type { MigrationSettings } from '../../src/rollout/settings.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

const MIGRATION: MigrationSettings = { command: ['npm', 'run', 'migrate'] }

/** the RunTask calls made, as the fake logged them */
function runTasks(bg: BlueGreen): Record<string, unknown>[] {
  return bg.aws.calls
    .filter((call) => call.op === 'runTask')
    .map((call) => call.input as Record<string, unknown>)
}

describe('a one-off task (migration-command) before traffic moves', () => {
  it('runs once the idle side is healthy and before the first shift; exit 0 goes on', async () => {
    const bg = new BlueGreen().image({ oneOff: { exitCode: 0, afterMs: 30_000 } })
    const outcome = await bg.deploy({ migration: MIGRATION })
    expect(outcome.result).toBe('promoted')
    const mutations = bg.mutations()
    expect(mutations.slice(0, 4)).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'runTask web:42 web npm run migrate',
      'writeForward web-blue-tg=90 web-green-tg=10'
    ])
    // on the idle service's network and launch type, recognisable by startedBy
    expect(runTasks(bg)).toEqual([
      expect.objectContaining({
        cluster: 'prod',
        container: 'web',
        command: ['npm', 'run', 'migrate'],
        startedBy: 'ecs-blue-green/migration/web-green',
        placement: {
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] }
          }
        }
      })
    ])
    // the first weight is written after the task stopped, not before
    const stopped = bg.aws.ecsWorld.oneOffs[0]!.stoppedAt!
    const firstShift = bg.aws.calls.find((call) => call.op === 'writeForward')!
    expect(firstShift.at).toBeGreaterThanOrEqual(stopped)
    expect(outcome.migration).toMatchObject({
      result: 'succeeded',
      exitCode: 0,
      container: 'web',
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited'
    })
    expect(outcome.plan).toContain(
      'run one task of web:42 with npm run migrate (migration-command) on its network; revert unless it exits 0'
    )
  })

  it('reverts with no weight written when it exits non-zero, the reason naming it', async () => {
    const bg = new BlueGreen().image({ oneOff: { exitCode: 3, afterMs: 10_000 } })
    const outcome = await bg.deploy({ migration: MIGRATION })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'the migration (npm run migrate) exited with code 3 after 10s (Essential container in task exited)'
    )
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'runTask web:42 web npm run migrate',
      'updateService web-green x0'
    ])
    expect(outcome.migration).toMatchObject({ result: 'failed', exitCode: 3 })
    expect(outcome.liveService).toBe('web-blue')
  })

  it('reverts with nothing shifted when the task cannot start', async () => {
    const bg = new BlueGreen().image({ oneOff: { failToStart: 'RESOURCE:MEMORY' } })
    const outcome = await bg.deploy({ migration: MIGRATION })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'the migration (npm run migrate) could not start: RunTask could not start the task: RESOURCE:MEMORY'
    )
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.mutations().at(-1)).toBe('updateService web-green x0')
  })

  it.each([
    [
      'a timeout',
      { timeoutMs: 2 * MINUTE },
      /^timed out after 2m while the migration \(npm run migrate\) ran in task [0-9a-f]{32}; the task is stopped$/
    ],
    [
      'a cancel',
      {},
      /^cancelled \(SIGTERM\) while the migration \(npm run migrate\) ran in task [0-9a-f]{32}; the task is stopped$/
    ]
  ])('stops the task and reverts on %s while it runs', async (what, overrides, reason) => {
    const bg = new BlueGreen().image({ oneOff: { exitCode: 0, afterMs: 30 * MINUTE } })
    if (what === 'a cancel') bg.cancelAfter(MINUTE)
    const outcome = await bg.deploy({ migration: MIGRATION, ...overrides })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(reason)
    expect(bg.aws.weightWrites()).toEqual([])
    // the task is stopped before the idle side is scaled back
    expect(bg.mutations().slice(-2)).toEqual(['stopTask', 'updateService web-green x0'])
    expect(bg.aws.ecsWorld.oneOffs[0]).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated'
    })
  })

  it('refuses a migration-container the revision does not have, before changing anything', async () => {
    const bg = new BlueGreen()
    await expect(bg.deploy({ migration: { ...MIGRATION, container: 'worker' } })).rejects.toThrow(
      "Input 'migration-container': task definition 'web' has no container named 'worker'; its containers are 'web'"
    )
    expect(bg.mutations()).toEqual([])
  })
})

describe('the migration across runs', () => {
  it('records the task, and a run that takes over follows it instead of starting another', async () => {
    const bg = new BlueGreen().image({ oneOff: { exitCode: 1, afterMs: 2 * MINUTE } })
    // bring-up takes about 20s: the runner dies a minute into the migration
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE)
    void deployWithState(bg.settings({ migration: MIGRATION }), bg.durableDeps('runner-1'))
    await died
    const tags = bg.tags()
    expect(tags['ecs-blue-green:phase']).toBe('migrate')
    expect(tags['ecs-blue-green:migration']).toBe(bg.aws.ecsWorld.oneOffs[0]!.arn)
    await bg.clock.sleep(6 * MINUTE)
    const outcome = await deployWithState(
      bg.settings({ migration: MIGRATION, onInterrupted: 'resume' }),
      bg.durableDeps('runner-2')
    )
    // the first run's task decides: it exited 1, so nothing is shifted
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/^the migration \(npm run migrate\) exited with code 1 after 2m/)
    expect(outcome.migration).toMatchObject({
      exitCode: 1,
      taskArn: tags['ecs-blue-green:migration']
    })
    // one migration in all: the second run waited for the first one's task
    expect(runTasks(bg)).toHaveLength(1)
    expect(bg.aws.weightWrites()).toEqual([])
  })

  it('never runs a finished migration again when a stopped rollout is resumed', async () => {
    const bg = new BlueGreen().image({ oneOff: { exitCode: 0, afterMs: 10_000 } })
    // the runner dies during the first bake, after the migration succeeded
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + 20_000 + 30_000)
    void deployWithState(bg.settings({ migration: MIGRATION }), bg.durableDeps('runner-1'))
    await died
    expect(bg.tags()['ecs-blue-green:phase']).toBe('shift')
    expect(bg.tags()['ecs-blue-green:migration']).toBe('')
    await bg.clock.sleep(6 * MINUTE)
    const outcome = await deployWithState(
      bg.settings({ migration: MIGRATION, onInterrupted: 'resume' }),
      bg.durableDeps('runner-2')
    )
    expect(outcome.result).toBe('promoted')
    expect(runTasks(bg)).toHaveLength(1)
  })

  it('an abort stops a migration still running', async () => {
    const bg = new BlueGreen().image({ oneOff: { exitCode: 0, afterMs: 30 * MINUTE } })
    const died = bg.clock.stallAt(bg.clock.now() + 20_000 + MINUTE)
    void deployWithState(bg.settings({ migration: MIGRATION }), bg.durableDeps('runner-1'))
    await died
    const { outcome } = await abortRollout(bg.settings(), bg.durableDeps('runner-2'))
    expect(outcome.result).toBe('aborted')
    expect(bg.aws.ecsWorld.oneOffs[0]).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated'
    })
    expect(bg.aws.weightWrites()).toEqual([])
  })
})
