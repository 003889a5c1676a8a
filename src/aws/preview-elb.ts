import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ModifyRuleCommand,
  type ElasticLoadBalancingV2Client,
  type RuleCondition as AwsCondition,
  type TargetGroup
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { AwsLimitError, PriorityTakenError, ResourceInUseError } from '../preview/errors.js'
import type {
  ListenerView,
  NewRule,
  PreviewElbPort,
  RuleCondition,
  RuleView,
  Tags,
  TargetGroupSettings,
  TargetGroupTemplate
} from '../preview/ports.js'
import type { Forward, Route, TargetGroupView, TargetView } from '../rollout/ports.js'
import { ElbAdapter } from './elb.js'

/** DescribeTags takes at most 20 resources a call. */
const TAGS_BATCH = 20

/** The quotas a preview can run into; anything named TooMany* is one too. */
const LIMITS = new Set([
  'TargetGroupAssociationLimitException',
  'TooManyUniqueTargetGroupsPerLoadBalancerException'
])

function translate(error: unknown, priority?: number): unknown {
  if (!(error instanceof Error)) return error
  if (error.name === 'PriorityInUseException' && priority !== undefined) {
    return new PriorityTakenError(priority)
  }
  if (LIMITS.has(error.name) || error.name.startsWith('TooMany')) {
    return new AwsLimitError(error.name, error.message)
  }
  if (error.name === 'ResourceInUseException') return new ResourceInUseError(error.message)
  return error
}

const CONFIGS: Record<string, 'HostHeaderConfig' | 'PathPatternConfig'> = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig'
}

function toAws(conditions: RuleCondition[]): AwsCondition[] {
  return conditions.map((c) => {
    const config = CONFIGS[c.field]
    return config
      ? { Field: c.field, [config]: { Values: c.values } }
      : { Field: c.field, Values: c.values }
  })
}

function fromAws(conditions: AwsCondition[]): RuleCondition[] {
  return conditions.map((c) => {
    const field = c.Field ?? ''
    const config = CONFIGS[field]
    const values = c.Values?.length ? c.Values : config ? (c[config]?.Values ?? []) : []
    return { field, values }
  })
}

function groupTemplate(g: TargetGroup): TargetGroupTemplate {
  return {
    arn: g.TargetGroupArn ?? '',
    name: g.TargetGroupName ?? '',
    protocol: g.Protocol,
    protocolVersion: g.ProtocolVersion,
    port: g.Port,
    vpcId: g.VpcId,
    targetType: g.TargetType,
    ipAddressType: g.IpAddressType,
    healthCheck: {
      protocol: g.HealthCheckProtocol,
      port: g.HealthCheckPort,
      path: g.HealthCheckPath,
      enabled: g.HealthCheckEnabled,
      intervalSeconds: g.HealthCheckIntervalSeconds,
      timeoutSeconds: g.HealthCheckTimeoutSeconds,
      healthyThresholdCount: g.HealthyThresholdCount,
      unhealthyThresholdCount: g.UnhealthyThresholdCount,
      matcher: g.Matcher
        ? { httpCode: g.Matcher.HttpCode, grpcCode: g.Matcher.GrpcCode }
        : undefined
    }
  }
}

/** The rollout's ELBv2 port, plus the rules and target groups previews create and remove. */
export class PreviewElbAdapter implements PreviewElbPort {
  private readonly rollout: ElbAdapter

  constructor(private readonly client: ElasticLoadBalancingV2Client) {
    this.rollout = new ElbAdapter(client)
  }

  readRoute(routeArn: string): Promise<Route> {
    return this.rollout.readRoute(routeArn)
  }

  writeForward(route: Route, forward: Forward): Promise<void> {
    return this.rollout.writeForward(route, forward)
  }

  describeTargetHealth(targetGroupArn: string): Promise<TargetView[]> {
    return this.rollout.describeTargetHealth(targetGroupArn)
  }

  describeTargetGroups(targetGroupArns: string[]): Promise<TargetGroupView[]> {
    return this.rollout.describeTargetGroups(targetGroupArns)
  }

  async describeListener(listenerArn: string): Promise<ListenerView> {
    const out = await this.client.send(
      new DescribeListenersCommand({ ListenerArns: [listenerArn] })
    )
    const listener = out.Listeners?.[0]
    if (!listener?.LoadBalancerArn) throw new Error(`DescribeListeners returned no ${listenerArn}`)
    return {
      arn: listenerArn,
      loadBalancerArn: listener.LoadBalancerArn,
      protocol: listener.Protocol,
      port: listener.Port
    }
  }

  async loadBalancerDnsName(loadBalancerArn: string): Promise<string> {
    const out = await this.client.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn] })
    )
    const dns = out.LoadBalancers?.[0]?.DNSName
    if (!dns) throw new Error(`DescribeLoadBalancers returned no DNS name for ${loadBalancerArn}`)
    return dns
  }

  async listRules(listenerArn: string): Promise<RuleView[]> {
    const rules: RuleView[] = []
    let marker: string | undefined
    do {
      const out = await this.client.send(
        new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 })
      )
      for (const rule of out.Rules ?? []) {
        const forward = (rule.Actions ?? []).find((a) => a.Type === 'forward')
        rules.push({
          arn: rule.RuleArn ?? '',
          priority:
            rule.IsDefault || rule.Priority === 'default' ? 'default' : Number(rule.Priority),
          conditions: fromAws(rule.Conditions ?? []),
          targetGroupArns: forward?.ForwardConfig?.TargetGroups?.length
            ? forward.ForwardConfig.TargetGroups.map((g) => g.TargetGroupArn ?? '')
            : forward?.TargetGroupArn
              ? [forward.TargetGroupArn]
              : []
        })
      }
      marker = out.NextMarker
    } while (marker)
    return rules
  }

  async tagsOf(arns: string[]): Promise<Map<string, Tags>> {
    const tags = new Map<string, Tags>()
    for (let i = 0; i < arns.length; i += TAGS_BATCH) {
      const out = await this.client.send(
        new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + TAGS_BATCH) })
      )
      for (const description of out.TagDescriptions ?? []) {
        tags.set(
          description.ResourceArn ?? '',
          Object.fromEntries((description.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
        )
      }
    }
    return tags
  }

  async describeTargetGroup(targetGroupArn: string): Promise<TargetGroupTemplate> {
    const out = await this.client.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] })
    )
    const group = out.TargetGroups?.[0]
    if (!group) throw new Error(`DescribeTargetGroups returned no ${targetGroupArn}`)
    return groupTemplate(group)
  }

  async findTargetGroup(name: string): Promise<TargetGroupTemplate | undefined> {
    try {
      const out = await this.client.send(new DescribeTargetGroupsCommand({ Names: [name] }))
      const group = out.TargetGroups?.find((g) => g.TargetGroupName === name)
      return group ? groupTemplate(group) : undefined
    } catch (error) {
      if (error instanceof Error && error.name === 'TargetGroupNotFoundException') return undefined
      throw error
    }
  }

  async createTargetGroup(
    name: string,
    settings: TargetGroupSettings,
    tags: Tags
  ): Promise<string> {
    const health = settings.healthCheck
    try {
      const out = await this.client.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: settings.protocol as never,
          ProtocolVersion: settings.protocolVersion,
          Port: settings.port,
          VpcId: settings.vpcId,
          TargetType: settings.targetType as never,
          IpAddressType: settings.ipAddressType as never,
          HealthCheckProtocol: health.protocol as never,
          HealthCheckPort: health.port,
          HealthCheckPath: health.path,
          HealthCheckEnabled: health.enabled,
          HealthCheckIntervalSeconds: health.intervalSeconds,
          HealthCheckTimeoutSeconds: health.timeoutSeconds,
          HealthyThresholdCount: health.healthyThresholdCount,
          UnhealthyThresholdCount: health.unhealthyThresholdCount,
          Matcher: health.matcher
            ? { HttpCode: health.matcher.httpCode, GrpcCode: health.matcher.grpcCode }
            : undefined,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
        })
      )
      const arn = out.TargetGroups?.[0]?.TargetGroupArn
      if (!arn) throw new Error(`CreateTargetGroup ${name} returned no ARN`)
      return arn
    } catch (error) {
      throw translate(error)
    }
  }

  async deleteTargetGroup(targetGroupArn: string): Promise<void> {
    try {
      await this.client.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn }))
    } catch (error) {
      throw translate(error)
    }
  }

  async createRule(rule: NewRule): Promise<string> {
    try {
      const out = await this.client.send(
        new CreateRuleCommand({
          ListenerArn: rule.listenerArn,
          Priority: rule.priority,
          Conditions: toAws(rule.conditions),
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: { TargetGroups: [{ TargetGroupArn: rule.targetGroupArn, Weight: 1 }] }
            }
          ],
          Tags: Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value }))
        })
      )
      const arn = out.Rules?.[0]?.RuleArn
      if (!arn) throw new Error('CreateRule returned no ARN')
      return arn
    } catch (error) {
      throw translate(error, rule.priority)
    }
  }

  async modifyRuleConditions(ruleArn: string, conditions: RuleCondition[]): Promise<void> {
    await this.client.send(
      new ModifyRuleCommand({ RuleArn: ruleArn, Conditions: toAws(conditions) })
    )
  }

  async deleteRule(ruleArn: string): Promise<void> {
    try {
      await this.client.send(new DeleteRuleCommand({ RuleArn: ruleArn }))
    } catch (error) {
      // gone already: what a removal wanted
      if (error instanceof Error && error.name === 'RuleNotFoundException') return
      throw error
    }
  }
}
