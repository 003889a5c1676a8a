import type { RolloutDeps } from '../../src/rollout/context.js'
import { deploy } from '../../src/rollout/deploy.js'
import { NotCarriedOutError } from '../../src/rollout/errors.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'
import type { ImageBehavior } from '../support/memory-aws.js'

const STEPS = [10, 25, 50, 100]

/** The mutating calls after the last weight write of the shift that failed. */
function afterFailure(bg: BlueGreen, percent: number): string[] {
  const mutations = bg.mutations()
  const shift = mutations.lastIndexOf(
    `writeForward web-blue-tg=${100 - percent} web-green-tg=${percent}`
  )
  expect(shift).toBeGreaterThan(0)
  return mutations.slice(shift + 1)
}

function shiftsWritten(bg: BlueGreen): number[] {
  return bg.aws.weightWrites().map((write) => write['web-green-tg']!)
}

describe.each(STEPS.map((percent, i) => [i + 1, percent]))(
  'a gate failing at step %i (%i%%) reverts, traffic first',
  (step, percent) => {
    const at = `at step ${step} (${percent}%)`
    const written = STEPS.slice(0, step)

    function expectReverted(bg: BlueGreen): void {
      expect(shiftsWritten(bg)).toEqual([...written, 0])
      expect(afterFailure(bg, percent)).toEqual([
        'writeForward web-blue-tg=100 web-green-tg=0',
        'updateService web-green x0'
      ])
      expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
      expect(bg.aws.ecsWorld.service('web-blue').desiredCount).toBe(2)
    }

    async function deployWith(behavior: ImageBehavior, setup?: (bg: BlueGreen) => void) {
      const bg = new BlueGreen().image(behavior)
      setup?.(bg)
      return { bg, outcome: await bg.deploy() }
    }

    it('an unhealthy target', async () => {
      const { bg, outcome } = await deployWith({ unhealthyAtWeight: percent })
      expect(outcome.result).toBe('reverted')
      expect(outcome.reason).toMatch(
        new RegExp(
          `^target 10\\.0\\.2\\.\\d+:8080 unhealthy in web-green-tg ${escape(at)}: Target\\.ResponseCodeMismatch$`
        )
      )
      expect(outcome.liveService).toBe('web-blue')
      expectReverted(bg)
    })

    it('a stopped task', async () => {
      const { bg, outcome } = await deployWith({ crashAtWeight: percent, exitCode: 137 })
      expect(outcome.result).toBe('reverted')
      expect(outcome.reason).toBe(
        `2 new tasks stopped ${at}: Essential container in task exited (exit code 137)`
      )
      expect(outcome.stoppedTasks).toHaveLength(2)
      expect(outcome.stoppedTasks[0]).toMatchObject({
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'web', exitCode: 137 }]
      })
      expect(outcome.serviceEvents.join('\n')).toMatch(/stopped 1 running tasks/)
      expectReverted(bg)
    })

    it('a running count below desired', async () => {
      // ECS lists the stopped tasks late; only the service's count tells
      const { bg, outcome } = await deployWith({ crashAtWeight: percent }, (bg) => {
        bg.aws.ecsWorld.listingLagMs = MINUTE
      })
      expect(outcome.result).toBe('reverted')
      expect(outcome.reason).toBe(`web-green is running 0 of 2 tasks ${at}`)
      expectReverted(bg)
    })
  }
)

describe('the revert write', () => {
  it('is retried with backoff until it lands, before anything else', async () => {
    const bg = new BlueGreen().image({ unhealthyAtWeight: 25 })
    bg.aws.log.fail('writeForward', {
      times: 3,
      when: (input: { forward: { targetGroups: { weight: number }[] } }) =>
        input.forward.targetGroups.some((group) => group.weight === 100)
    })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(/unhealthy in web-green-tg at step 2 \(25%\)/)
    const attempts = bg.aws.log.mutations().slice(-5)
    expect(attempts.map((call) => [call.op, call.failed])).toEqual([
      ['writeForward', true],
      ['writeForward', true],
      ['writeForward', true],
      ['writeForward', false],
      ['updateService', false]
    ])
    const gaps = attempts.slice(1, 4).map((call, i) => call.at - attempts[i]!.at)
    expect(gaps).toEqual([1000, 2000, 4000])
    expect(
      bg.record.warnings.filter((line) => /returning all traffic to web-blue-tg failed/.test(line))
    ).toHaveLength(3)
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('keeps trying for about two minutes even past the timeout, then says traffic is still split', async () => {
    const bg = new BlueGreen().image({ unhealthyAtWeight: 25 })
    bg.aws.log.fail('writeForward', {
      when: (input: { forward: { targetGroups: { weight: number }[] } }) =>
        input.forward.targetGroups.some((group) => group.weight === 100)
    })
    const outcome = await bg.deploy({ timeoutMs: 3 * MINUTE })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(
      /at step 2 \(25%\).*; then returning all traffic to web-blue failed \(writeForward: Throttling: Rate exceeded\): run the action with command: abort$/
    )
    const reverts = bg.aws.log.mutations().filter((call) => call.failed)
    const spent = reverts.at(-1)!.at - reverts[0]!.at
    expect(spent).toBeGreaterThan(90_000)
    expect(spent).toBeLessThanOrEqual(120_000)
    // the idle side keeps serving its 25%
    expect(bg.mutations()).not.toContain('updateService web-green x0')
  })
})

describe('a shift that does not land as written', () => {
  it('reverts when the route reads back other weights than written', async () => {
    const bg = new BlueGreen()
    bg.aws.log.after(
      'writeForward',
      (input: { forward: { targetGroups: { weight: number }[] } }) => {
        if (input.forward.targetGroups.some((group) => group.weight === 25)) {
          bg.aws.elbWorld.setForward(bg.routeArn, {
            targetGroups: [
              { targetGroupArn: bg.blueTg, weight: 60 },
              { targetGroupArn: bg.greenTg, weight: 40 }
            ]
          })
        }
      }
    )
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'the listener reads 60/40 instead of 75/25 during the shift to 25%; someone else is changing it'
    )
    expect(afterFailure(bg, 25)).toEqual([
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0'
    ])
  })

  it('reverts when the write itself fails', async () => {
    const bg = new BlueGreen()
    bg.aws.log.fail('writeForward', {
      times: 1,
      error: 'AccessDenied: not allowed to ModifyListener'
    })
    const outcome = await bg.deploy()
    expect(outcome.reason).toBe(
      'could not write 90/10 during the shift to 10%: AccessDenied: not allowed to ModifyListener'
    )
    expect(bg.mutations().slice(2)).toEqual([
      'writeForward web-blue-tg=90 web-green-tg=10',
      'writeForward web-blue-tg=100 web-green-tg=0',
      'updateService web-green x0'
    ])
  })
})

describe('a weight write that AWS throttles', () => {
  it('is not carried out, and is tried again only after a fresh read of the new side', async () => {
    const bg = new BlueGreen()
    let throttled = -1
    const deps: RolloutDeps = {
      ...bg.deps(),
      // as the call budget does: the write, tried once, is throttled and not carried out
      once: (work) => {
        if (throttled >= 0) return work()
        throttled = bg.aws.log.calls.length
        return Promise.reject(
          new NotCarriedOutError(
            'AWS throttled ModifyListener (Rate exceeded); it was not carried out'
          )
        )
      }
    }
    const outcome = await deploy(bg.settings(), deps)
    expect(outcome.result).toBe('promoted')
    expect(bg.record.warnings).toContain(
      'AWS throttled ModifyListener (Rate exceeded); it was not carried out; checking web-green again first'
    )
    const after = bg.aws.log.calls.slice(throttled).map((call) => call.op)
    expect(after.indexOf('describeTargetHealth')).toBeGreaterThanOrEqual(0)
    expect(after.indexOf('describeTargetHealth')).toBeLessThan(after.indexOf('writeForward'))
  })

  it('that AWS keeps throttling until the timeout reverts, naming the write', async () => {
    const bg = new BlueGreen()
    const deps: RolloutDeps = {
      ...bg.deps(),
      once: () =>
        Promise.reject(
          new NotCarriedOutError(
            'AWS throttled ModifyListener (Rate exceeded); it was not carried out'
          )
        )
    }
    const outcome = await deploy(bg.settings({ timeoutMs: 2 * MINUTE }), deps)
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      'could not write 90/10 during the shift to 10%: AWS throttled ModifyListener (Rate exceeded); it was not carried out'
    )
    // no weight ever went the new side's way; the revert writes the live side's 100 to be sure
    expect(bg.aws.weightWrites()).toEqual([{ 'web-blue-tg': 100, 'web-green-tg': 0 }])
  })
})

describe('read errors while polling', () => {
  it('are warnings and another try with backoff, not a verdict', async () => {
    const bg = new BlueGreen()
    bg.aws.log.fail('describeTargetHealth', { times: 4 })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('promoted')
    expect(bg.record.warnings.slice(0, 4)).toEqual([
      "could not read web-green's health: describeTargetHealth: Throttling: Rate exceeded; trying again in 10s",
      "could not read web-green's health: describeTargetHealth: Throttling: Rate exceeded; trying again in 20s",
      "could not read web-green's health: describeTargetHealth: Throttling: Rate exceeded; trying again in 30s",
      "could not read web-green's health: describeTargetHealth: Throttling: Rate exceeded; trying again in 30s"
    ])
  })

  it('that last until the timeout are named in the reason of the revert', async () => {
    const bg = new BlueGreen()
    let shifted = false
    bg.aws.log.after('writeForward', () => {
      shifted = true
    })
    // from the first shift until the timeout: the revert that follows reads them again
    bg.aws.log.fail('describeTargetHealth', {
      when: () => shifted && bg.clock.now() < bg.startedAt + 5 * 60_000
    })
    const outcome = await bg.deploy({ timeoutMs: 5 * 60_000 })
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toBe(
      "timed out after 5m during bake at 10% (could not read web-green's health: " +
        'describeTargetHealth: Throttling: Rate exceeded)'
    )
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 100, 'web-green-tg': 0 })
  })

  it('hold a bake until a poll succeeds after step-wait', async () => {
    const bg = new BlueGreen()
    // the health reads fail from 50s into the first bake until 100s into it
    let shiftedAt = 0
    bg.aws.log.after('writeForward', () => {
      if (!shiftedAt) shiftedAt = bg.clock.now()
    })
    bg.aws.log.fail('describeTargetHealth', {
      when: () =>
        shiftedAt > 0 &&
        bg.clock.now() - shiftedAt >= 50_000 &&
        bg.clock.now() - shiftedAt < 100_000
    })
    await bg.deploy({
      steps: [
        { kind: 'weight', percent: 10 },
        { kind: 'weight', percent: 100 }
      ]
    })
    const passed = bg.record.timeline.find((entry) => entry.event === 'bake passed at 10%')!
    expect(passed.at - shiftedAt).toBeGreaterThanOrEqual(100_000)
  })
})

function escape(text: string): string {
  return text.replace(/[()]/g, '\\$&')
}
