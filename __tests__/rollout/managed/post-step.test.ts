import { describe, expect, it } from '@jest/globals'
import { settleManagedAfterMainStep } from '../../../src/rollout/managed/post-step.js'
import { ManagedWorld, MINUTE } from '../../support/managed.js'

describe('the post step of a main step that died following a service deployment', () => {
  const started = async (world: ManagedWorld, at: number): Promise<string> => {
    const stalled = world.clock.stallAt(world.clock.now() + at)
    void world.deploy()
    await stalled
    return world.ecs.deployments[0]?.arn ?? ''
  }

  it('rolls it back through StopServiceDeployment while ECS shifts or bakes', async () => {
    const world = new ManagedWorld({ bakeMs: 30 * MINUTE })
    const arn = await started(world, 2 * MINUTE)
    const line = await settleManagedAfterMainStep(arn, { deployments: world.ecs })
    expect(line).toContain('StopServiceDeployment ROLLBACK')
    expect(world.ecs.calls.at(-1)).toBe('StopServiceDeployment ROLLBACK')
  })

  it('rolls it back at the hook it awaits, through ContinueServiceDeployment', async () => {
    const world = new ManagedWorld({
      hooks: [
        { stage: 'TEST_TRAFFIC_SHIFT', type: 'AWS_LAMBDA' },
        { stage: 'BAKE_TIME', type: 'PAUSE' }
      ]
    })
    // the main step dies at 45s; ECS reaches BAKE_TIME and its PAUSE hook at 50s
    const arn = await started(world, 45_000)
    await world.clock.sleep(MINUTE)
    await settleManagedAfterMainStep(arn, { deployments: world.ecs })
    expect(world.ecs.calls.at(-1)).toBe('ContinueServiceDeployment ROLLBACK')
  })

  it('leaves a deployment that ended alone', async () => {
    const world = new ManagedWorld({ bakeMs: MINUTE })
    const arn = await started(world, 2 * MINUTE)
    await world.clock.sleep(10 * MINUTE)
    const line = await settleManagedAfterMainStep(arn, { deployments: world.ecs })
    expect(line).toContain('SUCCESSFUL; nothing to do')
    expect(world.ecs.calls.filter((call) => call.includes('ROLLBACK'))).toEqual([])
  })
})
