import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateContainerInstancesStateCommand
} from '@aws-sdk/client-ecs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  createEc2BlueGreenTopology,
  type Ec2Topology
} from '../../emulator/fixtures/ec2-topology.js'
import { clientConfig } from '../helpers/emulator.js'
import { mutationsOf, routeTags, settledOn, side } from './durable-world.js'
import {
  callsOf,
  currentWeights,
  deployInputs,
  expectNoViolations,
  run,
  setImage,
  startHarness,
  type Harness
} from './harness.js'

/*
 * ECS on EC2 through the bundled action: a cluster of two container instances and a bridge-mode
 * pair on `instance` target groups, each task registered as instance:host-port. Each test has its
 * own cluster and runs at once with the others.
 */

let h: Harness
let ecs: ECSClient
let pairs = 0

beforeAll(async () => {
  h = await startHarness()
  ecs = new ECSClient(clientConfig(h.url))
})

afterAll(async () => {
  ecs.destroy()
  await h.emulator.stop()
})

function pair(desiredCount = 2): Promise<Ec2Topology> {
  return createEc2BlueGreenTopology({
    prefix: `ec2-${++pairs}`,
    endpoint: h.url,
    instances: 2,
    desiredCount
  })
}

/** the running (or, asked so, stopped) tasks of a service: instance and host port of each */
async function bindings(t: Ec2Topology, service: string, desiredStatus?: 'STOPPED') {
  const arns =
    (
      await ecs.send(
        new ListTasksCommand({ cluster: t.cluster, serviceName: service, desiredStatus })
      )
    ).taskArns ?? []
  if (arns.length === 0) return []
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: t.cluster, tasks: arns })))
    .tasks
  return (tasks ?? []).map((task) => ({
    instance: task.containerInstanceArn ?? '',
    hostPort: task.containers?.[0]?.networkBindings?.[0]?.hostPort ?? 0,
    stoppedReason: task.stoppedReason
  }))
}

/** every host port in Docker's ephemeral range, as a bridge task with hostPort 0 gets */
function expectEphemeral(tasks: { hostPort: number }[]): void {
  for (const task of tasks) {
    expect(task.hostPort).toBeGreaterThanOrEqual(32768)
    expect(task.hostPort).toBeLessThanOrEqual(60999)
  }
}

/** the EC2 instance ids of these container instances, as `instance` targets name them */
async function ec2IdsOf(t: Ec2Topology, containerInstances: string[]): Promise<string[]> {
  const out = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster: t.cluster, containerInstances })
  )
  return (out.containerInstances ?? []).map((instance) => instance.ec2InstanceId ?? '')
}

async function weightWritesOf(caller: string): Promise<number> {
  const made = await callsOf(h, caller)
  return made.filter((call) => call.operation === 'ModifyListener').length
}

describe('ECS on EC2, bridge mode, instance target groups', () => {
  it.concurrent(
    'deploys and promotes; each task on a host port of the ephemeral range, two on one instance apart',
    async () => {
      const t = await pair(3)
      const result = await run(h, deployInputs(t, { image: 'registry.example.com/app:ec2.1' }))
      expect(result.outputs.reason).toBeUndefined()
      expect(result.outputs.result).toBe('promoted')
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 0,
        [t.targetGroups.green]: 100
      })
      const green = await bindings(t, t.services.green)
      expect(green).toHaveLength(3)
      expectEphemeral(green)
      // three tasks on two instances: two share one, told apart by their ports
      const byInstance = new Map<string, typeof green>()
      for (const task of green)
        byInstance.set(task.instance, [...(byInstance.get(task.instance) ?? []), task])
      const shared = [...byInstance.values()].find((tasks) => tasks.length > 1)
      expect(shared).toBeDefined()
      expect(new Set(shared!.map((task) => task.hostPort)).size).toBe(shared!.length)
      // instance ids are read once per container instance (and once for the free capacity),
      // not at every poll
      const made = await callsOf(h, result.caller)
      const instanceReads = made.filter((call) => call.operation === 'DescribeContainerInstances')
      expect(instanceReads.length).toBeGreaterThan(0)
      expect(instanceReads.length).toBeLessThanOrEqual(1 + 2)
      expect(
        made.filter((call) => call.operation === 'DescribeTargetHealth').length
      ).toBeGreaterThan(instanceReads.length)
      expect(result.stdout).toMatch(
        /capacity: \S+ needs 768 CPU units and 1536 MiB \(3 tasks of 256 CPU units, 512 MiB\); the cluster's 2 ACTIVE container instances have \d+ CPU units and \d+ MiB free/
      )
    }
  )

  it.concurrent('reverts a release whose instance targets never turn healthy', async () => {
    const t = await pair()
    const image = 'registry.example.com/app:ec2.bad'
    await setImage(h.url, { image, behavior: 'unhealthy' })
    const result = await run(h, deployInputs(t, { image }))
    expect(result.exitCode).not.toBe(0)
    expect(result.outputs.result).toBe('reverted')
    expect(result.outputs.reason).toMatch(/target i-[0-9a-f]+:\d+ unhealthy in /)
    expect(await currentWeights(h, t)).toEqual({
      [t.targetGroups.blue]: 100,
      [t.targetGroups.green]: 0
    })
  })

  it.concurrent(
    'refuses a release that does not fit with ECS’s placement reason, and moves no weight',
    async () => {
      const t = await pair()
      // 2 tasks of 4096 CPU units: more than any instance has
      const dir = mkdtempSync(join(tmpdir(), 'ec2-'))
      const file = join(dir, 'task-definition.json')
      writeFileSync(
        file,
        JSON.stringify({
          family: t.services.blue.replace(/-blue$/, ''),
          networkMode: 'bridge',
          requiresCompatibilities: ['EC2'],
          containerDefinitions: [
            {
              name: 'web',
              image: 'registry.example.com/web:1.0.0',
              cpu: 4096,
              memory: 512,
              essential: true,
              portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }]
            }
          ]
        })
      )
      const result = await run(
        h,
        deployInputs(t, { image: 'registry.example.com/app:ec2.big', 'task-definition': file })
      )
      expect(result.outputs.result).toBe('reverted')
      expect(result.outputs.reason).toMatch(
        /was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance \S+\) has insufficient CPU units available/
      )
      expect(await weightWritesOf(result.caller)).toBe(0)
      expect(await currentWeights(h, t)).toEqual({
        [t.targetGroups.blue]: 100,
        [t.targetGroups.green]: 0
      })
    }
  )
})

describe('ECS on EC2: abort, rollback and a drained instance', () => {
  it.concurrent(
    'abort after a pause: the traffic goes back to the live side, then the new side to 0',
    async () => {
      const t = await pair()
      const inputs = deployInputs(t, {
        image: 'registry.example.com/app:ec2.pause',
        'traffic-steps': '25,pause,100'
      })
      const paused = await run(h, inputs)
      expect(paused.outputs.result).toBe('paused')
      expect(await side(h, t, 'green')).toMatchObject({ weight: 25, healthy: 2 })
      const abort = await run(h, deployInputs(t, { command: 'abort' }))
      expect(abort.exitCode).toBe(0)
      expect(abort.outputs.result).toBe('aborted')
      const changes = await mutationsOf(h, abort)
      // the weight goes back before the new side is scaled down
      expect(changes.indexOf('ModifyListener')).toBeGreaterThanOrEqual(0)
      expect(changes.indexOf('ModifyListener')).toBeLessThan(changes.indexOf('UpdateService'))
      expect(await settledOn(h, t, 'blue')).toMatchObject({ weight: 100, healthy: 2 })
      expect(await side(h, t, 'green')).toMatchObject({ weight: 0, desired: 0 })
      expect((await routeTags(h, t))['ecs-blue-green:phase']).toBe('aborted')
    }
  )

  it.concurrent(
    'rollback after promotion brings the old side back on new host ports, then moves the traffic',
    async () => {
      const t = await pair()
      const deployed = await run(h, deployInputs(t, { image: 'registry.example.com/app:ec2.next' }))
      expect(deployed.outputs.result).toBe('promoted')
      expect(await side(h, t, 'blue')).toMatchObject({ weight: 0, desired: 0 })
      const rollback = await run(h, deployInputs(t, { command: 'rollback' }))
      expect(rollback.exitCode).toBe(0)
      expect(rollback.outputs.result).toBe('rolled-back')
      expect(rollback.outputs['live-service']).toBe(t.services.blue)
      expect(rollback.outputs['task-definition-arn']).toBe(t.taskDefinitionArn)
      const changes = await mutationsOf(h, rollback)
      // brought up (and healthy, as instance:port targets) before any weight moved
      expect(changes.indexOf('UpdateService')).toBeLessThan(changes.indexOf('ModifyListener'))
      expect(await settledOn(h, t, 'blue')).toMatchObject({ weight: 100, healthy: 2 })
      const blue = await bindings(t, t.services.blue)
      expect(blue).toHaveLength(2)
      expectEphemeral(blue)
    }
  )

  it.concurrent(
    'an instance drained mid-bake is no failed release: ECS moves the tasks and the release is promoted',
    async () => {
      const t = await pair()
      let drained: Promise<string> | undefined
      const result = await run(
        h,
        deployInputs(t, {
          image: 'registry.example.com/app:ec2.drain',
          'traffic-steps': '10,100',
          'step-wait': '3s'
        }),
        {
          onOutput: (text) => {
            if (drained || !/Bake at 10%/.test(text)) return
            // the instance of one of the new side's tasks, as an AMI update or a scale-in drains it
            drained = bindings(t, t.services.green).then(async ([task]) => {
              const instance = task?.instance ?? ''
              await ecs.send(
                new UpdateContainerInstancesStateCommand({
                  cluster: t.cluster,
                  containerInstances: [instance],
                  status: 'DRAINING'
                })
              )
              return instance
            })
          }
        }
      )
      const instance = await drained!
      expect(instance).not.toBe('')
      expect(result.outputs.reason).toBeUndefined()
      expect(result.outputs.result).toBe('promoted')
      expect(result.stdout).toMatch(
        /task \S+ of \S+-green was stopped by its container instance draining \(Task stopped during instance draining\): ECS replaces it; not a failure of the release/
      )
      // the new side runs, all of it healthy, on the instance left
      expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
      const green = await bindings(t, t.services.green)
      expect(green).toHaveLength(2)
      expect(green.map((task) => task.instance)).not.toContain(instance)
      const moved = (await bindings(t, t.services.green, 'STOPPED')).filter(
        (task) => task.instance === instance
      )
      expect(moved.length).toBeGreaterThan(0)
      expect(moved.map((task) => task.stoppedReason)).toContain(
        'Task stopped during instance draining'
      )
    }
  )
})

describe('ECS on EC2: a capacity provider with managed scaling', () => {
  it.concurrent(
    'a group with room for the live side only: the idle side waits in PROVISIONING while the group grows, then is promoted',
    async () => {
      // t3.micro instances hold one task each: the group's 2 are taken by the live side
      const t = await createEc2BlueGreenTopology({
        prefix: `ec2-${++pairs}`,
        endpoint: h.url,
        desiredCount: 2,
        capacityProvider: { instances: 2 }
      })
      const result = await run(h, deployInputs(t, { image: 'registry.example.com/app:ec2.grow' }))
      expect(result.outputs.reason).toBeUndefined()
      expect(result.outputs.result).toBe('promoted')
      expect(result.stdout).toMatch(
        /capacity: \S+-green needs .*: short by [^,]+, capacity provider \S+ \(managed scaling\) has to add instances/
      )
      expect(result.stdout).toMatch(
        /waiting for capacity: 2 of 2 tasks of \S+-green wait for an instance \(capacity provider \S+ is scaling out\)/
      )
      await expectNoViolations(h, result)
      expect(await settledOn(h, t, 'green')).toMatchObject({ weight: 100, healthy: 2 })
      // the new side runs on the instances the group added
      const green = await bindings(t, t.services.green)
      expect(green).toHaveLength(2)
      expectEphemeral(green)
      const hosts = await ec2IdsOf(t, [...new Set(green.map((task) => task.instance))])
      expect(hosts.length).toBeGreaterThan(0)
      for (const host of hosts) expect(t.instanceIds).not.toContain(host)
    }
  )
})
