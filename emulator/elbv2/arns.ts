import { randomBytes, randomInt } from 'node:crypto'
import type { CallContext } from '../core/contracts.js'

export function hex16(): string {
  return randomBytes(8).toString('hex')
}

function prefix(ctx: CallContext): string {
  return `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:`
}

export function loadBalancerArn(ctx: CallContext, name: string): string {
  return `${prefix(ctx)}loadbalancer/app/${name}/${hex16()}`
}

export function targetGroupArn(ctx: CallContext, name: string): string {
  return `${prefix(ctx)}targetgroup/${name}/${hex16()}`
}

/** `...:listener/app/{lb-name}/{lb-id}/{id}` */
export function listenerArn(loadBalancerArn: string): string {
  return `${loadBalancerArn.replace(':loadbalancer/', ':listener/')}/${hex16()}`
}

/** `...:listener-rule/app/{lb-name}/{lb-id}/{listener-id}/{id}` */
export function ruleArn(listenerArn: string): string {
  return `${listenerArn.replace(':listener/', ':listener-rule/')}/${hex16()}`
}

export function dnsName(name: string, scheme: string, region: string): string {
  const digits = String(randomInt(1_000_000_000, 10_000_000_000))
  return `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${region}.elb.amazonaws.com`
}

/** the kind of resource an ELBv2 ARN names, from its resource part */
export function arnKind(
  arn: string
): 'loadbalancer' | 'targetgroup' | 'listener' | 'listener-rule' | undefined {
  const match =
    /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:[^:]*:(loadbalancer|targetgroup|listener|listener-rule)\//.exec(
      arn
    )
  return match?.[1] as 'loadbalancer' | 'targetgroup' | 'listener' | 'listener-rule' | undefined
}
