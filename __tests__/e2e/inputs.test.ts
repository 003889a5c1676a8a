/**
 * The inputs people bring from AWS's render and deploy actions, through the bundled action against
 * the emulator: a revision deployed as it is, a multi-container render with secrets and a command,
 * the new side's count and tag settings, and bad values refused with nothing changed.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { clientConfig } from '../helpers/emulator.js'
import {
  callsOf,
  deployInputs,
  expectNoViolations,
  ownTopology,
  run,
  startHarness,
  type Harness,
  type HarnessRun
} from './harness.js'

let h: Harness
let ecs: ECSClient

const SECRET = 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password'
const FAST = { 'traffic-steps': '50,100', 'step-wait': '1s' }

beforeAll(async () => {
  h = await startHarness()
  ecs = new ECSClient(clientConfig(h.url))
})

afterAll(async () => {
  ecs.destroy()
  await h.emulator.stop()
})

const operations = async (r: HarnessRun, mutating?: boolean) =>
  (await callsOf(h, r.caller))
    .filter((call) => mutating === undefined || call.mutating === mutating)
    .map((call) => call.operation)

const errorLine = (r: HarnessRun) => /^::error::(.*)$/m.exec(r.stdout)?.[1] ?? r.stderr

async function definitionOf(arn: string) {
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))
  return out.taskDefinition!
}

async function service(cluster: string, name: string) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }))
  return out.services![0]!
}

// each test on a pair of its own, at once, reading its own run's calls and violations
describe('inputs of the official render and deploy actions, through the bundle', () => {
  it.concurrent(
    'deploys an existing revision named by ARN as it is: nothing registered, promoted',
    async () => {
      const t = await ownTopology(h)
      const live = await definitionOf(t.taskDefinitionArn)
      const built = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: live.family,
          networkMode: live.networkMode,
          requiresCompatibilities: live.requiresCompatibilities,
          cpu: live.cpu,
          memory: live.memory,
          containerDefinitions: live.containerDefinitions!.map((container) => ({
            ...container,
            image: 'registry.example.com/app:2.1.0'
          }))
        } as RegisterTaskDefinitionCommandInput)
      )
      const arn = built.taskDefinition!.taskDefinitionArn!

      const result = await run(h, deployInputs(t, { ...FAST, image: '', 'task-definition': arn }))
      expect(result.exitCode).toBe(0)
      expect(result.outputs).toMatchObject({
        result: 'promoted',
        'task-definition-arn': arn,
        'previous-task-definition-arn': t.taskDefinitionArn,
        'live-service': t.services.green
      })
      expect(await operations(result)).not.toContain('RegisterTaskDefinition')
      expect((await service(t.cluster, t.services.green)).taskDefinition).toBe(arn)
      await expectNoViolations(h, result)
    }
  )

  it.concurrent(
    'renders images, secrets and a command into one new revision, read back from ECS',
    async () => {
      const t = await ownTopology(h, {
        containers: [{ name: 'proxy', image: 'registry.example.com/proxy:1', essential: false }]
      })
      const result = await run(
        h,
        deployInputs(t, {
          ...FAST,
          image: '',
          images: 'web=registry.example.com/app:2.2.0\nproxy=registry.example.com/proxy:2',
          container: 'web',
          secrets: `DB_PASSWORD=${SECRET}`,
          'container-command': '["sh", "-c", "serve --port 8080"]',
          'docker-labels': 'team=payments'
        })
      )
      expect(result.exitCode).toBe(0)
      expect(result.outputs.result).toBe('promoted')
      const registered = await definitionOf(result.outputs['task-definition-arn']!)
      const [web, proxy] = registered.containerDefinitions!
      expect(web).toMatchObject({
        name: 'web',
        image: 'registry.example.com/app:2.2.0',
        secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET }],
        command: ['sh', '-c', 'serve --port 8080'],
        dockerLabels: { team: 'payments' }
      })
      expect(proxy).toMatchObject({ name: 'proxy', image: 'registry.example.com/proxy:2' })
      expect(proxy?.secrets ?? []).toEqual([])
      expect(result.summary).toContain('Images: `web=registry.example.com/app:2.2.0`')
      // the secret's reference is not printed in the log
      expect(result.stdout).not.toContain(SECRET)
    }
  )

  it.concurrent(
    'brings the new side up at desired-count, with propagate-tags and ECS managed tags',
    async () => {
      const t = await ownTopology(h)
      const result = await run(
        h,
        deployInputs(t, {
          ...FAST,
          'desired-count': '3',
          'propagate-tags': 'SERVICE',
          'enable-ecs-managed-tags': 'true'
        })
      )
      expect(result.exitCode).toBe(0)
      expect(result.outputs.result).toBe('promoted')
      const green = await service(t.cluster, t.services.green)
      expect(green).toMatchObject({
        desiredCount: 3,
        runningCount: 3,
        propagateTags: 'SERVICE',
        enableECSManagedTags: true
      })
      await expectNoViolations(h, result)
    }
  )

  it.concurrent.each([
    [
      'desired-count',
      { 'desired-count': '0' },
      /Input 'desired-count': '0' is not a task count; use a whole number from 1 to 5000/
    ],
    [
      'propagate-tags',
      { 'propagate-tags': 'ALL' },
      /Input 'propagate-tags': 'ALL' is not valid; use TASK_DEFINITION/
    ],
    [
      'image with images',
      { images: 'web=registry.example.com/app:3' },
      /Input 'images': is set together with input 'image'/
    ],
    [
      'an unknown revision',
      { image: '', 'task-definition': 'nosuchfamily:7' },
      /Input 'task-definition': revision "nosuchfamily:7" was not found/
    ]
  ])('refuses %s with nothing changed in AWS', async (_name, inputs, says) => {
    const t = await ownTopology(h)
    const result = await run(h, deployInputs(t, inputs))
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toMatch(says)
    expect(await operations(result, true)).toEqual([])
  })
})
