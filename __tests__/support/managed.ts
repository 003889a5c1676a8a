import { deployManaged, runManaged, type ManagedDeps } from '../../src/rollout/managed/engine.js'
import type { ManagedState } from '../../src/rollout/managed/state.js'
import type { AlarmView, LockPort, MetricsPort, TagPort } from '../../src/rollout/ports.js'
import {
  deployManagedWithState,
  type ManagedDurableDeps
} from '../../src/rollout/managed/keeper.js'
import type { RolloutOutcome, Settings } from '../../src/rollout/settings.js'
import { FakeClock } from './fake-clock.js'
import { MemoryServiceDeployments, type ManagedConfig } from './memory-service-deployments.js'
import { recorder, type Recorder } from './recorder.js'

export const MINUTE = 60_000

/** One service that ECS deploys itself, the engine's deps around it, and what it reported. */
export class ManagedWorld {
  readonly clock = new FakeClock()
  readonly ecs: MemoryServiceDeployments
  readonly record: Recorder = recorder()
  readonly controller = new AbortController()
  readonly states: ManagedState[] = []
  alarms: AlarmView[] = []

  constructor(config: Partial<ManagedConfig> = {}) {
    this.ecs = new MemoryServiceDeployments(this.clock, {
      strategy: 'BLUE_GREEN',
      bakeMs: 5 * MINUTE,
      hooks: [],
      ...config
    })
  }

  settings(overrides: Partial<Settings> = {}): Settings {
    return {
      command: 'deploy',
      cluster: 'prod',
      services: ['web', 'web'],
      routeArn: '',
      routeKind: 'rule',
      release: { image: 'web:2', environment: [] },
      steps: [],
      stepWaitMs: MINUTE,
      timeoutMs: 60 * MINUTE,
      scaleDownDelayMs: undefined,
      pollIntervalMs: 5000,
      dryRun: false,
      githubToken: '',
      managed: { service: 'web', stepsGiven: false },
      ...overrides
    }
  }

  deps(): ManagedDeps {
    const { ecs, elb } = this.ecs.ports()
    const metrics: MetricsPort = {
      sideFigures: () => Promise.resolve({}),
      describeAlarms: (names) =>
        Promise.resolve(this.alarms.filter((alarm) => names.includes(alarm.name)))
    }
    return {
      ecs,
      elb,
      metrics,
      clock: this.clock,
      observer: this.record.observer,
      signal: this.controller.signal,
      deployments: this.ecs,
      onManagedState: (state) => {
        this.states.push(structuredClone(state))
      }
    }
  }

  deploy(overrides: Partial<Settings> = {}): Promise<RolloutOutcome> {
    return deployManaged(this.settings(overrides), this.deps())
  }

  resume(state: ManagedState, overrides: Partial<Settings> = {}): Promise<RolloutOutcome> {
    return runManaged(state, this.settings(overrides), this.deps())
  }
}

/** The production rule's tags and the listener's lock rule, in memory, logging writes in order. */
export class MemoryTagsAndLock implements TagPort, LockPort {
  readonly tags = new Map<string, Record<string, string>>()
  readonly rules = new Map<
    string,
    { arn: string; priority: number; tags: Record<string, string> }
  >()
  constructor(private readonly calls: string[]) {}

  readTags(arn: string): Promise<Record<string, string>> {
    return Promise.resolve({ ...(this.tags.get(arn) ?? {}) })
  }
  writeTags(arn: string, tags: Record<string, string>): Promise<void> {
    const phase = tags['ecs-blue-green:managed-phase']
    this.calls.push(phase ? `AddTags ${phase}` : 'AddTags')
    this.tags.set(arn, { ...(this.tags.get(arn) ?? {}), ...tags })
    return Promise.resolve()
  }
  removeTags(arn: string, keys: string[]): Promise<void> {
    const kept = { ...(this.tags.get(arn) ?? {}) }
    for (const key of keys) delete kept[key]
    this.tags.set(arn, kept)
    return Promise.resolve()
  }
  createLockRule(listenerArn: string, priority: number, tags: Record<string, string>) {
    const key = `${listenerArn}#${priority}`
    if (this.rules.has(key)) return Promise.resolve({ kind: 'taken' as const })
    this.calls.push('CreateRule lock')
    const rule = { arn: `${listenerArn}/lock-${this.rules.size + 1}`, priority, tags }
    this.rules.set(key, rule)
    return Promise.resolve({ kind: 'created' as const, rule: { arn: rule.arn, tags } })
  }
  ruleAt(listenerArn: string, priority: number) {
    const rule = this.rules.get(`${listenerArn}#${priority}`)
    return Promise.resolve(rule ? { arn: rule.arn, tags: rule.tags } : undefined)
  }
  deleteLockRule(ruleArn: string): Promise<boolean> {
    for (const [key, rule] of this.rules) {
      if (rule.arn !== ruleArn) continue
      this.calls.push('DeleteRule lock')
      this.rules.delete(key)
      return Promise.resolve(true)
    }
    return Promise.resolve(false)
  }
  readWithLock(): Promise<{ route: Record<string, string> }> {
    return Promise.reject(new Error('not used by the managed mode'))
  }
}

/** A world whose deploys keep their record and lock, as runner `token`. */
export function durableDeps(
  world: ManagedWorld,
  store: MemoryTagsAndLock,
  token: string
): ManagedDurableDeps {
  return { ...world.deps(), tags: store, lock: store, owner: { token } }
}

/**
 * run-1 deploys on a world of its own and its process dies `afterMs` in (its last sleep never
 * returns), leaving its lock and record as they were.
 */
export async function diesAfter(
  afterMs: number,
  bakeMs: number,
  overrides: Partial<Settings> = {}
): Promise<{ world: ManagedWorld; store: MemoryTagsAndLock; startedAt: number }> {
  const world = new ManagedWorld({ bakeMs })
  const store = new MemoryTagsAndLock(world.ecs.calls)
  const startedAt = world.clock.now()
  const stalled = world.clock.stallAt(startedAt + afterMs)
  void deployManagedWithState(world.settings(overrides), durableDeps(world, store, 'run-1'))
  await stalled
  return { world, store, startedAt }
}
