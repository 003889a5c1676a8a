import { BlueGreen, MINUTE } from '../support/blue-green.js'
import { MemoryEc2 } from '../support/memory-ec2.js'

function cluster(...sizes: [number, number][]): MemoryEc2 {
  const ec2 = new MemoryEc2()
  for (const [cpu, memory] of sizes) ec2.addInstance(cpu, memory)
  return ec2
}

const UNPLACED =
  /ECS could not place 2 of 2 tasks of web-green while bringing up web-green, and no capacity provider is scaling to make room: \(service web-green\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance \w+\) has insufficient CPU units available\./

describe('the capacity an EC2 release needs', () => {
  it('states what the idle side needs against what the cluster has free, in the plan and the log', async () => {
    // blue's 2 tasks (256 CPU units, 512 MiB each) take half of the first instance
    const bg = new BlueGreen({ ec2: cluster([1024, 2048], [1024, 2048]) })
    const outcome = await bg.deploy({ dryRun: true })
    expect(outcome.result).toBe('planned')
    const line =
      "capacity: web-green needs 512 CPU units and 1024 MiB (2 tasks of 256 CPU units, 512 MiB); the cluster's 2 ACTIVE container instances have 1536 CPU units and 3072 MiB free"
    expect(outcome.plan).toContain(line)
    expect(bg.record.infos).toContain(line)
    expect(bg.mutations()).toEqual([])
  })

  it('says nothing new for a Fargate service, and reads nothing of the cluster', async () => {
    const bg = new BlueGreen()
    const outcome = await bg.deploy({ dryRun: true })
    expect(outcome.plan.join('\n')).not.toMatch(/capacity/)
    expect(bg.aws.calls.map((call) => call.op)).not.toContain('activeInstances')
  })

  it('refuses a release that does not fit with ECS’s placement reason, and moves no weight', async () => {
    // blue fills the only instance: nothing is left for green
    const bg = new BlueGreen({ ec2: cluster([512, 1024]) })
    const outcome = await bg.deploy()
    expect(outcome.result).toBe('reverted')
    expect(outcome.reason).toMatch(UNPLACED)
    expect(outcome.plan).toContain(
      "capacity: web-green needs 512 CPU units and 1024 MiB (2 tasks of 256 CPU units, 512 MiB); the cluster's 1 ACTIVE container instance has 0 CPU units and 0 MiB free: short by 512 CPU units and 1024 MiB, no capacity provider of it scales, so ECS will not be able to place them all"
    )
    expect(bg.aws.weightWrites()).toEqual([])
    expect(bg.mutations()).toEqual([
      'registerTaskDefinition web',
      'updateService web-green web:42 x2',
      'updateService web-green x0'
    ])
    // failed fast, not at the timeout
    expect(bg.clock.now() - bg.startedAt).toBeLessThan(MINUTE)
  })

  it('waits while a capacity provider with managed scaling adds an instance, then promotes', async () => {
    const ec2 = cluster([512, 1024])
    ec2.managedScaling = { provider: 'web-asg', afterMs: 3 * MINUTE, cpu: 1024, memory: 2048 }
    const bg = new BlueGreen({ ec2 })
    const outcome = await bg.deploy({ stepWaitMs: MINUTE })
    expect(outcome.reason).toBeUndefined()
    expect(outcome.result).toBe('promoted')
    expect(bg.record.infos).toContain(
      'waiting for capacity: 2 of 2 tasks of web-green wait for an instance (capacity provider web-asg is scaling out)'
    )
    expect(outcome.plan.join('\n')).toMatch(
      /short by 512 CPU units and 1024 MiB, capacity provider web-asg \(managed scaling\) has to add instances/
    )
    expect(bg.aws.weights(bg.routeArn)).toEqual({ 'web-blue-tg': 0, 'web-green-tg': 100 })
  })

  it('gives up at the timeout when the capacity never comes, with nothing shifted', async () => {
    const ec2 = cluster([512, 1024])
    ec2.managedScaling = { provider: 'web-asg', afterMs: 60 * MINUTE, cpu: 1024, memory: 2048 }
    const bg = new BlueGreen({ ec2 })
    const outcome = await bg.deploy({ timeoutMs: 10 * MINUTE })
    expect(outcome.result).toBe('reverted')
    expect(bg.aws.weightWrites()).toEqual([])
  })
})
