/**
 * The rollout kept in the listener's tags, through the bundled action against the emulator:
 * one rollout at a time, runners killed mid-rollout, pause, promote, abort and rollback. Every
 * test has a pair of its own and they run at once; each reads the calls of its own runs.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  addRouteTags,
  killAfter,
  mutationsOf,
  pairTopology,
  routeTags,
  runEnv,
  runUrl,
  settledOn,
  side,
  sleep,
  STALE,
  STALE_WAIT_MS,
  imageMaker
} from './durable-world.js'
import { deployInputs, run, setImage, startHarness } from './harness.js'

const harness = startHarness()
afterAll(async () => (await harness).emulator.stop())

const uniqueImage = imageMaker(3)

const phaseOf = (tags: Record<string, string>) => tags['ecs-blue-green:phase']

describe('one rollout per listener', () => {
  it.concurrent('of two deploys that start at once, one refuses, naming the other', async () => {
    const h = await harness
    const t = await pairTopology(h)
    const image = uniqueImage()
    const [first, second] = await Promise.all([
      run(h, deployInputs(t, { ...STALE, image }), { env: runEnv(101) }),
      run(h, deployInputs(t, { ...STALE, image }), { env: runEnv(102) })
    ])
    const winner = first.exitCode === 0 ? first : second
    const loser = winner === first ? second : first
    expect(winner.outputs.result).toBe('promoted')
    expect(loser.exitCode).not.toBe(0)
    // `starting` while the winner still registers, `in progress` once it brings up
    expect(loser.stdout).toMatch(/another rollout is (starting|in progress) on/)
    expect(loser.stdout).toContain(runUrl(winner === first ? 101 : 102))
    // the one refused changed nothing but its claim in the tags
    expect((await mutationsOf(h, loser)).filter((op) => op !== 'AddTags')).toEqual([])
    expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
  })
})

describe('a runner killed mid-rollout, then the next run', () => {
  it.concurrent('killed while bringing up: the next deploy cleans up and promotes', async () => {
    const h = await harness
    const t = await pairTopology(h)
    const image = uniqueImage()
    const kill = killAfter(/starting 2 tasks/, 100)
    const killed = await run(h, deployInputs(t, { ...STALE, image }), {
      env: runEnv(201),
      onOutput: kill.onOutput
    })
    expect(killed.signal).toBe('SIGKILL')
    expect(phaseOf(await routeTags(h, t))).toBe('bring-up')
    await sleep(STALE_WAIT_MS)
    const next = await run(h, deployInputs(t, { ...STALE, image }), { env: runEnv(202) })
    expect(next.exitCode).toBe(0)
    expect(next.outputs.result).toBe('promoted')
    expect(next.stdout).toContain(
      `run 201 (${runUrl(201)}) stopped bringing up ${t.services.green}`
    )
    expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
    expect(phaseOf(await routeTags(h, t))).toBe('promoted')
  })

  it.concurrent('killed during a bake: promote carries it on from its step', async () => {
    const h = await harness
    const t = await pairTopology(h)
    const kill = killAfter(/Bake at 50%/, 100)
    const inputs = deployInputs(t, {
      ...STALE,
      image: uniqueImage(),
      'traffic-steps': '50,100',
      'step-wait': '20s'
    })
    const killed = await run(h, inputs, { env: runEnv(301), onOutput: kill.onOutput })
    expect(killed.signal).toBe('SIGKILL')
    expect(await side(h, t, 'green')).toMatchObject({ weight: 50 })
    await sleep(STALE_WAIT_MS)
    const promote = await run(
      h,
      deployInputs(t, { ...STALE, command: 'promote', 'step-wait': '1s' }),
      { env: runEnv(302) }
    )
    expect(promote.exitCode).toBe(0)
    expect(promote.outputs.result).toBe('promoted')
    expect(promote.stdout).toContain('Check idle side')
    expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
    expect(phaseOf(await routeTags(h, t))).toBe('promoted')
  })

  it.concurrent('killed during a bake: abort returns the traffic at once', async () => {
    const h = await harness
    const t = await pairTopology(h)
    const kill = killAfter(/Bake at 10%/, 100)
    const inputs = deployInputs(t, { ...STALE, image: uniqueImage(), 'step-wait': '20s' })
    await run(h, inputs, { env: runEnv(401), onOutput: kill.onOutput })
    expect(kill.killed()).toBe(true)
    // no waiting for the heartbeat to go stale: an abort does not wait for anyone
    const abort = await run(h, deployInputs(t, { command: 'abort' }), { env: runEnv(402) })
    expect(abort.exitCode).toBe(0)
    expect(abort.outputs.result).toBe('aborted')
    // the dead run's lock is taken at once, then the traffic is the first change to the pair
    const changes = await mutationsOf(h, abort)
    expect(changes.slice(0, 4)).toEqual(['DeleteRule', 'CreateRule', 'AddTags', 'ModifyListener'])
    expect(await settledOn(h, t, 'blue')).toMatchObject({ weight: 100, healthy: 2 })
    expect(await side(h, t, 'green')).toMatchObject({ weight: 0, desired: 0 })
    expect(phaseOf(await routeTags(h, t))).toBe('aborted')
  })

  it.concurrent('killed while waiting to scale down: the next deploy finishes it', async () => {
    const h = await harness
    const t = await pairTopology(h)
    const image = uniqueImage()
    const kill = killAfter(/scaling .* to 0 in/, 100)
    const inputs = deployInputs(t, { ...STALE, image, 'scale-down-delay': '4s' })
    const killed = await run(h, inputs, { env: runEnv(501), onOutput: kill.onOutput })
    expect(killed.signal).toBe('SIGKILL')
    expect(phaseOf(await routeTags(h, t))).toBe('scale-down')
    await sleep(STALE_WAIT_MS)
    const next = await run(h, inputs, { env: runEnv(502) })
    expect(next.exitCode).toBe(0)
    expect(next.outputs.result).toBe('promoted')
    expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
    expect(await side(h, t, 'blue')).toMatchObject({ desired: 0 })
    expect(phaseOf(await routeTags(h, t))).toBe('promoted')
  })
})

describe('pause, promote and abort', () => {
  it.concurrent(
    'a pause stops at 10% and exits 0; the post step leaves it; promote finishes',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      const inputs = deployInputs(t, { image: uniqueImage(), 'traffic-steps': '10,pause,50,100' })
      const paused = await run(h, inputs, { env: runEnv(601) })
      expect(paused.exitCode).toBe(0)
      expect(paused.outputs.result).toBe('paused')
      expect(paused.stdout).toContain('To continue: run again with command: promote')
      expect(paused.summary).toContain('command: promote')
      const post = await run(h, inputs, { state: paused.state, env: runEnv(601) })
      expect(post.exitCode).toBe(0)
      expect(await side(h, t, 'green')).toMatchObject({ weight: 10 })
      expect(phaseOf(await routeTags(h, t))).toBe('paused')

      const promote = await run(h, deployInputs(t, { command: 'promote' }), { env: runEnv(602) })
      expect(promote.exitCode).toBe(0)
      expect(promote.outputs.result).toBe('promoted')
      expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
      expect(phaseOf(await routeTags(h, t))).toBe('promoted')
    }
  )

  it.concurrent(
    'abort after a pause: the traffic goes back first, then the new side to 0',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      const inputs = deployInputs(t, { image: uniqueImage(), 'traffic-steps': '25,pause,100' })
      expect((await run(h, inputs, { env: runEnv(701) })).outputs.result).toBe('paused')
      // an abort does not read the deploy's inputs: a broken image input does not stop it
      const abort = await run(h, deployInputs(t, { command: 'abort', image: 'not an image' }), {
        env: runEnv(702)
      })
      expect(abort.exitCode).toBe(0)
      expect(abort.outputs.result).toBe('aborted')
      expect(await mutationsOf(h, abort)).toEqual([
        'CreateRule',
        'AddTags',
        'ModifyListener',
        'UpdateService',
        'AddTags',
        'DeleteRule'
      ])
      expect(await settledOn(h, t, 'blue')).toMatchObject({ weight: 100, healthy: 2 })
      expect(await side(h, t, 'green')).toMatchObject({ desired: 0 })
      expect(phaseOf(await routeTags(h, t))).toBe('aborted')
    }
  )

  it.concurrent(
    'abort from a second process while the first bakes: both end at 100/0',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      let abort: ReturnType<typeof run> | undefined
      const baking = await run(
        h,
        deployInputs(t, { ...STALE, image: uniqueImage(), 'step-wait': '20s' }),
        {
          env: runEnv(801),
          onOutput: (text) => {
            if (!abort && /Bake at 10%/.test(text)) {
              abort = run(h, deployInputs(t, { command: 'abort' }), { env: runEnv(802) })
            }
          }
        }
      )
      const aborted = await abort!
      expect(aborted.outputs.result).toBe('aborted')
      expect(baking.exitCode).not.toBe(0)
      expect(baking.outputs.result).toBe('reverted')
      expect(baking.outputs.reason).toContain(`command: abort from run 802 (${runUrl(802)})`)
      expect(await settledOn(h, t, 'blue')).toMatchObject({ weight: 100, healthy: 2 })
      expect(await routeTags(h, t)).toMatchObject({
        'ecs-blue-green:phase': 'aborted',
        'ecs-blue-green:run-id': '802'
      })
    }
  )
})

describe('rollback', () => {
  it.concurrent(
    'after promotion brings the scaled-down old side back, then moves the traffic',
    async () => {
      const h = await harness
      const t = await pairTopology(h)
      const deployed = await run(h, deployInputs(t, { image: uniqueImage() }), { env: runEnv(901) })
      expect(deployed.outputs.result).toBe('promoted')
      expect(await side(h, t, 'blue')).toMatchObject({ desired: 0, weight: 0 })
      const rollback = await run(h, deployInputs(t, { command: 'rollback' }), { env: runEnv(902) })
      expect(rollback.exitCode).toBe(0)
      expect(rollback.outputs.result).toBe('rolled-back')
      expect(rollback.outputs['live-service']).toBe(t.services.blue)
      expect(rollback.outputs['task-definition-arn']).toBe(t.taskDefinitionArn)
      const changes = await mutationsOf(h, rollback)
      // brought up before any weight moved
      expect(changes.indexOf('UpdateService')).toBeLessThan(changes.indexOf('ModifyListener'))
      expect(await settledOn(h, t, 'blue')).toMatchObject({ weight: 100, healthy: 2 })
      expect(phaseOf(await routeTags(h, t))).toBe('rolled-back')
    }
  )

  it.concurrent(
    'is refused, traffic untouched, when the previous revision cannot become healthy',
    async () => {
      const h = await harness
      const oldImage = uniqueImage().replace('/app:', '/app-old:')
      const t = await pairTopology(h, oldImage)
      const deployed = await run(h, deployInputs(t, { image: uniqueImage() }), {
        env: runEnv(1001)
      })
      expect(deployed.outputs.result).toBe('promoted')
      await setImage(h.url, { image: oldImage, behavior: 'unhealthy' })
      const rollback = await run(h, deployInputs(t, { command: 'rollback' }), { env: runEnv(1002) })
      expect(rollback.exitCode).not.toBe(0)
      expect(rollback.outputs.result).toBe('unchanged')
      expect(rollback.outputs.reason).toMatch(/^rollback refused: .*unhealthy/)
      expect(await mutationsOf(h, rollback)).not.toContain('ModifyListener')
      expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
      expect(await routeTags(h, t)).toMatchObject({
        'ecs-blue-green:phase': 'promoted',
        'ecs-blue-green:reason': expect.stringMatching(/^rollback failed/)
      })
    }
  )
})

describe('a state that is not the action’s to trust', () => {
  it.concurrent('is reported by status and abort, and replaced by the next deploy', async () => {
    const h = await harness
    const t = await pairTopology(h)
    await addRouteTags(h, t, {
      team: 'web',
      'ecs-blue-green:schema': '1',
      'ecs-blue-green:phase': 'shift',
      'ecs-blue-green:live-service': 'somebody-else'
    })
    const status = await run(h, deployInputs(t, { command: 'status' }), { env: runEnv(1101) })
    expect(status.exitCode).toBe(0)
    expect(status.outputs.result).toBe('unchanged')
    expect(status.outputs['rollout-phase']).toBe('unreadable')
    expect(status.summary).toContain('The stored rollout state is not usable')
    expect(status.summary).toContain('100%')
    expect(await mutationsOf(h, status)).toEqual([])

    const abort = await run(h, deployInputs(t, { command: 'abort' }), { env: runEnv(1102) })
    expect(abort.exitCode).not.toBe(0)
    expect(abort.stdout).toContain('cannot be used for abort')
    expect(await mutationsOf(h, abort)).toEqual([])

    const deploy = await run(h, deployInputs(t, { image: uniqueImage() }), { env: runEnv(1103) })
    expect(deploy.outputs.result).toBe('promoted')
    expect(deploy.stdout).toContain('is not usable and is ignored')
    expect(await routeTags(h, t)).toMatchObject({ team: 'web', 'ecs-blue-green:phase': 'promoted' })
  })
})
