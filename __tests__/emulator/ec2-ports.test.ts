import { describe, expect, it } from '@jest/globals'
import { modelWorld, type Json } from './model-fixture.js'
import {
  ec2Cluster,
  ec2Service,
  instanceGroup,
  liveTasks,
  registerApi,
  startInstances
} from './ec2-fixture.js'

const hostPorts = (tasks: Json[]): number[] =>
  tasks.map((t: Json) => t.containers[0].networkBindings[0].hostPort as number)

describe('ECS on EC2: host ports', () => {
  it('two bridge tasks on one instance get distinct ephemeral ports, registered as instance targets that turn healthy', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const [instance] = startInstances(w, 1)
    const group = instanceGroup(w)
    ec2Service(w, 'api', registerApi(w), 2, {
      loadBalancers: [{ targetGroupArn: group, containerName: 'api', containerPort: 8080 }]
    })
    w.run(1)
    const tasks = liveTasks(w, 'api')
    const ports = hostPorts(tasks)
    expect(new Set(ports).size).toBe(2)
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(32768)
      expect(port).toBeLessThanOrEqual(60999)
    }
    expect(tasks[0].containers[0].networkBindings[0]).toMatchObject({
      bindIP: '0.0.0.0',
      containerPort: 8080,
      protocol: 'tcp'
    })
    expect(tasks[0].attachments).toEqual([])
    w.runUntil(() => {
      const health = w.elb('DescribeTargetHealth', { TargetGroupArn: group })
        .TargetHealthDescriptions as Json[]
      return health.length === 2 && health.every((h: Json) => h.TargetHealth.State === 'healthy')
    }, 120)
    const targets = (
      w.elb('DescribeTargetHealth', { TargetGroupArn: group }).TargetHealthDescriptions as Json[]
    ).map((h: Json) => `${h.Target.Id}:${h.Target.Port}`)
    expect(targets.sort()).toEqual(ports.map((p) => `${instance}:${p}`).sort())
    const described = w.ecs('DescribeContainerInstances', {
      cluster: 'c',
      containerInstances: [tasks[0].containerInstanceArn]
    }).containerInstances[0]
    expect(described.runningTasksCount).toBe(2)
    const remaining = Object.fromEntries(
      described.remainingResources.map((r: Json) => [r.name, r.integerValue ?? r.stringSetValue])
    )
    expect(remaining.CPU).toBe(2048 - 2 * 256)
    expect(remaining.MEMORY).toBe(4096 - 2 * 512)
  })

  it('host mode binds the container port: a second task on the same instance conflicts', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1)
    ec2Service(w, 'api', registerApi(w, { networkMode: 'host' }), 2)
    w.run(2)
    const tasks = liveTasks(w, 'api')
    expect(hostPorts(tasks)).toEqual([8080])
    const events = (
      w.ecs('DescribeServices', { cluster: 'c', services: ['api'] }).services[0].events as Json[]
    ).map((e: Json) => e.message)
    expect(
      events.some((m: string) => m.includes('is already using a port required by your task'))
    ).toBe(true)
    const described = w.ecs('DescribeContainerInstances', {
      cluster: 'c',
      containerInstances: [tasks[0].containerInstanceArn]
    }).containerInstances[0]
    const ports = described.remainingResources.find((r: Json) => r.name === 'PORTS').stringSetValue
    expect(ports).toContain('8080')
  })

  it('a fixed bridge host port conflicts as host mode does; a second instance takes the task', () => {
    const w = modelWorld()
    ec2Cluster(w)
    startInstances(w, 1)
    ec2Service(w, 'api', registerApi(w, { hostPort: 80 }), 2)
    w.run(2)
    expect(liveTasks(w, 'api')).toHaveLength(1)
    startInstances(w, 1)
    w.run(1)
    expect(hostPorts(liveTasks(w, 'api'))).toEqual([80, 80])
  })

  it('stopping an instance stops its tasks with the host reason and the service replaces them', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const [a] = startInstances(w, 1)
    ec2Service(w, 'api', registerApi(w), 1)
    w.run(2)
    const [b] = startInstances(w, 1)
    expect(w.world.containerInstances?.stop(a as string)).toBe(true)
    w.run(2)
    const stopped = w.ecs('DescribeTasks', {
      cluster: 'c',
      tasks: w.ecs('ListTasks', { cluster: 'c', serviceName: 'api', desiredStatus: 'STOPPED' })
        .taskArns
    }).tasks as Json[]
    expect(stopped.map((t: Json) => [t.stoppedReason, t.stopCode])).toEqual([
      [`Host EC2 (instance ${a}) terminated.`, 'TerminationNotice']
    ])
    const running = liveTasks(w, 'api')
    expect(running).toHaveLength(1)
    const host = w.ecs('DescribeContainerInstances', {
      cluster: 'c',
      containerInstances: [running[0].containerInstanceArn]
    }).containerInstances[0].ec2InstanceId
    expect(host).toBe(b)
  })

  it('accepts an instance target group for a bridge task definition on the EC2 launch type', () => {
    const w = modelWorld()
    ec2Cluster(w)
    const arn = registerApi(w)
    const group = instanceGroup(w)
    expect(
      ec2Service(w, 'api', arn, 0, {
        loadBalancers: [{ targetGroupArn: group, containerName: 'api', containerPort: 8080 }]
      }).launchType
    ).toBe('EC2')
  })
})
