import { deployWithState } from '../../src/rollout/control/deploy.js'
import { rollbackRollout } from '../../src/rollout/control/rollback.js'
import { InputError } from '../../src/rollout/errors.js'
import type { TaskDefinition } from '../../src/rollout/ports.js'
import { BlueGreen, NEW_IMAGE } from '../support/blue-green.js'

const weight = (percent: number) => ({ kind: 'weight' as const, percent })
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition'

/** a pair whose live revision is of `family`, deployed from a file of the same family */
function pairOf(family: string): { bg: BlueGreen; file: TaskDefinition; live: string } {
  const bg = new BlueGreen()
  const file = { ...structuredClone(bg.definition), family }
  const live = bg.aws.ecsWorld.seedRevision(file, 41)
  for (const service of [bg.blue, bg.green]) {
    bg.aws.ecsWorld.updateService(service, { taskDefinitionArn: live })
  }
  return { bg, file, live }
}

describe('a task definition family too long for a whole ARN in a tag', () => {
  it('records the revisions as family:revision and a later run reads them back whole', async () => {
    const family = 'w'.repeat(230)
    const { bg, file, live } = pairOf(family)
    await bg.clock.sleep(60_000)
    const settings = bg.settings({
      steps: [weight(50), weight(100)],
      release: { image: NEW_IMAGE, environment: [], taskDefinition: file }
    })
    const outcome = await deployWithState(settings, bg.durableDeps('runner-1'))
    expect(outcome.result).toBe('promoted')
    expect(outcome.taskDefinitionArn).toBe(`${TD}/${family}:42`)
    expect(`${TD}/${family}:42`.length).toBeGreaterThan(256)
    // the record was kept all along, not dropped with a warning
    expect(bg.record.warnings).toEqual([])
    expect(bg.tags()).toMatchObject({
      'ecs-blue-green:phase': 'promoted',
      'ecs-blue-green:revision': `${family}:42`,
      'ecs-blue-green:previous-revision': `${family}:41`
    })
    // a rollback reads the previous revision back as the ARN ECS knows
    const { outcome: back } = await rollbackRollout(settings, bg.durableDeps('runner-2'))
    expect(back.result).toBe('rolled-back')
    expect(bg.aws.ecsWorld.service(bg.blue).taskDefinitionArn).toBe(live)
  })

  it('refuses a family that cannot fit even as family:revision, before any change', async () => {
    const family = 'w'.repeat(250)
    const bg = new BlueGreen()
    const file = { ...structuredClone(bg.definition), family }
    const error = await deployWithState(
      bg.settings({ release: { image: NEW_IMAGE, environment: [], taskDefinition: file } }),
      bg.durableDeps('runner-1')
    ).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('task-definition')
    expect((error as Error).message).toMatch(
      /^Input 'task-definition': the family "w{60}\.\.\." is 250 characters long; .* at most 248/
    )
    expect(bg.mutations()).toEqual([])
  })
})
