/**
 * The models behind the real HTTP server, driven only through the unmodified AWS SDK clients:
 * what the action and its tests will see.
 */
import {
  ClientException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ResourceNotFoundException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  type Task,
  UpdateServiceCommand,
  DeleteServiceCommand,
  ListTagsForResourceCommand,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs'
import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  InvalidConfigurationRequestException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
  PriorityInUseException,
  AddTagsCommand,
  ResourceInUseException,
  RuleNotFoundException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
  TooManyRulesException,
  TooManyTagsException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  createBlueGreenTopology,
  type Topology,
  waitForHealthy
} from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, setImage } from '../helpers/emulator.js'

let emulator: RunningEmulator
let ecs: ECSClient
let elb: ElasticLoadBalancingV2Client
let counter = 0

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, timeScale: 0.05 })
  ecs = new ECSClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
  elb = new ElasticLoadBalancingV2Client({ ...clientConfig(emulator.url), maxAttempts: 1 })
})

afterAll(async () => {
  ecs.destroy()
  elb.destroy()
  await emulator.stop()
})

function topology(options: { useRule?: boolean; waitForBlue?: boolean } = {}): Promise<Topology> {
  counter++
  return createBlueGreenTopology({
    endpoint: emulator.url,
    prefix: `sdk${counter}`,
    image: 'app:1',
    ...options
  })
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** registers a copy of the topology's revision with another image, as a deploy tool does */
async function newRevision(t: Topology, image: string): Promise<string> {
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: t.taskDefinitionArn })
  )
  const {
    taskDefinitionArn,
    revision,
    status,
    requiresAttributes,
    compatibilities,
    registeredAt,
    registeredBy,
    ...input
  } = taskDefinition ?? {}
  void [
    taskDefinitionArn,
    revision,
    status,
    requiresAttributes,
    compatibilities,
    registeredAt,
    registeredBy
  ]
  const containers = (input.containerDefinitions ?? []).map((c) =>
    c.name === 'web' ? { ...c, image } : c
  )
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      ...(input as RegisterTaskDefinitionCommandInput),
      containerDefinitions: containers
    })
  )
  return registered.taskDefinition?.taskDefinitionArn ?? ''
}

async function stoppedTasks(t: Topology, service: string): Promise<Task[]> {
  const { taskArns = [] } = await ecs.send(
    new ListTasksCommand({ cluster: t.cluster, serviceName: service, desiredStatus: 'STOPPED' })
  )
  if (taskArns.length === 0) return []
  return (
    (await ecs.send(new DescribeTasksCommand({ cluster: t.cluster, tasks: taskArns }))).tasks ?? []
  )
}

describe('the emulator through the AWS SDK', () => {
  it('builds the topology and has both blue tasks healthy within 10 s', async () => {
    const t = await topology({ waitForBlue: false })
    const started = Date.now()
    const targets = await waitForHealthy(emulator.url, t.targetGroups.blue, 2, 10_000)
    expect(Date.now() - started).toBeLessThan(10_000)

    const { taskArns = [] } = await ecs.send(
      new ListTasksCommand({ cluster: t.cluster, serviceName: t.services.blue })
    )
    const { tasks = [] } = await ecs.send(
      new DescribeTasksCommand({ cluster: t.cluster, tasks: taskArns })
    )
    const ips = tasks.map(
      (task) => task.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address
    )
    expect(targets.map((d) => d.Target?.Id).sort()).toEqual([...ips].sort())
    expect(
      tasks.every((task) => task.lastStatus === 'RUNNING' && task.startedAt instanceof Date)
    ).toBe(true)

    const [listener] =
      (await elb.send(new DescribeListenersCommand({ ListenerArns: [t.listenerArn] }))).Listeners ??
      []
    expect(listener?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: t.targetGroups.blue, Weight: 100 },
      { TargetGroupArn: t.targetGroups.green, Weight: 0 }
    ])
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({
        cluster: t.cluster,
        services: [t.services.blue, t.services.green]
      })
    )
    expect(services.map((s) => [s.serviceName, s.status, s.desiredCount])).toEqual([
      [t.services.blue, 'ACTIVE', 2],
      [t.services.green, 'ACTIVE', 0]
    ])
    expect(services[0]?.createdAt).toBeInstanceOf(Date)
  })

  it('deploys a new revision to green and its tasks become healthy in the green target group', async () => {
    const t = await topology({ waitForBlue: false })
    const revision = await newRevision(t, 'app:2')
    expect(revision).toMatch(/task-definition\/sdk[0-9]+:2$/)
    await ecs.send(
      new UpdateServiceCommand({
        cluster: t.cluster,
        service: t.services.green,
        taskDefinition: revision,
        desiredCount: 2
      })
    )
    const targets = await waitForHealthy(emulator.url, t.targetGroups.green, 2, 10_000)
    expect(targets).toHaveLength(2)

    const green = await until('the green deployment to complete', async () => {
      const [service] =
        (
          await ecs.send(
            new DescribeServicesCommand({ cluster: t.cluster, services: [t.services.green] })
          )
        ).services ?? []
      return service?.deployments?.[0]?.rolloutState === 'COMPLETED' ? service : undefined
    })
    expect(green.taskDefinition).toBe(revision)
    expect(green.runningCount).toBe(2)
    expect(green.events?.[0]?.message).toBe(
      `(service ${t.services.green}) has reached a steady state.`
    )
    expect(green.events?.[0]?.createdAt).toBeInstanceOf(Date)
  })

  it('never calls an unhealthy image healthy, and replaces its tasks for failing ELB health checks', async () => {
    const t = await topology({ waitForBlue: false })
    await setImage(emulator.url, { image: 'app:sick', behavior: 'unhealthy' })
    const revision = await newRevision(t, 'app:sick')
    await ecs.send(
      new UpdateServiceCommand({
        cluster: t.cluster,
        service: t.services.green,
        taskDefinition: revision,
        desiredCount: 2
      })
    )

    const stopped = await until('a task stopped by its health checks', async () => {
      const { TargetHealthDescriptions = [] } = await elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: t.targetGroups.green })
      )
      expect(TargetHealthDescriptions.map((d) => d.TargetHealth?.State)).not.toContain('healthy')
      const tasks = await stoppedTasks(t, t.services.green)
      return tasks.find((task) => task.lastStatus === 'STOPPED')
    })
    expect(stopped.stoppedReason).toBe(
      `Task failed ELB health checks in (target-group ${t.targetGroups.green})`
    )
    expect(stopped.stopCode).toBe('ServiceSchedulerInitiated')
    expect(stopped.stoppedAt).toBeInstanceOf(Date)
    const [service] =
      (
        await ecs.send(
          new DescribeServicesCommand({ cluster: t.cluster, services: [t.services.green] })
        )
      ).services ?? []
    expect(service?.deployments?.[0]?.failedTasks).toBeGreaterThanOrEqual(1)
  })

  it('stops a crashing task with its exit code and reason', async () => {
    const t = await topology({ waitForBlue: false })
    await setImage(emulator.url, {
      image: 'app:crash',
      behavior: 'crash',
      afterSeconds: 1,
      exitCode: 137
    })
    const revision = await newRevision(t, 'app:crash')
    await ecs.send(
      new UpdateServiceCommand({
        cluster: t.cluster,
        service: t.services.green,
        taskDefinition: revision,
        desiredCount: 1
      })
    )
    const crashed = await until('a crashed task', async () =>
      (await stoppedTasks(t, t.services.green)).find((task) => task.lastStatus === 'STOPPED')
    )
    expect(crashed).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited'
    })
    expect(crashed.containers?.[0]).toMatchObject({
      name: 'web',
      lastStatus: 'STOPPED',
      exitCode: 137
    })
  })

  it('round-trips weights and stickiness through ModifyListener and ModifyRule', async () => {
    const forward = (
      t: Topology,
      blue: number,
      green: number,
      stickiness?: { Enabled: boolean; DurationSeconds?: number }
    ): Action => ({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: t.targetGroups.blue, Weight: blue },
          { TargetGroupArn: t.targetGroups.green, Weight: green }
        ],
        ...(stickiness ? { TargetGroupStickinessConfig: stickiness } : {})
      }
    })
    const onListener = await topology({ waitForBlue: false })
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: onListener.listenerArn,
        DefaultActions: [forward(onListener, 90, 10, { Enabled: true, DurationSeconds: 300 })]
      })
    )
    const [listener] =
      (await elb.send(new DescribeListenersCommand({ ListenerArns: [onListener.listenerArn] })))
        .Listeners ?? []
    expect(listener?.DefaultActions).toEqual([
      forward(onListener, 90, 10, { Enabled: true, DurationSeconds: 300 })
    ])

    const onRule = await topology({ useRule: true, waitForBlue: false })
    expect(onRule.routeArn).toBe(onRule.ruleArn)
    await elb.send(
      new ModifyRuleCommand({ RuleArn: onRule.ruleArn, Actions: [forward(onRule, 25, 75)] })
    )
    const rules =
      (await elb.send(new DescribeRulesCommand({ ListenerArn: onRule.listenerArn }))).Rules ?? []
    expect(rules.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true]
    ])
    expect(rules[0]?.Actions).toEqual([forward(onRule, 25, 75, { Enabled: false })])
    expect(rules[0]?.Conditions).toEqual([
      { Field: 'path-pattern', Values: ['/*'], PathPatternConfig: { Values: ['/*'] } }
    ])
    expect(rules[1]?.Actions?.[0]?.Type).toBe('fixed-response')
  })

  it('surfaces each ELBv2 error as the SDK exception class', async () => {
    const t = await topology({ waitForBlue: false })
    const missing = (kind: string): string =>
      `arn:aws:elasticloadbalancing:us-east-1:123456789012:${kind}/nope/0000000000000000`
    const rule = (priority: number) =>
      elb.send(
        new CreateRuleCommand({
          ListenerArn: t.listenerArn,
          Priority: priority,
          Conditions: [{ Field: 'path-pattern', Values: [`/p${priority}`] }],
          Actions: [{ Type: 'forward', TargetGroupArn: t.targetGroups.blue }]
        })
      )
    await expect(
      elb.send(new DescribeListenersCommand({ ListenerArns: [`${t.listenerArn}0`] }))
    ).rejects.toBeInstanceOf(ListenerNotFoundException)
    await expect(
      elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: missing('targetgroup') }))
    ).rejects.toBeInstanceOf(TargetGroupNotFoundException)
    await expect(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: missing('loadbalancer/app'),
          Port: 81,
          Protocol: 'HTTP',
          DefaultActions: []
        })
      )
    ).rejects.toBeInstanceOf(LoadBalancerNotFoundException)
    await expect(
      elb.send(
        new ModifyRuleCommand({
          RuleArn: `${t.listenerArn.replace(':listener/', ':listener-rule/')}/0000000000000000`
        })
      )
    ).rejects.toBeInstanceOf(RuleNotFoundException)
    for (let priority = 1; priority <= 100; priority++) await rule(priority)
    await expect(rule(7)).rejects.toBeInstanceOf(PriorityInUseException)
    await expect(rule(101)).rejects.toBeInstanceOf(TooManyRulesException)
    await expect(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: t.loadBalancerArn,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: t.targetGroups.blue }]
        })
      )
    ).rejects.toBeInstanceOf(DuplicateListenerException)
    await expect(
      elb.send(
        new CreateTargetGroupCommand({
          Name: `sdk${counter}-blue`,
          Protocol: 'HTTP',
          Port: 9999,
          VpcId: 'vpc-1',
          TargetType: 'ip'
        })
      )
    ).rejects.toBeInstanceOf(DuplicateTargetGroupNameException)
    await expect(
      elb.send(new CreateLoadBalancerCommand({ Name: `sdk${counter}-alb`, Scheme: 'internal' }))
    ).rejects.toBeInstanceOf(DuplicateLoadBalancerNameException)
    await expect(
      elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: t.targetGroups.green }))
    ).rejects.toBeInstanceOf(ResourceInUseException)
    const otherLb = (await elb.send(new CreateLoadBalancerCommand({ Name: `sdk${counter}-other` })))
      .LoadBalancers?.[0]?.LoadBalancerArn
    await expect(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: otherLb,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: t.targetGroups.blue }]
        })
      )
    ).rejects.toBeInstanceOf(TargetGroupAssociationLimitException)
    const tcp = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: `sdk${counter}-tcp`,
          Protocol: 'TCP',
          Port: 80,
          VpcId: 'vpc-1'
        })
      )
    ).TargetGroups?.[0]
    await expect(
      elb.send(
        new ModifyListenerCommand({
          ListenerArn: t.listenerArn,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tcp?.TargetGroupArn }]
        })
      )
    ).rejects.toBeInstanceOf(InvalidConfigurationRequestException)
    await expect(
      elb.send(
        new AddTagsCommand({
          ResourceArns: [t.listenerArn],
          Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
        })
      )
    ).rejects.toBeInstanceOf(TooManyTagsException)
    const invalid = await elb
      .send(
        new ModifyListenerCommand({
          ListenerArn: t.listenerArn,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [{ TargetGroupArn: t.targetGroups.blue, Weight: 1000 }]
              }
            }
          ]
        })
      )
      .catch((error: unknown) => error)
    expect(invalid).toBeInstanceOf(ElasticLoadBalancingV2ServiceException)
    expect((invalid as Error).name).toBe('ValidationError')
  })

  it('surfaces each ECS error as the SDK exception class', async () => {
    const t = await topology({ waitForBlue: false })
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['x'] }))
    ).rejects.toBeInstanceOf(ClusterNotFoundException)
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: t.cluster, service: 'nope', desiredCount: 1 }))
    ).rejects.toBeInstanceOf(ServiceNotFoundException)
    await expect(
      ecs.send(new DeleteServiceCommand({ cluster: t.cluster, service: t.services.blue }))
    ).rejects.toBeInstanceOf(InvalidParameterException)
    await expect(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' }))
    ).rejects.toBeInstanceOf(ClientException)
    await expect(
      ecs.send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:ecs:us-east-1:123456789012:service/${t.cluster}/nope`
        })
      )
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
    await ecs.send(new DeleteServiceCommand({ cluster: t.cluster, service: t.services.green }))
    await expect(
      ecs.send(
        new UpdateServiceCommand({ cluster: t.cluster, service: t.services.green, desiredCount: 1 })
      )
    ).rejects.toBeInstanceOf(ServiceNotActiveException)
    const { failures } = await ecs.send(
      new DescribeServicesCommand({ cluster: t.cluster, services: ['ghost'] })
    )
    expect(failures).toEqual([
      { arn: `arn:aws:ecs:us-east-1:123456789012:service/${t.cluster}/ghost`, reason: 'MISSING' }
    ])
  })
})
