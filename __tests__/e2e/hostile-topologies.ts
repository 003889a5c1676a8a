/**
 * Blue/green pairs bent out of shape through the real API, the way people's accounts drift: a
 * third target group, a shared target group, a deleted service, a listener that redirects, a
 * rollout left half done. Each starts as a good pair and is changed by the calls a person (or
 * another tool) would make.
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  ECSClient,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { clientConfig } from '../helpers/emulator.js'

export const LIVE_IMAGE = 'registry.example.com/app:1.0.0'

let counter = 0

/** A good pair of its own; `wait`: until blue is healthy (needed only when tasks must exist). */
export async function pairFor(
  url: string,
  options: { wait?: boolean; deregistrationDelaySeconds?: number; twoContainers?: boolean } = {}
): Promise<Topology> {
  return createBlueGreenTopology({
    endpoint: url,
    prefix: `hostile${++counter}`,
    image: LIVE_IMAGE,
    desiredCount: 1,
    waitForBlue: options.wait ?? false,
    deregistrationDelaySeconds: options.deregistrationDelaySeconds,
    containers: options.twoContainers
      ? [{ name: 'sidecar', image: 'registry.example.com/proxy:1', essential: false }]
      : undefined
  })
}

/** Runs `change` with SDK clients pointed at the emulator. */
export async function withClients<T>(
  url: string,
  change: (ecs: ECSClient, elb: ElasticLoadBalancingV2Client) => Promise<T>
): Promise<T> {
  const ecs = new ECSClient(clientConfig(url))
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url))
  try {
    return await change(ecs, elb)
  } finally {
    ecs.destroy()
    elb.destroy()
  }
}

const VPC = 'vpc-0e1a2b3c4d5e6f708'

export async function extraTargetGroup(url: string, name: string): Promise<string> {
  return withClients(url, async (_ecs, elb) => {
    const out = await elb.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: VPC,
        TargetType: 'ip'
      })
    )
    const arn = out.TargetGroups?.[0]?.TargetGroupArn
    if (!arn) throw new Error(`CreateTargetGroup ${name} returned no ARN`)
    return arn
  })
}

/** The listener's default action becomes `actions`. */
export async function setDefaultActions(
  url: string,
  t: Topology,
  actions: Action[]
): Promise<void> {
  await withClients(url, (_ecs, elb) =>
    elb.send(new ModifyListenerCommand({ ListenerArn: t.listenerArn, DefaultActions: actions }))
  )
}

export function forwardTo(groups: [string, number][]): Action {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
    }
  }
}

/** Sets blue/green weights on the pair's listener, e.g. a rollout left half done. */
export async function setWeights(url: string, t: Topology, blue: number, green: number) {
  await setDefaultActions(url, t, [
    forwardTo([
      [t.targetGroups.blue, blue],
      [t.targetGroups.green, green]
    ])
  ])
}

/** A second listener on the same load balancer with a rule to two target groups of its own. */
export async function ruleOfAnotherListener(url: string, t: Topology): Promise<string> {
  const prefix = t.cluster.replace(/-cluster$/, '')
  const one = await extraTargetGroup(url, `${prefix}-other-a`)
  const two = await extraTargetGroup(url, `${prefix}-other-b`)
  return withClients(url, async (_ecs, elb) => {
    const listener = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: t.loadBalancerArn,
          Protocol: 'HTTP',
          Port: 8081,
          DefaultActions: [forwardTo([[one, 1]])]
        })
      )
    ).Listeners?.[0]?.ListenerArn
    const rule = (
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 5,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
          Actions: [
            forwardTo([
              [one, 100],
              [two, 0]
            ])
          ]
        })
      )
    ).Rules?.[0]?.RuleArn
    if (!rule) throw new Error('CreateRule returned no ARN')
    return rule
  })
}

/** A second load balancer whose listener forwards to `targetGroupArn`. */
export async function anotherLoadBalancerFor(
  url: string,
  t: Topology,
  targetGroupArn: string
): Promise<string> {
  const name = `${t.cluster.replace(/-cluster$/, '')}-other-alb`
  return withClients(url, async (_ecs, elb) => {
    const lb = (
      await elb.send(
        new CreateLoadBalancerCommand({
          Name: name,
          Subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
          Type: 'application'
        })
      )
    ).LoadBalancers?.[0]?.LoadBalancerArn
    if (!lb) throw new Error(`CreateLoadBalancer ${name} returned no ARN`)
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }]
      })
    )
    return lb
  })
}

/** Two more services of the cluster, both attached to blue's target group. */
export async function twinsOnOneTargetGroup(url: string, t: Topology): Promise<[string, string]> {
  const names: [string, string] = [`${t.services.blue}-twin-a`, `${t.services.blue}-twin-b`]
  await withClients(url, async (ecs) => {
    for (const [index, name] of names.entries()) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: t.cluster,
          serviceName: name,
          taskDefinition: t.taskDefinitionArn,
          desiredCount: index === 0 ? 1 : 0,
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: ['subnet-0a1b2c3d4e5f60001'],
              assignPublicIp: 'DISABLED'
            }
          },
          loadBalancers: [
            { targetGroupArn: t.targetGroups.blue, containerName: 'web', containerPort: 8080 }
          ]
        })
      )
    }
  })
  return names
}

export async function deleteService(url: string, t: Topology, service: string): Promise<void> {
  await withClients(url, (ecs) =>
    ecs.send(new DeleteServiceCommand({ cluster: t.cluster, service, force: true }))
  )
}

export async function scaleTo(url: string, t: Topology, service: string, count: number) {
  await withClients(url, (ecs) =>
    ecs.send(new UpdateServiceCommand({ cluster: t.cluster, service, desiredCount: count }))
  )
}
