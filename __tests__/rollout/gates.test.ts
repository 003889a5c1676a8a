import { bakeVerdict, bringUpVerdict, type GateContext } from '../../src/rollout/gates.js'
import type { IdleSnapshot } from '../../src/rollout/observe.js'
import type { DeploymentView, TargetView, TaskView } from '../../src/rollout/ports.js'

const NEW = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42'
const OLD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:41'

const gate = (where: string): GateContext => ({
  service: 'web-green',
  targetGroupName: 'web-green-tg',
  containerPort: 8080,
  taskDefinitionArn: NEW,
  where
})

function task(ip: string, extra: Partial<TaskView> = {}): TaskView {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${ip}`,
    taskDefinitionArn: NEW,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    privateIp: ip,
    containers: [{ name: 'web' }],
    ...extra
  }
}

function target(ip: string, state: string, extra: Partial<TargetView> = {}): TargetView {
  return { id: ip, port: 8080, state, ...extra }
}

function snapshot(parts: {
  tasks?: TaskView[]
  targets?: TargetView[]
  stopped?: TaskView[]
  primary?: Partial<DeploymentView>
  running?: number
}): IdleSnapshot {
  const tasks = parts.tasks ?? [task('10.0.2.10'), task('10.0.2.11')]
  const primary: DeploymentView = {
    id: 'ecs-svc/1',
    status: 'PRIMARY',
    taskDefinitionArn: NEW,
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'COMPLETED',
    createdAt: 0,
    updatedAt: 0,
    ...parts.primary
  }
  return {
    at: 0,
    service: {
      name: 'web-green',
      arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web-green',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: parts.running ?? 2,
      pendingCount: 0,
      taskDefinitionArn: primary.taskDefinitionArn,
      loadBalancers: [],
      deployments: [primary],
      events: []
    },
    primary,
    tasks,
    targets: parts.targets ?? tasks.map((entry) => target(entry.privateIp!, 'healthy')),
    stopped: parts.stopped ?? [],
    interrupted: []
  }
}

const bringUp = gate('while bringing up web-green')
const bake = gate('at step 2 (25%)')

describe('bring-up gate', () => {
  it('is ready when every new task runs and is healthy and the deployment completed', () => {
    expect(bringUpVerdict(snapshot({}), bringUp)).toEqual({ kind: 'ready' })
  })

  it('is ready without a rollout state (services without the ECS deployment controller)', () => {
    expect(bringUpVerdict(snapshot({ primary: { rolloutState: undefined } }), bringUp).kind).toBe(
      'ready'
    )
  })

  it('waits while ECS is still rolling, while a target is in its first checks, or tasks are missing', () => {
    expect(
      bringUpVerdict(snapshot({ primary: { rolloutState: 'IN_PROGRESS' } }), bringUp).kind
    ).toBe('waiting')
    const initial = snapshot({
      targets: [target('10.0.2.10', 'healthy'), target('10.0.2.11', 'initial')]
    })
    expect(bringUpVerdict(initial, bringUp).kind).toBe('waiting')
    expect(bringUpVerdict(snapshot({ tasks: [task('10.0.2.10')], running: 1 }), bringUp).kind).toBe(
      'waiting'
    )
  })

  it('does not count a target on another port as the task’s', () => {
    const elsewhere = snapshot({
      targets: [target('10.0.2.10', 'healthy'), target('10.0.2.11', 'healthy', { port: 9090 })]
    })
    expect(bringUpVerdict(elsewhere, bringUp).kind).toBe('waiting')
  })

  it('fails when ECS marks the deployment failed', () => {
    const verdict = bringUpVerdict(
      snapshot({
        primary: {
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: 3 tasks failed to start.'
        }
      }),
      bringUp
    )
    expect(verdict).toEqual({
      kind: 'failed',
      reason:
        'ECS marked the deployment on web-green failed while bringing up web-green: ECS deployment circuit breaker: 3 tasks failed to start.',
      stoppedTasks: []
    })
  })

  it('fails when someone else deployed another revision to the idle service', () => {
    const verdict = bringUpVerdict(snapshot({ primary: { taskDefinitionArn: OLD } }), bringUp)
    expect(verdict).toMatchObject({
      reason: 'web-green was changed to web:41 by someone else while bringing up web-green'
    })
  })

  it('reports every distinct stop cause, with exit codes', () => {
    const verdict = bringUpVerdict(
      snapshot({
        stopped: [
          task('10.0.2.10', {
            stoppedReason: 'Essential container in task exited',
            containers: [{ name: 'web', exitCode: 1 }]
          }),
          task('10.0.2.11', { stopCode: 'TaskFailedToStart', containers: [{ name: 'web' }] }),
          task('10.0.2.12', {
            stoppedReason: 'Essential container in task exited',
            containers: [{ name: 'web', exitCode: 1 }]
          })
        ]
      }),
      bringUp
    )
    expect(verdict).toMatchObject({
      kind: 'failed',
      reason:
        '3 new tasks stopped while bringing up web-green: Essential container in task exited (exit code 1); TaskFailedToStart'
    })
    expect(verdict.kind === 'failed' && verdict.stoppedTasks).toHaveLength(3)
  })
})

describe('bake gate', () => {
  it('holds while everything stays healthy', () => {
    expect(bakeVerdict(snapshot({}), bake)).toEqual({ kind: 'ready' })
  })

  it('fails on any new task’s target that is not healthy, with its state and reason', () => {
    const draining = snapshot({
      targets: [
        target('10.0.2.10', 'healthy'),
        target('10.0.2.11', 'draining', { reason: 'Target.DeregistrationInProgress' })
      ]
    })
    expect(bakeVerdict(draining, bake)).toMatchObject({
      reason:
        'target 10.0.2.11:8080 draining in web-green-tg at step 2 (25%): Target.DeregistrationInProgress'
    })
    const gone = snapshot({ targets: [target('10.0.2.10', 'healthy')] })
    expect(bakeVerdict(gone, bake)).toMatchObject({
      reason: 'target 10.0.2.11:8080 not registered in web-green-tg at step 2 (25%)'
    })
  })

  it('waits for a replacement ECS starts before stopping the task it replaces (a drained instance)', () => {
    // minimum healthy 100%: the task on the draining instance runs until its replacement serves
    const three = [task('10.0.2.10'), task('10.0.2.11'), task('10.0.2.12')]
    const replacing = snapshot({
      tasks: three,
      running: 3,
      targets: [
        target('10.0.2.10', 'healthy'),
        target('10.0.2.11', 'healthy'),
        target('10.0.2.12', 'initial', { reason: 'Elb.RegistrationInProgress' })
      ]
    })
    expect(bakeVerdict(replacing, bake)).toEqual({ kind: 'waiting' })
    // the surplus covers the replacement only: two of three not serving is a failure
    const twoDown = snapshot({
      tasks: three,
      running: 3,
      targets: [
        target('10.0.2.10', 'healthy'),
        target('10.0.2.11', 'initial'),
        target('10.0.2.12', 'initial')
      ]
    })
    expect(bakeVerdict(twoDown, bake)).toMatchObject({
      kind: 'failed',
      reason: 'target 10.0.2.12:8080 initial in web-green-tg at step 2 (25%)'
    })
  })

  it('fails when fewer tasks run than desired', () => {
    expect(bakeVerdict(snapshot({ running: 1 }), bake)).toMatchObject({
      reason: 'web-green is running 1 of 2 tasks at step 2 (25%)'
    })
  })
})
