import { bringUpVerdict, type GateContext } from '../../src/rollout/gates.js'
import type { IdleSnapshot } from '../../src/rollout/observe.js'
import type { TargetView, TaskView } from '../../src/rollout/ports.js'
import { targetOf } from '../../src/rollout/targets.js'
import { BlueGreen, MINUTE } from '../support/blue-green.js'
import { MemoryEc2 } from '../support/memory-ec2.js'

const RELEASE = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:42'

function cluster(...sizes: [number, number][]): MemoryEc2 {
  const ec2 = new MemoryEc2()
  for (const [cpu, memory] of sizes) ec2.addInstance(cpu, memory)
  return ec2
}

describe('EC2 services in bridge mode on instance target groups', () => {
  it('passes the gate with tasks registered as instance:host-port, and promotes', async () => {
    const bg = new BlueGreen({ ec2: cluster([1024, 2048], [1024, 2048]) })
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })
    expect(outcome.result).toBe('promoted')
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
    const targets = bg.aws.elbWorld
      .describeTargetHealth(bg.greenTg)
      .filter((target) => target.state === 'healthy')
    expect(targets).toHaveLength(2)
    for (const target of targets) {
      expect(target.id).toMatch(/^i-0[0-9a-f]+$/)
      expect(target.port).toBeGreaterThanOrEqual(32768)
      expect(target.port).toBeLessThanOrEqual(60999)
    }
    // both on one instance (first fit), told apart by their host ports
    expect(new Set(targets.map((target) => target.id)).size).toBe(1)
    expect(new Set(targets.map((target) => target.port)).size).toBe(2)
  })

  it('is not failed by a new task stopped as its instance drains: ECS replaces it elsewhere', async () => {
    // first fit: blue fills the first instance, green gets one task on the second and one on
    // the third, which has room for the replacement
    const ec2 = cluster([512, 1024], [256, 512], [1024, 2048])
    const bg = new BlueGreen({ ec2 })
    let drained: string[] = []
    let done = false
    bg.aws.log.after('writeForward', () => {
      if (done) return
      done = true
      const [second] = ec2.activeInstances().slice(1)
      drained = bg.aws.ecsWorld.drainInstance(second!.instanceId)
    })
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })
    expect(drained).toHaveLength(1)
    expect(outcome.result).toBe('promoted')
    expect(outcome.interruptedTasks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^task \S+ of web-green was stopped by its container instance draining \(Task stopped during instance draining\)/
        )
      ])
    )
  })
})

describe('matching a task to its target', () => {
  const gate: GateContext = {
    service: 'web-green',
    targetGroupName: 'web-green-tg',
    containerPort: 8080,
    taskDefinitionArn: RELEASE,
    where: 'while bringing up web-green'
  }
  const task = (id: string, hostPort: number): TaskView => ({
    arn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
    taskDefinitionArn: RELEASE,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    instanceId: 'i-0aaa',
    hostPorts: [{ containerName: 'web', containerPort: 8080, hostPort }],
    containers: [{ name: 'web' }]
  })
  const snapshot = (targets: TargetView[]): IdleSnapshot => ({
    at: 0,
    service: {
      name: 'web-green',
      arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web-green',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0,
      taskDefinitionArn: RELEASE,
      loadBalancers: [],
      deployments: [],
      events: []
    },
    tasks: [task('a', 32768), task('b', 32769)],
    targets,
    stopped: [],
    interrupted: []
  })

  it.each([
    [32768, 32769],
    [32769, 32768]
  ])(
    'tells two tasks on one instance apart by host port (port %d healthy, %d unhealthy)',
    (healthy, unhealthy) => {
      const verdict = bringUpVerdict(
        snapshot([
          { id: 'i-0aaa', port: healthy, state: 'healthy' },
          { id: 'i-0aaa', port: unhealthy, state: 'unhealthy', reason: 'Target.Timeout' }
        ]),
        gate
      )
      expect(verdict).toEqual({
        kind: 'failed',
        reason: `target i-0aaa:${unhealthy} unhealthy in web-green-tg while bringing up web-green: Target.Timeout`,
        stoppedTasks: []
      })
    }
  )

  it('is ready only when each task has its own healthy target', () => {
    const one = snapshot([{ id: 'i-0aaa', port: 32768, state: 'healthy' }])
    expect(bringUpVerdict(one, gate)).toEqual({ kind: 'waiting' })
    const both = snapshot([
      { id: 'i-0aaa', port: 32768, state: 'healthy' },
      { id: 'i-0aaa', port: 32769, state: 'healthy' }
    ])
    expect(bringUpVerdict(both, gate)).toEqual({ kind: 'ready' })
  })

  it('matches a host-mode task by its instance and the container port it publishes as is', () => {
    const host = { ...task('h', 8080) }
    const targets: TargetView[] = [
      { id: 'i-0bbb', port: 8080, state: 'healthy' },
      { id: 'i-0aaa', port: 8080, state: 'unhealthy' }
    ]
    expect(targetOf(host, targets, gate)?.state).toBe('unhealthy')
  })

  it('matches an awsvpc task on EC2 by its address, though it has an instance too', () => {
    const awsvpc: TaskView = {
      ...task('v', 0),
      hostPorts: undefined,
      privateIp: '10.0.3.7'
    }
    const targets: TargetView[] = [
      { id: 'i-0aaa', port: 8080, state: 'unhealthy' },
      { id: '10.0.3.7', port: 8080, state: 'healthy' }
    ]
    expect(targetOf(awsvpc, targets, gate)?.state).toBe('healthy')
  })
})
