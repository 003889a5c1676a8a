import { InputError } from '../../src/rollout/errors.js'
import type { ScalableTarget, TaskDefinition } from '../../src/rollout/ports.js'
import { BlueGreen, MINUTE, NEW_IMAGE } from '../support/blue-green.js'

const ops = (bg: BlueGreen) => bg.aws.calls.map((call) => call.op)

function registered(bg: BlueGreen): TaskDefinition {
  const call = bg.aws.calls.find((entry) => entry.op === 'registerTaskDefinition')!
  return call.input as TaskDefinition
}

/** A revision registered beside the live one (web:42), as a build pipeline leaves it. */
function builtRevision(bg: BlueGreen, change: Partial<TaskDefinition> = {}): string {
  const definition = structuredClone(bg.definition)
  definition.containerDefinitions[0]!.image = NEW_IMAGE
  return bg.aws.ecsWorld.registerTaskDefinition({ ...definition, ...change }).arn
}

describe('task-definition naming an existing revision', () => {
  it('with nothing to render, deploys that revision as it is: nothing registered, promoted', async () => {
    const bg = new BlueGreen()
    const revision = builtRevision(bg)
    const outcome = await bg.deploy({
      release: { image: '', environment: [], taskDefinitionRevision: revision }
    })
    expect(outcome).toMatchObject({
      result: 'promoted',
      taskDefinitionArn: revision,
      previousTaskDefinitionArn: bg.liveRevision,
      liveService: 'web-green'
    })
    expect(ops(bg)).not.toContain('registerTaskDefinition')
    expect(bg.mutations()).toContain('updateService web-green web:42 x2')
    expect(bg.record.infos.join('\n')).toMatch(/nothing registered: deploying web:42/)
  })

  it('that is already live is unchanged, and nothing is changed', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({
      release: { image: '', environment: [], taskDefinitionRevision: bg.liveRevision }
    })
    expect(outcome).toMatchObject({ result: 'unchanged', taskDefinitionArn: bg.liveRevision })
    expect(bg.mutations()).toEqual([])
  })

  it('with an image is the base that is rendered and registered', async () => {
    const bg = new BlueGreen()
    const revision = builtRevision(bg, { cpu: '1024', memory: '2048' })
    const outcome = await bg.deploy({
      release: {
        image: 'registry.example.com/web:3.0.0',
        environment: [],
        taskDefinitionRevision: revision
      }
    })
    expect(outcome.result).toBe('promoted')
    expect(registered(bg)).toMatchObject({ family: 'web', cpu: '1024', memory: '2048' })
    expect(registered(bg).containerDefinitions[0]?.image).toBe('registry.example.com/web:3.0.0')
    expect(outcome.taskDefinitionArn).not.toBe(revision)
  })

  it('in a dry run plans that revision and changes nothing', async () => {
    const bg = new BlueGreen()
    const revision = builtRevision(bg)
    const outcome = await bg.deploy({
      dryRun: true,
      release: { image: '', environment: [], taskDefinitionRevision: revision }
    })
    expect(outcome.result).toBe('planned')
    expect(outcome.plan[0]).toBe('bring up web-green on web:42 (2 tasks)')
    expect(outcome.taskDefinitionDiff).toMatch(/\+ .*web:2\.0\.0/)
    expect(bg.mutations()).toEqual([])
  })

  it('refuses a revision that is no longer ACTIVE before anything changes', async () => {
    const bg = new BlueGreen()
    const revision = builtRevision(bg)
    const describe = bg.aws.ecsWorld.describeTaskDefinition.bind(bg.aws.ecsWorld)
    bg.aws.ecsWorld.describeTaskDefinition = (arn: string) =>
      arn === revision ? { ...describe(arn), status: 'INACTIVE' } : describe(arn)
    const error = await bg
      .deploy({ release: { image: '', environment: [], taskDefinitionRevision: revision } })
      .catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(
      /Input 'task-definition'.*is INACTIVE.*ACTIVE revision/
    )
    expect(bg.mutations()).toEqual([])
  })
})

describe('the render inputs on the live revision', () => {
  it('sets secrets, command, labels, log configuration and roles on the container', async () => {
    const bg = new BlueGreen()
    await bg.deploy({
      release: {
        image: NEW_IMAGE,
        environment: [],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }
        ],
        command: ['npm', 'run', 'serve'],
        dockerLabels: [{ name: 'team', value: 'payments' }],
        logDriver: 'awslogs',
        logOptions: [{ name: 'awslogs-group', value: '/ecs/web' }],
        taskRoleArn: 'arn:aws:iam::123456789012:role/web-task'
      }
    })
    const definition = registered(bg)
    expect(definition.taskRoleArn).toBe('arn:aws:iam::123456789012:role/web-task')
    expect(definition.containerDefinitions[0]).toMatchObject({
      image: NEW_IMAGE,
      secrets: [
        { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }
      ],
      command: ['npm', 'run', 'serve'],
      dockerLabels: { team: 'payments' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } }
    })
  })
})

describe('desired-count and the service settings of the new side', () => {
  it('brings the new side up at desired-count, with propagate-tags and managed tags', async () => {
    const bg = new BlueGreen({ desiredCount: 2 })
    const outcome = await bg.deploy({
      desiredCount: 3,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true
    })
    expect(outcome.result).toBe('promoted')
    expect(outcome.plan[0]).toMatch(/^bring up web-green on web:42 \(3 tasks\)/)
    const bringUp = bg.aws.calls.find(
      (call) =>
        call.op === 'updateService' && (call.input as { service: string }).service === 'web-green'
    )
    expect(bringUp?.input).toMatchObject({
      desiredCount: 3,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true
    })
    expect(bg.aws.ecsWorld.service('web-green')).toMatchObject({ desiredCount: 3, runningCount: 3 })
  })

  it("without them, the new side gets the live side's count and its service settings are not sent", async () => {
    const bg = new BlueGreen({ desiredCount: 2 })
    await bg.deploy()
    const bringUp = bg.aws.calls.find(
      (call) =>
        call.op === 'updateService' && (call.input as { service: string }).service === 'web-green'
    )
    expect(bringUp?.input).toMatchObject({ desiredCount: 2 })
    expect(bringUp?.input).not.toHaveProperty('propagateTags')
    expect(bringUp?.input).not.toHaveProperty('enableEcsManagedTags')
  })

  it('a desired-count below the live side is kept, and a scale-out of the live side is followed by as many tasks', async () => {
    const found: ScalableTarget = {
      min: 2,
      max: 8,
      suspended: { dynamicIn: false, dynamicOut: false, scheduled: false }
    }
    const bg = new BlueGreen({ desiredCount: 4 })
    bg.aws.scalingWorld.register('web-blue', found, [])
    let scaled = false
    bg.aws.log.after('writeForward', () => {
      if (scaled) return
      scaled = true
      expect(bg.aws.scalingWorld.activity('web-blue', 6)).toBe(true)
    })
    const outcome = await bg.deploy({ desiredCount: 2, stepWaitMs: MINUTE })
    expect(outcome.result).toBe('promoted')
    const mutations = bg.mutations()
    expect(mutations).toContain('updateService web-green web:42 x2')
    // live went 4 -> 6: the new side adds the same two tasks, and is never raised to 6
    expect(mutations).toContain('updateService web-green x4')
    expect(mutations).not.toContain('updateService web-green x6')
    expect(bg.record.infos.join('\n')).toMatch(
      /web-blue scaled out to 6 tasks: web-green follows, from 2 to 4/
    )
  })
})
