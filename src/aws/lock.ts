import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { LockPort, TaggedRule } from '../rollout/ports.js'

/** The header a lock rule matches on, with a value no client sends: it never takes a request. */
const LOCK_HEADER = 'x-ecs-blue-green-lock'
/** DescribeRules answers up to 400 rules a page; a listener has at most 100 (the default quota). */
const PAGE_SIZE = 400

/** The SDK names AWS's error codes with an Exception suffix (RuleNotFound: RuleNotFoundException). */
const named = (error: unknown, code: string): boolean =>
  error instanceof Error && (error.name === code || error.name === `${code}Exception`)

/** The route's lock as a listener rule (see LockPort). */
export class LockAdapter implements LockPort {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async createLockRule(
    listenerArn: string,
    priority: number,
    tags: Record<string, string>
  ): Promise<{ kind: 'created'; rule: TaggedRule } | { kind: 'taken' }> {
    try {
      const out = await this.client.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: priority,
          Conditions: [
            {
              Field: 'http-header',
              HttpHeaderConfig: {
                HttpHeaderName: LOCK_HEADER,
                Values: [tags['ecs-blue-green:owner'] ?? 'lock']
              }
            }
          ],
          Actions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' }
            }
          ],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
        })
      )
      const arn = out.Rules?.[0]?.RuleArn
      if (!arn) throw new Error('CreateRule returned no rule')
      return { kind: 'created', rule: { arn, tags } }
    } catch (error) {
      if (named(error, 'PriorityInUse')) return { kind: 'taken' }
      throw error
    }
  }

  async ruleAt(listenerArn: string, priority: number): Promise<TaggedRule | undefined> {
    let marker: string | undefined
    do {
      const out = await this.client.send(
        new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: PAGE_SIZE, Marker: marker })
      )
      const rule = out.Rules?.find((candidate) => candidate.Priority === String(priority))
      if (rule?.RuleArn) {
        const tags = await this.tagsOf([rule.RuleArn])
        // deleted between the two reads: nobody has the priority now
        return tags ? { arn: rule.RuleArn, tags: tags[0] ?? {} } : undefined
      }
      marker = out.NextMarker
    } while (marker)
    return undefined
  }

  async deleteLockRule(ruleArn: string): Promise<boolean> {
    try {
      await this.client.send(new DeleteRuleCommand({ RuleArn: ruleArn }))
      return true
    } catch (error) {
      if (named(error, 'RuleNotFound')) return false
      throw error
    }
  }

  async readWithLock(
    routeArn: string,
    lockArn: string
  ): Promise<{ route: Record<string, string>; lock?: Record<string, string> }> {
    const both = await this.tagsOf([routeArn, lockArn])
    if (both) return { route: both[0] ?? {}, lock: both[1] ?? {} }
    // one of them is gone: the route being there says it is the lock
    const route = await this.tagsOf([routeArn])
    if (!route) throw new Error(`${routeArn} was not found`)
    return { route: route[0] ?? {} }
  }

  /** The tags of each resource, in order; undefined when one of them is a rule that is gone. */
  private async tagsOf(arns: string[]): Promise<Record<string, string>[] | undefined> {
    try {
      const out = await this.client.send(new DescribeTagsCommand({ ResourceArns: arns }))
      return arns.map((arn) => {
        const found = out.TagDescriptions?.find((d) => d.ResourceArn === arn)
        return Object.fromEntries(
          (found?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])
        )
      })
    } catch (error) {
      if (named(error, 'RuleNotFound')) return undefined
      throw error
    }
  }
}
