import { deployManaged, runManaged, type ManagedDeps } from '../../src/rollout/managed/engine.js'
import type { ManagedState } from '../../src/rollout/managed/state.js'
import type { MetricsPort, AlarmView } from '../../src/rollout/ports.js'
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
