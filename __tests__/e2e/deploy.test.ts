import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { clientConfig } from '../helpers/emulator.js'
import {
  callsOf,
  currentWeights,
  deployInputs,
  expectNoViolations,
  ownTopology,
  run,
  setImage,
  startHarness,
  weightWritesIn,
  type Harness,
  type HarnessRun
} from './harness.js'

let h: Harness

// image behaviours live until the emulator resets: each test deploys an image of its own
let images = 0
const uniqueImage = (): string => `registry.example.com/app:2.0.${++images}`

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await h.emulator.stop()
})

/** The weight writes of the given runs of one test, in order. */
async function writesOf(...runs: HarnessRun[]) {
  const logs = await Promise.all(runs.map((r) => callsOf(h, r.caller)))
  return weightWritesIn(logs.flat())
}

/** The mutating calls the given runs made. */
async function mutationsOf(...runs: HarnessRun[]) {
  const logs = await Promise.all(runs.map((r) => callsOf(h, r.caller)))
  return logs.flat().filter((c) => c.mutating)
}

// a test's clock starts before its turn comes, while up to four others' runs share the CPU
jest.setTimeout(120_000)

/*
 * Each test has a pair of its own and they run at once (the file waits on simulated AWS, not on
 * the CPU): nothing clears the call log, each test reads the calls of its own runs, and every
 * test checks that its own runs left no safety violation.
 */
describe('deploy through the bundled action against the emulator', () => {
  it.concurrent(
    'promotes a good release, writing each step in order and reading it back',
    async () => {
      const t = await ownTopology(h)
      const result = await run(h, deployInputs(t))
      expect(result.stderr).not.toMatch(/Error/)
      expect(result.exitCode).toBe(0)
      expect(result.outputs.result).toBe('promoted')
      expect(result.outputs['live-service']).toBe(t.services.green)
      expect(result.outputs['idle-service']).toBe(t.services.blue)
      expect(result.outputs['task-definition-arn']).toMatch(/task-definition\/app\d+:2$/)
      expect(result.outputs['previous-task-definition-arn']).toBe(t.taskDefinitionArn)

      const writes = await writesOf(result)
      expect(writes.map((w) => w.weights[t.targetGroups.green])).toEqual([10, 50, 100])
      expect(writes.map((w) => w.weights[t.targetGroups.blue])).toEqual([90, 50, 0])
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 0,
        [t.targetGroups.green]: 100
      })

      // the old side is scaled down only after promotion, and its revision is never deregistered
      const log = await callsOf(h, result.caller)
      const mutating = log.filter((c) => c.mutating).map((c) => c.operation)
      expect(mutating).not.toContain('DeregisterTaskDefinition')
      const lastShift = log.findLastIndex((c) => c.operation === 'ModifyListener')
      const scaleDown = log.findIndex(
        (c) =>
          c.operation === 'UpdateService' &&
          (c.params as { service: string; desiredCount?: number }).service === t.services.blue
      )
      expect(scaleDown).toBeGreaterThan(lastShift)
      expect((log[scaleDown]!.params as { desiredCount: number }).desiredCount).toBe(0)

      expect(result.summary).toContain('Promoted')
      expect(result.summary).toContain('```mermaid')
      await expectNoViolations(h, result)
    }
  )

  it.concurrent('reverts an unhealthy release before any weight reaches it', async () => {
    const t = await ownTopology(h)
    const image = uniqueImage()
    await setImage(h.url, { image, behavior: 'unhealthy' })
    const result = await run(h, deployInputs(t, { image }))
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.result).toBe('reverted')
    expect(result.outputs.reason).toMatch(/unhealthy|health check/i)
    const writes = await writesOf(result)
    expect(writes.every((w) => !w.weights[t.targetGroups.green])).toBe(true)
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
    await expectNoViolations(h, result)
  })

  it.concurrent('fails a crashing release fast, with its stop reason and exit code', async () => {
    const t = await ownTopology(h)
    const image = uniqueImage()
    await setImage(h.url, { image, behavior: 'crash', exitCode: 3 })
    const started = Date.now()
    const result = await run(h, deployInputs(t, { image, timeout: '10m' }))
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(result.outputs.result).toBe('reverted')
    expect(result.outputs.reason).toMatch(/Essential container in task exited/)
    expect(result.outputs.reason).toMatch(/exit code 3/)
    expect(result.summary).toMatch(/Essential container in task exited/)
    expect(await writesOf(result)).toEqual([])
    await expectNoViolations(h, result)
  })

  it.concurrent(
    'reports a deployment circuit-breaker rollback of the idle side as the release failing',
    async () => {
      const t = await ownTopology(h)
      const ecs = new ECSClient(clientConfig(h.url))
      try {
        await ecs.send(
          new UpdateServiceCommand({
            cluster: t.cluster,
            service: t.services.green,
            deploymentConfiguration: {
              deploymentCircuitBreaker: { enable: true, rollback: true }
            }
          })
        )
      } finally {
        ecs.destroy()
      }
      const image = uniqueImage()
      await setImage(h.url, { image, behavior: 'crash' })
      // reads far apart (health five times a 50s poll interval while bringing up): ECS has given up on the
      // release and rolled it back before the next one
      const result = await run(h, deployInputs(t, { image, 'poll-interval': '50s' }))
      expect(result.outputs.result).toBe('reverted')
      expect(result.outputs.reason).toMatch(
        new RegExp(
          `^ECS's deployment circuit breaker rolled ${t.services.green} back to app\\d+:1 ` +
            `while bringing up ${t.services.green}: `
        )
      )
      expect(result.outputs.reason).not.toMatch(/someone else/)
      expect(result.exitCode).not.toBe(0)
      expect(await writesOf(result)).toEqual([])
    }
  )

  it.concurrent('reverts a release that degrades after the first shift back to 100/0', async () => {
    const t = await ownTopology(h)
    // healthy through bring-up and the first shift, then failing from the first bake on: set
    // when the bake starts, not after a number of seconds, which other tests' runs sharing the
    // CPU could make land just as the shift is written
    const image = uniqueImage()
    await setImage(h.url, { image, behavior: 'degrade', afterSeconds: 3600 })
    let degraded: Promise<void> | undefined
    const result = await run(h, deployInputs(t, { image, 'step-wait': '4s' }), {
      onOutput: (text) => {
        if (!degraded && /Bake at 10%/.test(text)) {
          degraded = setImage(h.url, { image, behavior: 'degrade', afterSeconds: 0 })
        }
      }
    })
    await degraded
    expect(result.outputs.result).toBe('reverted')
    const writes = await writesOf(result)
    expect(writes[0]!.weights[t.targetGroups.green]).toBe(10)
    expect(writes.at(-1)!.weights).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
    await expectNoViolations(h, result)
  })

  it.concurrent(
    'on SIGTERM during a bake, the next mutating call returns all traffic',
    async () => {
      const t = await ownTopology(h)
      let signalled = false
      const result = await run(h, deployInputs(t, { 'step-wait': '30s' }), {
        onOutput: (text, child) => {
          if (!signalled && /Bake at 10%/.test(text)) {
            signalled = true
            setTimeout(() => child.kill('SIGTERM'), 300)
          }
        }
      })
      expect(signalled).toBe(true)
      expect(result.outputs.result).toBe('reverted')
      expect(result.outputs.reason).toMatch(/SIGTERM/)
      const log = await callsOf(h, result.caller)
      const mutating = log.filter((c) => c.mutating)
      const firstShift = mutating.findIndex((c) => c.operation === 'ModifyListener')
      const next = mutating[firstShift + 1]!
      expect(next.operation).toBe('ModifyListener')
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 100,
        [t.targetGroups.green]: 0
      })
      await expectNoViolations(h, result)
    }
  )

  it.concurrent('deploys through a listener rule, keeping its stickiness', async () => {
    const t = await ownTopology(h, { useRule: true })
    const result = await run(h, deployInputs(t, { 'traffic-steps': '50,100' }))
    expect(result.outputs.result).toBe('promoted')
    const writes = await writesOf(result)
    expect(writes.map((w) => w.operation)).toEqual(['ModifyRule', 'ModifyRule'])
    expect(writes.map((w) => w.weights[t.targetGroups.green])).toEqual([50, 100])
    await expectNoViolations(h, result)
  })

  it.concurrent(
    'starts from a listener that forwards to blue alone, then deploys back the other way',
    async () => {
      const t = await ownTopology(h, { forward: 'target-group-arn' })
      const { blue, green } = t.targetGroups
      const steps = { 'traffic-steps': '50,100' }
      const first = await run(h, deployInputs(t, { ...steps, image: uniqueImage() }))
      expect(first.exitCode).toBe(0)
      expect(first.outputs.result).toBe('promoted')
      expect(first.outputs['live-service']).toBe(t.services.green)
      const second = await run(h, deployInputs(t, { ...steps, image: uniqueImage() }))
      expect(second.outputs.result).toBe('promoted')
      expect(second.outputs['live-service']).toBe(t.services.blue)
      // green's group joins at 0 before green starts (ALB checks no group a route does not use),
      // then each step; the route ends in the weighted form, all traffic on blue again
      const writes = await writesOf(first, second)
      expect(writes.map((w) => [w.weights[blue], w.weights[green]])).toEqual([
        [100, 0],
        [50, 50],
        [0, 100],
        [50, 50],
        [100, 0]
      ])
      expect(await currentWeights(h, t)).toEqual({ [blue]: 100, [green]: 0 })
      await expectNoViolations(h, first, second)
    }
  )

  it.concurrent('refuses bad inputs with zero mutating calls', async () => {
    const t = await ownTopology(h)
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'traffic-steps': '50,10,100' }, /traffic-steps/],
      [{ services: t.services.blue }, /services/],
      [
        {
          listener:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/0123456789abcdef'
        },
        /listener/
      ],
      [{ 'step-wait': 'soon' }, /step-wait/],
      [{ container: 'nope' }, /container/],
      [{ image: '' }, /image/]
    ]
    const refused: HarnessRun[] = []
    for (const [overrides, message] of cases) {
      const result = await run(h, deployInputs(t, overrides))
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).toMatch(message)
      refused.push(result)
    }
    expect(await mutationsOf(...refused)).toEqual([])
  })

  it.concurrent('dry run prints the plan and the diff and changes nothing', async () => {
    const t = await ownTopology(h)
    const result = await run(h, deployInputs(t, { 'dry-run': 'true' }))
    expect(result.exitCode).toBe(0)
    expect(result.outputs.result).toBe('planned')
    expect(result.summary).toContain('app:2.0.0')
    // the log has them too, not only the summary
    expect(result.stdout).toMatch(/^Plan:\n {2}1\. bring up app\d+-green on a new revision of app/m)
    expect(result.stdout).toMatch(/^ {2}\d+\. shift 100% to app\d+-green/m)
    expect(result.stdout).toContain('Task definition changes (- live revision, + new revision):')
    expect(result.stdout).toMatch(/^ {2}- +"image": "registry\.example\.com\/app:1\.0\.0"/m)
    expect(result.stdout).toMatch(/^ {2}\+ +"image": "registry\.example\.com\/app:2\.0\.0"/m)
    expect(await mutationsOf(result)).toEqual([])
  })

  it.concurrent('an image that is already live is unchanged', async () => {
    const t = await ownTopology(h)
    const result = await run(h, deployInputs(t, { image: 'registry.example.com/app:1.0.0' }))
    expect(result.outputs.result).toBe('unchanged')
    expect(await mutationsOf(result)).toEqual([])
  })

  it.concurrent(
    'the post step returns traffic when the main step was killed mid-rollout',
    async () => {
      const t = await ownTopology(h)
      let killed = false
      const main = await run(h, deployInputs(t, { 'step-wait': '30s' }), {
        onOutput: (text, child) => {
          if (!killed && /Bake at 10%/.test(text)) {
            killed = true
            child.kill('SIGKILL')
          }
        }
      })
      expect(main.signal).toBe('SIGKILL')
      expect((await currentWeights(h, t))[t.targetGroups.green]).toBe(10)
      const post = await run(h, deployInputs(t), { state: main.state })
      expect(post.exitCode).toBe(0)
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 100,
        [t.targetGroups.green]: 0
      })
      await expectNoViolations(h, main, post)
    }
  )
})
