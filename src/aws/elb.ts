import {
  AddTagsCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RemoveTagsCommand,
  type Action,
  type ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {
  ElbPort,
  Forward,
  Route,
  TagPort,
  TargetGroupView,
  TargetView
} from '../rollout/ports.js'
import { listenerOf } from '../rollout/discover.js'
import { InputError } from '../rollout/errors.js'

const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300

/**
 * AWS answers a listener or rule that is not there (or is another account's) with only "One or
 * more listeners not found": the refusal says which input the ARN came from.
 */
function missingRoute(arn: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof Error) || !/NotFound|AccessDenied/.test(error.name)) throw error
    const problem = /AccessDenied/.test(error.name) ? 'could not be read' : 'was not found'
    throw new InputError(
      'listener',
      `${arn} ${problem} (${error.name}: ${error.message}); check it, and that AWS_REGION and ` +
        'the credentials are those of the account and region it is in'
    )
  }
}

function readForward(actions: Action[]): Forward | null {
  const forward = actions.find((a) => a.Type === 'forward')
  if (!forward) return null
  const groups = forward.ForwardConfig?.TargetGroups
  const stickiness = forward.ForwardConfig?.TargetGroupStickinessConfig
  return {
    targetGroups: groups?.length
      ? groups.map((g) => ({ targetGroupArn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }))
      : forward.TargetGroupArn
        ? [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }]
        : [],
    stickiness:
      stickiness && stickiness.Enabled !== undefined
        ? { enabled: stickiness.Enabled, durationSeconds: stickiness.DurationSeconds }
        : undefined
  }
}

function toRoute(arn: string, kind: Route['kind'], listenerArn: string, actions: Action[]): Route {
  const ordered = [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))
  return {
    arn,
    kind,
    listenerArn,
    actionTypes: ordered.map((a) => a.Type ?? 'unknown'),
    forward: readForward(ordered),
    raw: actions
  }
}

/**
 * The actions to write back: every action as it was read, but the forward one carrying the new
 * weights. Describe never returns an OIDC client secret, so such an action is written with
 * UseExistingClientSecret, which is how AWS lets a listener keep it.
 */
function rewrite(actions: Action[], forward: Forward): Action[] {
  return actions.map((a): Action => {
    if (a.Type === 'forward') {
      const { TargetGroupArn: _single, ...rest } = a
      return {
        ...rest,
        ForwardConfig: {
          ...a.ForwardConfig,
          TargetGroups: forward.targetGroups.map((g) => ({
            TargetGroupArn: g.targetGroupArn,
            Weight: g.weight
          })),
          TargetGroupStickinessConfig: forward.stickiness
            ? {
                Enabled: forward.stickiness.enabled,
                DurationSeconds: forward.stickiness.durationSeconds
              }
            : a.ForwardConfig?.TargetGroupStickinessConfig
        }
      }
    }
    if (
      a.Type === 'authenticate-oidc' &&
      a.AuthenticateOidcConfig &&
      !a.AuthenticateOidcConfig.ClientSecret
    ) {
      return {
        ...a,
        AuthenticateOidcConfig: { ...a.AuthenticateOidcConfig, UseExistingClientSecret: true }
      }
    }
    return a
  })
}

export class ElbAdapter implements ElbPort, TagPort {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async readRoute(routeArn: string): Promise<Route> {
    if (routeArn.includes(':listener-rule/')) {
      const out = await this.client
        .send(new DescribeRulesCommand({ RuleArns: [routeArn] }))
        .catch(missingRoute(routeArn))
      const rule = out.Rules?.[0]
      if (!rule) throw new Error(`DescribeRules returned no rule ${routeArn}`)
      return toRoute(routeArn, 'rule', listenerOf(routeArn), rule.Actions ?? [])
    }
    const out = await this.client
      .send(new DescribeListenersCommand({ ListenerArns: [routeArn] }))
      .catch(missingRoute(routeArn))
    const listener = out.Listeners?.[0]
    if (!listener) throw new Error(`DescribeListeners returned no listener ${routeArn}`)
    return toRoute(routeArn, 'listener', routeArn, listener.DefaultActions ?? [])
  }

  async writeForward(route: Route, forward: Forward): Promise<void> {
    const actions = rewrite((route.raw as Action[] | undefined) ?? [], forward)
    if (route.kind === 'rule') {
      await this.client.send(new ModifyRuleCommand({ RuleArn: route.arn, Actions: actions }))
    } else {
      await this.client.send(
        new ModifyListenerCommand({ ListenerArn: route.arn, DefaultActions: actions })
      )
    }
  }

  async readTags(arn: string): Promise<Record<string, string>> {
    const out = await this.client
      .send(new DescribeTagsCommand({ ResourceArns: [arn] }))
      .catch(missingRoute(arn))
    const found =
      out.TagDescriptions?.find((d) => d.ResourceArn === arn) ?? out.TagDescriptions?.[0]
    return Object.fromEntries((found?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))
  }

  async writeTags(arn: string, tags: Record<string, string>): Promise<void> {
    const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
    if (list.length === 0) return
    await this.client.send(new AddTagsCommand({ ResourceArns: [arn], Tags: list }))
  }

  async removeTags(arn: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return
    await this.client.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: keys }))
  }

  async describeTargetHealth(targetGroupArn: string): Promise<TargetView[]> {
    const out = await this.client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })
    )
    return (out.TargetHealthDescriptions ?? []).map((d) => ({
      id: d.Target?.Id ?? '',
      port: d.Target?.Port,
      state: d.TargetHealth?.State ?? 'unavailable',
      reason: d.TargetHealth?.Reason,
      description: d.TargetHealth?.Description
    }))
  }

  async describeTargetGroups(targetGroupArns: string[]): Promise<TargetGroupView[]> {
    const out = await this.client.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: targetGroupArns })
    )
    return Promise.all(
      (out.TargetGroups ?? []).map(async (g): Promise<TargetGroupView> => {
        const attrs = await this.client.send(
          new DescribeTargetGroupAttributesCommand({ TargetGroupArn: g.TargetGroupArn })
        )
        const delay = attrs.Attributes?.find(
          (a) => a.Key === 'deregistration_delay.timeout_seconds'
        )?.Value
        return {
          arn: g.TargetGroupArn ?? '',
          name: g.TargetGroupName ?? '',
          port: g.Port,
          protocol: g.Protocol,
          loadBalancerArns: g.LoadBalancerArns ?? [],
          deregistrationDelaySeconds: delay ? Number(delay) : DEFAULT_DEREGISTRATION_DELAY_SECONDS
        }
      })
    )
  }
}
