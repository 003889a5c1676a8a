import { describe, expect, it } from '@jest/globals'
import type { ManagedServiceView } from '../../../src/rollout/ports.js'
import { ManagedWorld } from '../../support/managed.js'

/**
 * UpdateService answers without the service deployment it started, and DescribeServices shows
 * the service as it was before the update for `lagMs` after it (ECS reads are eventually
 * consistent).
 */
function unnamedAndLagging(world: ManagedWorld, lagMs: number): void {
  const ecs = world.ecs
  const start = ecs.startDeployment.bind(ecs)
  const describe = ecs.describeManagedService.bind(ecs)
  let before: { at: number; view: ManagedServiceView | undefined } | undefined
  ecs.startDeployment = async (cluster, service, taskDefinitionArn) => {
    const view = await describe(cluster, service)
    await start(cluster, service, taskDefinitionArn)
    before = { at: world.clock.now(), view }
    return undefined as unknown as string
  }
  ecs.describeManagedService = async (cluster, service) => {
    const view = await describe(cluster, service)
    return before && world.clock.now() - before.at < lagMs ? before.view : view
  }
}

describe('the service deployment the run started, when ECS does not name it', () => {
  it('reads until DescribeServices shows it, and follows it to promotion', async () => {
    const world = new ManagedWorld()
    unnamedAndLagging(world, 10_000)
    const outcome = await world.deploy()
    expect(outcome.result).toBe('promoted')
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
  })

  it('gives up after a minute with a clear reason, starting nothing more', async () => {
    const world = new ManagedWorld()
    unnamedAndLagging(world, Infinity)
    const outcome = await world.deploy()
    expect(outcome.result).not.toBe('promoted')
    expect(outcome.reason).toContain(
      'ECS started no service deployment of web that its reads showed within 1m'
    )
    expect(world.ecs.calls.filter((call) => call === 'UpdateService')).toHaveLength(1)
  })
})
