/** What AWS holds, read back through the SDK, in the shapes the preview tests compare. */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  type Service
} from '@aws-sdk/client-ecs'
import {
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Rule,
  type TargetGroup
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Harness } from './harness.js'

export interface RuleState {
  arn: string
  priority: string
  hosts: string[]
  paths: string[]
  targetGroups: string[]
  tags: Record<string, string>
}

/** The listener's rules other than the default one, with their tags. */
export async function listenerRules(h: Harness, listenerArn: string): Promise<RuleState[]> {
  const rules: Rule[] = (
    await h.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
  ).Rules!.filter((r) => !r.IsDefault)
  const tags =
    rules.length === 0
      ? []
      : (
          await Promise.all(
            chunks(
              rules.map((r) => r.RuleArn!),
              20
            ).map((arns) => h.elb.send(new DescribeTagsCommand({ ResourceArns: arns })))
          )
        ).flatMap((out) => out.TagDescriptions ?? [])
  return rules.map((r) => ({
    arn: r.RuleArn!,
    priority: r.Priority!,
    hosts: r.Conditions!.filter((c) => c.Field === 'host-header').flatMap((c) => c.Values ?? []),
    paths: r.Conditions!.filter((c) => c.Field === 'path-pattern').flatMap((c) => c.Values ?? []),
    targetGroups: (r.Actions ?? []).flatMap(
      (a) => a.ForwardConfig?.TargetGroups?.map((g) => g.TargetGroupArn!) ?? []
    ),
    tags: Object.fromEntries(
      (tags.find((t) => t.ResourceArn === r.RuleArn)?.Tags ?? []).map((t) => [t.Key!, t.Value!])
    )
  }))
}

export async function service(
  h: Harness,
  cluster: string,
  name: string
): Promise<Service | undefined> {
  const out = await h.ecs.send(
    new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] })
  )
  return out.services?.find((s) => s.serviceName === name)
}

export async function serviceNames(h: Harness, cluster: string): Promise<string[]> {
  const out = await h.ecs.send(new ListServicesCommand({ cluster }))
  return (out.serviceArns ?? []).map((arn) => arn.slice(arn.lastIndexOf('/') + 1))
}

export async function imageOf(h: Harness, taskDefinitionArn: string): Promise<string | undefined> {
  const out = await h.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })
  )
  return out.taskDefinition?.containerDefinitions?.[0]?.image
}

export async function activeRevisions(h: Harness, family: string): Promise<string[]> {
  const out = await h.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' })
  )
  return out.taskDefinitionArns ?? []
}

export async function targetGroup(h: Harness, arn: string): Promise<TargetGroup | undefined> {
  try {
    return (await h.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })))
      .TargetGroups?.[0]
  } catch (error) {
    if ((error as Error).name === 'TargetGroupNotFoundException') return undefined
    throw error
  }
}

export async function tagsOf(h: Harness, arn: string): Promise<Record<string, string>> {
  const out = await h.elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))
  return Object.fromEntries((out.TagDescriptions?.[0]?.Tags ?? []).map((t) => [t.Key!, t.Value!]))
}

export async function healthyTargets(h: Harness, targetGroupArn: string): Promise<number> {
  const out = await h.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
  return (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === 'healthy')
    .length
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
