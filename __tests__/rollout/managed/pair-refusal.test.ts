import { describe, expect, it } from '@jest/globals'
import { deploy } from '../../../src/rollout/deploy.js'
import type { ServiceView } from '../../../src/rollout/ports.js'
import { BlueGreen } from '../../support/blue-green.js'

describe('a pair whose services ECS deploys itself', () => {
  it('is refused naming the service and its strategy, before anything changes', async () => {
    const bg = new BlueGreen()
    const deps = bg.deps()
    const ecs = deps.ecs
    // DescribeServices says what deploymentConfiguration.strategy the green service has
    deps.ecs = {
      ...ecs,
      describeServices: async (cluster, names) =>
        (await ecs.describeServices(cluster, names)).map((view) =>
          'missing' in view || view.name !== bg.green
            ? view
            : ({ ...view, strategy: 'CANARY' } satisfies ServiceView)
        )
    }
    await expect(deploy(bg.settings(), deps)).rejects.toThrow(
      new RegExp(
        `Input 'services': "${bg.green}" \\(strategy CANARY\\) is a service whose traffic ECS shifts itself`
      )
    )
    expect(bg.aws.log.calls.filter((call) => call.mutating)).toEqual([])
  })
})
