import type { TimelineEntry } from '../../src/rollout/ports.js'
import type { RolloutOutcome, Settings } from '../../src/rollout/settings.js'

export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0)

export const REVISION = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42'
export const PREVIOUS = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:41'
export const TG_BLUE =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-blue/0123456789abcdef'
export const TG_GREEN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-green/fedcba9876543210'
export const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2'

export function settings(over: Partial<Settings> = {}): Settings {
  return {
    command: 'deploy',
    cluster: 'prod',
    services: ['web-blue', 'web-green'],
    routeArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/abc/def',
    routeKind: 'listener',
    release: { image: IMAGE, environment: [] },
    steps: [
      { kind: 'weight', percent: 10 },
      { kind: 'weight', percent: 50 },
      { kind: 'weight', percent: 100 }
    ],
    stepWaitMs: 60_000,
    timeoutMs: 30 * 60_000,
    scaleDownDelayMs: undefined,
    pollIntervalMs: 5_000,
    dryRun: false,
    githubToken: 'token',
    ...over
  }
}

export function entry(
  seconds: number,
  event: string,
  idleWeight: number,
  idleHealthy = 2
): TimelineEntry {
  return {
    at: T0 + seconds * 1000,
    event,
    liveWeight: 100 - idleWeight,
    idleWeight,
    live: { healthy: 2, total: 2 },
    idle: { healthy: idleHealthy, total: 2 }
  }
}

/** web-blue was live; web-green got web:42 and all the traffic. */
export const promotedTimeline: TimelineEntry[] = [
  entry(0, 'idle side scaling up', 0, 0),
  entry(40, 'idle side healthy', 0),
  entry(41, 'shifted to 10%', 10),
  entry(101, 'shifted to 50%', 50),
  entry(162, 'shifted to 100%', 100),
  entry(223, 'promoted', 100)
]

export function promoted(over: Partial<RolloutOutcome> = {}): RolloutOutcome {
  return {
    result: 'promoted',
    taskDefinitionArn: REVISION,
    previousTaskDefinitionArn: PREVIOUS,
    liveService: 'web-green',
    idleService: 'web-blue',
    liveTargetGroupArn: TG_GREEN,
    idleTargetGroupArn: TG_BLUE,
    image: IMAGE,
    stoppedTasks: [],
    serviceEvents: [],
    plan: [
      'scale web-green up to 2 tasks of web:42',
      'shift 10%, 50%, 100% of the traffic to web-green, baking 1m at each'
    ],
    scaleDown: 'web-blue is scaled to 0 in 5m',
    ...over
  }
}

/** web-green got web:42, its tasks crashed at 10%, the traffic went back to web-blue. */
export const revertedTimeline: TimelineEntry[] = [
  entry(0, 'idle side scaling up', 0, 0),
  entry(35, 'idle side healthy', 0),
  entry(36, 'shifted to 10%', 10),
  entry(58, 'idle side unhealthy: 1 of 2 healthy', 10, 1),
  entry(59, 'reverted', 0, 1)
]

export function reverted(over: Partial<RolloutOutcome> = {}): RolloutOutcome {
  return promoted({
    result: 'reverted',
    reason: 'tasks of web-green stopped while at 10%',
    liveService: 'web-blue',
    idleService: 'web-green',
    liveTargetGroupArn: TG_BLUE,
    idleTargetGroupArn: TG_GREEN,
    scaleDown: undefined,
    stoppedTasks: [
      {
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0a1b2c3d4e',
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed' }]
      },
      {
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/5f6a7b8c9d',
        stoppedReason: 'Task failed ELB health checks in (target-group tg-green)',
        stopCode: 'ServiceSchedulerInitiated',
        containers: [{ name: 'app', exitCode: 143 }, { name: 'log-router' }]
      }
    ],
    serviceEvents: [
      '(service web-green) has started 1 tasks: (task 5f6a7b8c9d).',
      '(service web-green) deregistered 1 targets in (target-group tg-green)'
    ],
    ...over
  })
}
