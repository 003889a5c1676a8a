import { InputError } from '../../src/rollout/errors.js'
import type { TaskDefinition } from '../../src/rollout/ports.js'
import { BlueGreen, NEW_IMAGE, OLD_IMAGE } from '../support/blue-green.js'

function registered(bg: BlueGreen): TaskDefinition {
  const call = bg.aws.calls.find((entry) => entry.op === 'registerTaskDefinition')!
  return call.input as TaskDefinition
}

describe('rendering the release', () => {
  it('an image that is already live is unchanged, and nothing is changed', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ release: { image: OLD_IMAGE, environment: [] } })
    expect(outcome).toMatchObject({
      result: 'unchanged',
      taskDefinitionArn: bg.liveRevision,
      previousTaskDefinitionArn: bg.liveRevision,
      liveService: 'web-blue',
      idleService: 'web-green'
    })
    expect(bg.mutations()).toEqual([])
  })

  it('renders the live revision with the new image and environment by default', async () => {
    const bg = new BlueGreen()
    await bg.deploy({
      release: {
        image: NEW_IMAGE,
        environment: [
          { name: 'MODE', value: 'canary' },
          { name: 'NEW', value: '1' }
        ]
      }
    })
    const definition = registered(bg)
    expect(definition.family).toBe('web')
    expect(definition.cpu).toBe('256')
    expect(definition.containerDefinitions[0]).toMatchObject({
      image: NEW_IMAGE,
      environment: [
        { name: 'MODE', value: 'canary' },
        { name: 'NEW', value: '1' }
      ]
    })
    // the live revision's read-only fields do not travel into the new one
    expect(definition).not.toHaveProperty('revision')
    expect(definition).not.toHaveProperty('status')
  })

  it('renders a task definition file instead, when one is given', async () => {
    const bg = new BlueGreen()
    const file: TaskDefinition = { ...structuredClone(bg.definition), cpu: '1024', memory: '2048' }
    await bg.deploy({ release: { image: NEW_IMAGE, environment: [], taskDefinition: file } })
    expect(registered(bg)).toMatchObject({ cpu: '1024', memory: '2048' })
    expect(registered(bg).containerDefinitions[0]?.image).toBe(NEW_IMAGE)
  })

  it('refuses an unknown container before any change', async () => {
    const bg = new BlueGreen()
    const error = await bg
      .deploy({ release: { image: NEW_IMAGE, environment: [], container: 'api' } })
      .catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('container')
    expect(bg.mutations()).toEqual([])
  })
})

describe('a dry run', () => {
  it('plans and diffs, and makes no mutating call', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ dryRun: true, scaleDownDelayMs: 5 * 60_000 })
    expect(outcome.result).toBe('planned')
    expect(outcome.plan).toEqual([
      'bring up web-green on a new revision of web (2 tasks)',
      'shift 10% to web-green, bake 1m',
      'shift 25% to web-green, bake 1m',
      'shift 50% to web-green, bake 1m',
      'shift 100% to web-green, bake 1m',
      'promote; scale web-blue to 0 after 5m'
    ])
    expect(outcome.taskDefinitionDiff).toMatch(/web:1\.0\.0/)
    expect(outcome.taskDefinitionDiff).toMatch(/web:2\.0\.0/)
    expect(outcome.taskDefinitionArn).toBeUndefined()
    expect(outcome.previousTaskDefinitionArn).toBe(bg.liveRevision)
    expect(bg.mutations()).toEqual([])
  })
})
