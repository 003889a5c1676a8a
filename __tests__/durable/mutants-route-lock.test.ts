/**
 * The route's lock (route-lock.ts) on its own, for the mutants Stryker left alive there
 * (`npm run mutate`, see the README): who may take it, who it names, what it never touches.
 */
import { RolloutLockedError, TopologyError } from '../../src/rollout/errors.js'
import type { LockPort } from '../../src/rollout/ports.js'
import type { RolloutRecord } from '../../src/rollout/durable/record.js'
import { RouteLock, lockPriority } from '../../src/rollout/durable/route-lock.js'
import { listenerOf } from '../../src/rollout/discover.js'
import type { StoredState } from '../../src/rollout/durable/store.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'

const STALE_AFTER = 10 * MINUTE
const NONE: StoredState = { kind: 'none', tags: {} }

function owner(token: string) {
  const runId = token.replace(/\D/g, '')
  return { token, runId, runUrl: `https://github.com/acme/web/actions/runs/${runId}` }
}

function world() {
  const bg = new BlueGreen()
  const settings = bg.settings({ staleAfterMs: STALE_AFTER })
  const listener = listenerOf(bg.routeArn)
  const priority = lockPriority({ routeArn: bg.routeArn })
  const lock = (token = 'runner-1', port: LockPort = bg.aws.lock) =>
    new RouteLock(port, settings, owner(token), bg.clock)
  /** a rule at the lock's priority, as another run (or the user) left it */
  const plant = (tags: Record<string, string>) =>
    bg.aws.elbWorld.createRule(listener, priority, tags)
  const lockTags = (token: string, claimedAgoMs: number, extra: Record<string, string> = {}) => ({
    'ecs-blue-green:lock': bg.routeArn,
    'ecs-blue-green:owner': token,
    'ecs-blue-green:claimed': new Date(bg.clock.now() - claimedAgoMs).toISOString(),
    'ecs-blue-green:purpose': 'rollout',
    'ecs-blue-green:run-id': token.replace(/\D/g, ''),
    'ecs-blue-green:run-url': owner(token).runUrl,
    ...extra
  })
  const ruleNow = () => bg.aws.elbWorld.ruleAt(listener, priority)
  const ops = () => bg.aws.log.calls.map((call) => call.op)
  /** a record of `token`'s rollout, its last heartbeat `silentMs` ago */
  const recordOf = (token: string, silentMs: number): StoredState => ({
    kind: 'record',
    tags: {},
    record: {
      rolloutId: 'r-1',
      kind: 'deploy',
      phase: 'shift',
      cluster: 'prod',
      live: { service: 'web-blue', targetGroupArn: bg.blueTg },
      idle: { service: 'web-green', targetGroupArn: bg.greenTg },
      previousRevision: bg.liveRevision,
      steps: [],
      changed: 'traffic',
      startedAt: bg.clock.now() - 20 * MINUTE,
      scaleDownDelayMs: null,
      owner: owner(token),
      heartbeatAt: bg.clock.now() - silentMs
    } as unknown as RolloutRecord
  })
  return { bg, lock, plant, lockTags, ruleNow, ops, recordOf }
}

describe('acquire', () => {
  it('a free lock costs one CreateRule and nothing else', async () => {
    const w = world()
    const mine = w.lock()
    await mine.acquire(NONE)
    expect(w.ops()).toEqual(['createLockRule'])
    expect(mine.arn).toBe(w.ruleNow()?.arn)
    expect(w.ruleNow()?.tags['ecs-blue-green:purpose']).toBe('rollout')
  })

  it('a CreateRule whose first attempt landed and whose retry was refused is this run’s: kept, not deleted', async () => {
    const w = world()
    // as an SDK retry sees it: the first attempt created the rule, the retry finds the priority taken
    const port: LockPort = {
      ...w.bg.aws.lock,
      createLockRule: async (...args) => {
        await w.bg.aws.lock.createLockRule(...args)
        return { kind: 'taken' }
      }
    }
    const mine = w.lock('runner-1', port)
    await mine.acquire(NONE)
    expect(mine.arn).toBe(w.ruleNow()?.arn)
    expect(w.ops()).not.toContain('deleteLockRule')
  })

  it('a CreateRule whose answer was lost but which landed is this run’s, with one look and no delete', async () => {
    const w = world()
    w.bg.aws.log.fail('createLockRule', { times: 1, applyThenFail: true })
    const mine = w.lock()
    await mine.acquire(NONE)
    expect(mine.arn).toBe(w.ruleNow()?.arn)
    expect(w.ops()).toEqual(['createLockRule', 'ruleAt'])
  })

  it('a CreateRule that failed while another run holds the lock does not make that lock this run’s', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 30_000))
    w.bg.aws.log.fail('createLockRule', { times: 1 })
    const mine = w.lock()
    await expect(mine.acquire(NONE)).rejects.toThrow(RolloutLockedError)
    expect(mine.arn).toBeUndefined()
    expect(w.ruleNow()?.tags['ecs-blue-green:owner']).toBe('runner-2')
  })

  it('a CreateRule that failed and did not land fails the acquire with its own error', async () => {
    const w = world()
    w.bg.aws.log.fail('createLockRule', { error: 'AccessDenied: elasticloadbalancing:CreateRule' })
    const mine = w.lock()
    await expect(mine.acquire(NONE)).rejects.toThrow(/AccessDenied/)
    expect(mine.arn).toBeUndefined()
  })

  it('a lock that was given up between the refused create and the look is simply taken', async () => {
    const w = world()
    const planted = w.plant(w.lockTags('runner-2', 30_000))
    let gone = false
    w.bg.aws.log.after('createLockRule', () => {
      if (gone) return
      gone = true
      w.bg.aws.elbWorld.deleteRule(planted.arn)
    })
    const mine = w.lock()
    await mine.acquire(NONE)
    expect(mine.arn).toBe(w.ruleNow()?.arn)
    expect(w.ruleNow()?.tags['ecs-blue-green:owner']).toBe('runner-1')
  })

  it('refuses a holder whose record shows it alive, in the record’s words', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 20 * MINUTE))
    const mine = w.lock()
    await expect(mine.acquire(w.recordOf('runner-2', 2 * MINUTE))).rejects.toThrow(
      /another rollout is in progress on .*: run 2 \(https:\/\/github.com\/acme\/web\/actions\/runs\/2\) is shifting traffic to web-green \(last heartbeat 2m ago\)/
    )
    expect(w.ruleNow()?.tags['ecs-blue-green:owner']).toBe('runner-2')
  })

  it('takes the lock of a holder whose record went silent, even one that claimed the lock just now', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 1000))
    const mine = w.lock()
    await mine.acquire(w.recordOf('runner-2', 11 * MINUTE))
    expect(w.ruleNow()?.tags['ecs-blue-green:owner']).toBe('runner-1')
  })

  it('a holder the record is not about is judged by its claim: refused while new, naming it and how long ago', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 90_000))
    const mine = w.lock()
    await expect(mine.acquire(w.recordOf('runner-3', 20 * MINUTE))).rejects.toThrow(
      'another rollout is starting on ' +
        `${w.bg.routeArn}: run 2 (https://github.com/acme/web/actions/runs/2) took its lock ` +
        '1m30s ago; wait for it to finish, or run the action with command: abort to stop it'
    )
  })

  it('a holder with no record, claimed long ago, is silent: its lock is taken', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 11 * MINUTE))
    const mine = w.lock()
    await mine.acquire(NONE)
    expect(w.ruleNow()?.tags['ecs-blue-green:owner']).toBe('runner-1')
  })

  it('a holder claimed exactly stale-after ago is silent', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', STALE_AFTER))
    await w.lock().acquire(NONE)
    expect(w.ruleNow()?.tags['ecs-blue-green:owner']).toBe('runner-1')
  })

  it('a lock rule that names no owner is “another run”', async () => {
    const w = world()
    const tags: Record<string, string> = w.lockTags('runner-2', 1000)
    delete tags['ecs-blue-green:owner']
    w.plant(tags)
    await expect(w.lock().acquire(NONE)).rejects.toThrow(
      /another rollout is starting on .*: another run took its lock 1s ago/
    )
  })

  it('never touches the lock of another route at that priority, and says whose it is', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 11 * MINUTE, { 'ecs-blue-green:lock': 'arn:other-route' }))
    const error = await w
      .lock()
      .acquire(NONE)
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(TopologyError)
    expect((error as Error).message).toMatch(
      /is held by .*, the lock of another route \(arn:other-route\); set the input lock-priority to a priority \(1-50000\) that no rule of the listener uses\. Nothing was changed$/
    )
    expect(w.ops()).not.toContain('deleteLockRule')
  })

  it('gives up after three tries when the lock keeps changing hands', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 11 * MINUTE))
    // each silent holder it deletes is replaced at once by another silent one
    w.bg.aws.log.after('deleteLockRule', () => {
      w.plant(w.lockTags('runner-9', 11 * MINUTE))
    })
    await expect(w.lock().acquire(NONE)).rejects.toThrow(
      /^the lock of .* changed hands while this run was starting; run it again$/
    )
    expect(w.ops().filter((op) => op === 'createLockRule')).toHaveLength(3)
  })
})

describe('holder', () => {
  it('names the run holding the lock, and its purpose', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 1000))
    expect(await w.lock().holder()).toEqual({ owner: owner('runner-2'), purpose: 'rollout' })
  })

  it('an abort’s lock is an abort', async () => {
    const w = world()
    w.plant(w.lockTags('runner-2', 1000, { 'ecs-blue-green:purpose': 'abort' }))
    expect((await w.lock().holder())?.purpose).toBe('abort')
  })

  it('looks once more a second later, for a forced taker between its delete and its create', async () => {
    const w = world()
    const start = w.bg.clock.now()
    w.bg.clock.at(start + 500, () => {
      w.plant(w.lockTags('runner-2', 0))
    })
    expect((await w.lock().holder())?.owner.token).toBe('runner-2')
  })

  it('finds no one after four looks a second apart when the lock stays free', async () => {
    const w = world()
    const start = w.bg.clock.now()
    expect(await w.lock().holder()).toBeUndefined()
    expect(w.ops()).toEqual(['ruleAt', 'ruleAt', 'ruleAt', 'ruleAt'])
    expect(w.bg.clock.now() - start).toBe(3000)
  })

  it('a rule there that is not this route’s lock, or names no owner, is no holder', async () => {
    const w = world()
    const other = w.plant(
      w.lockTags('runner-2', 1000, { 'ecs-blue-green:lock': 'arn:other-route' })
    )
    expect(await w.lock().holder()).toBeUndefined()
    w.bg.aws.elbWorld.deleteRule(other.arn)
    const tags: Record<string, string> = w.lockTags('runner-2', 1000)
    delete tags['ecs-blue-green:owner']
    w.plant(tags)
    expect(await w.lock().holder()).toBeUndefined()
  })
})

describe('release and the lock’s tags', () => {
  it('a lock never taken is released without a call', async () => {
    const w = world()
    await w.lock().release()
    expect(w.ops()).toEqual([])
  })

  it('tags the run’s URL when it fits a tag (256 characters), not when it does not', async () => {
    const w = world()
    const long = (length: number) => {
      const base = 'https://github.com/acme/web/actions/runs/'
      return base + '1'.repeat(length - base.length)
    }
    const at256 = new RouteLock(
      w.bg.aws.lock,
      w.bg.settings(),
      { token: 'runner-1', runId: '1', runUrl: long(256) },
      w.bg.clock
    )
    await at256.acquire(NONE)
    expect(w.ruleNow()?.tags['ecs-blue-green:run-url']).toBe(long(256))
    await at256.release()
    await new RouteLock(
      w.bg.aws.lock,
      w.bg.settings(),
      { token: 'runner-1', runId: '1', runUrl: long(257) },
      w.bg.clock
    ).acquire(NONE)
    expect(w.ruleNow()?.tags).not.toHaveProperty('ecs-blue-green:run-url')
  })

  it('takes the lock with a run URL or run id a tag cannot hold, leaving just those out', async () => {
    // a GitHub Enterprise URL with a character outside ELBv2's tag set (`~`), a run id from an
    // environment that is not GitHub's: CreateRule would refuse either, and with it the lock
    const w = world()
    const lock = new RouteLock(
      w.bg.aws.lock,
      w.bg.settings(),
      {
        token: 'runner-1',
        runId: 'local run #7',
        runUrl: 'https://ghe.example.com/~acme/web/actions/runs/7'
      },
      w.bg.clock
    )
    await lock.acquire(NONE)
    expect(w.ruleNow()?.tags).toMatchObject({ 'ecs-blue-green:owner': 'runner-1' })
    expect(w.ruleNow()?.tags).not.toHaveProperty('ecs-blue-green:run-url')
    expect(w.ruleNow()?.tags).not.toHaveProperty('ecs-blue-green:run-id')
  })
})
