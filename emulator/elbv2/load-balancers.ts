import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { dnsName, loadBalancerArn } from './arns.js'
import type { Elbv2Model } from './model.js'
import { checkName, DEFAULT_VPC } from './names.js'
import {
  objectList,
  optionalString,
  page,
  selectByName,
  type Params,
  requiredString,
  stringList,
  validationError
} from './params.js'
import type { LoadBalancer } from './state.js'
import { applyTags, readTags } from './tags.js'

const SCHEMES = ['internet-facing', 'internal']

export function createLoadBalancerOp(model: Elbv2Model, params: Params, ctx: CallContext): object {
  const name = requiredString(params, 'Name')
  checkName(name, 'Load balancer')
  const type = optionalString(params, 'Type') ?? 'application'
  if (type !== 'application') {
    throw validationError(
      `The emulator simulates load balancers of type 'application' only, not '${type}'`
    )
  }
  const scheme = optionalString(params, 'Scheme') ?? 'internet-facing'
  if (!SCHEMES.includes(scheme)) {
    throw validationError(
      `1 validation error detected: Value '${scheme}' at 'scheme' failed to satisfy constraint: Member must satisfy enum value set: [${SCHEMES.join(', ')}]`
    )
  }
  const subnets = [
    ...stringList(params, 'Subnets'),
    ...objectList(params, 'SubnetMappings').map((mapping) => requiredString(mapping, 'SubnetId'))
  ]
  const tags = readTags(params)

  const existing = [...model.loadBalancers.values()].find(
    (lb) => lb.region === ctx.region && lb.name === name
  )
  if (existing) {
    // AWS answers an identical repeat with the existing load balancer
    if (existing.scheme === scheme && existing.type === type)
      return { LoadBalancers: [renderLoadBalancer(existing)] }
    throw new AwsError(
      'DuplicateLoadBalancerName',
      `A load balancer with the same name '${name}' exists, but with different settings`
    )
  }

  const lb: LoadBalancer = {
    arn: loadBalancerArn(ctx, name),
    name,
    region: ctx.region,
    dnsName: dnsName(name, scheme, ctx.region),
    scheme,
    type,
    vpcId: DEFAULT_VPC,
    ipAddressType: optionalString(params, 'IpAddressType') ?? 'ipv4',
    subnets:
      subnets.length > 0 ? subnets : ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    securityGroups: stringList(params, 'SecurityGroups'),
    createdTime: new Date(model.clock.wallNow()).toISOString(),
    tags: new Map(),
    listenerArns: new Set()
  }
  applyTags(lb.tags, tags)
  model.loadBalancers.set(lb.arn, lb)
  return { LoadBalancers: [renderLoadBalancer(lb)] }
}

export function describeLoadBalancersOp(
  model: Elbv2Model,
  params: Params,
  ctx: CallContext
): object {
  const arns = stringList(params, 'LoadBalancerArns')
  const names = stringList(params, 'Names')
  if (arns.length > 0 && names.length > 0) {
    throw validationError(
      'Load balancer names and load balancer ARNs cannot be specified at the same time'
    )
  }
  let found: LoadBalancer[]
  if (arns.length > 0) {
    found = arns.map((arn) => {
      const lb = model.loadBalancers.get(arn)
      if (!lb) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found')
      return lb
    })
  } else {
    found = selectByName(model.loadBalancers.values(), ctx.region, names, {
      code: 'LoadBalancerNotFound',
      noun: 'Load balancers'
    })
  }
  const { items, NextMarker } = page(found, params)
  return { LoadBalancers: items.map(renderLoadBalancer), ...(NextMarker ? { NextMarker } : {}) }
}

export function renderLoadBalancer(lb: LoadBalancer): object {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((subnet, index) => ({
      ZoneName: `${lb.region}${String.fromCharCode(97 + (index % 6))}`,
      SubnetId: subnet,
      LoadBalancerAddresses: []
    })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: lb.ipAddressType
  }
}
