import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { listenerArn, ruleArn } from './arns.js'
import { readActions } from './actions.js'
import { renderActions } from './action-configs.js'
import type { Elbv2Model } from './model.js'
import {
  list,
  optionalInt,
  optionalString,
  page,
  type Params,
  requiredString,
  stringList,
  validationError
} from './params.js'
import type { Listener } from './state.js'
import { watchForwardWrite } from './safety.js'
import { applyTags, readTags } from './tags.js'

const PROTOCOLS = ['HTTP', 'HTTPS']
const MAX_LISTENERS_PER_LOAD_BALANCER = 50
const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08'

export function createListenerOp(model: Elbv2Model, params: Params): object {
  const lb = model.loadBalancer(requiredString(params, 'LoadBalancerArn'))
  const protocol = optionalString(params, 'Protocol')
  if (protocol === undefined) throw validationError('A protocol must be specified')
  checkProtocol(protocol)
  const port = optionalInt(params, 'Port', { min: 1, max: 65535 })
  if (port === undefined) throw validationError('A port must be specified')
  const certificates = list(params, 'Certificates')
  if (protocol === 'HTTPS' && certificates.length === 0) {
    throw validationError('A certificate must be specified for HTTPS listeners')
  }
  checkPortFree(model, lb.arn, port, undefined)
  if (lb.listenerArns.size >= MAX_LISTENERS_PER_LOAD_BALANCER) {
    throw new AwsError(
      'TooManyListeners',
      `A load balancer cannot have more than '${MAX_LISTENERS_PER_LOAD_BALANCER}' listeners`
    )
  }
  const actions = readActions(model, params, 'DefaultActions', lb.arn)
  const tags = readTags(params)

  const arn = listenerArn(lb.arn)
  const listener: Listener = {
    arn,
    loadBalancerArn: lb.arn,
    port,
    protocol,
    defaultRule: {
      arn: ruleArn(arn),
      listenerArn: arn,
      priority: Number.POSITIVE_INFINITY,
      isDefault: true,
      conditions: [],
      actions,
      tags: new Map()
    },
    ruleArns: new Set(),
    tags: new Map()
  }
  if (protocol === 'HTTPS') {
    listener.certificates = structuredClone(certificates)
    listener.sslPolicy = optionalString(params, 'SslPolicy') ?? DEFAULT_SSL_POLICY
  }
  const alpn = list(params, 'AlpnPolicy')
  if (alpn.length > 0) listener.alpnPolicy = structuredClone(alpn)
  applyTags(listener.tags, tags)

  model.listeners.set(arn, listener)
  model.rules.set(listener.defaultRule.arn, listener.defaultRule)
  lb.listenerArns.add(arn)
  model.reindex()
  return { Listeners: [renderListener(listener)] }
}

export function describeListenersOp(model: Elbv2Model, params: Params): object {
  const arns = stringList(params, 'ListenerArns')
  const loadBalancerArn = optionalString(params, 'LoadBalancerArn')
  if (arns.length > 0 && loadBalancerArn !== undefined) {
    throw validationError(
      'Listener ARNs and a load balancer ARN cannot be specified at the same time'
    )
  }
  let found: Listener[]
  if (arns.length > 0) {
    found = arns.map((arn) => model.listener(arn))
  } else if (loadBalancerArn !== undefined) {
    const lb = model.loadBalancer(loadBalancerArn)
    found = [...lb.listenerArns].map((arn) => model.listener(arn))
  } else {
    throw validationError('You must specify either listener ARNs or a load balancer ARN')
  }
  const { items, NextMarker } = page(found, params)
  return { Listeners: items.map(renderListener), ...(NextMarker ? { NextMarker } : {}) }
}

export function modifyListenerOp(model: Elbv2Model, params: Params, ctx: CallContext): object {
  const listener = model.listener(requiredString(params, 'ListenerArn'))
  const protocol = optionalString(params, 'Protocol')
  if (protocol !== undefined) checkProtocol(protocol)
  const port = optionalInt(params, 'Port', { min: 1, max: 65535 })
  if (port !== undefined) checkPortFree(model, listener.loadBalancerArn, port, listener.arn)
  const certificates = list(params, 'Certificates')
  const nextProtocol = protocol ?? listener.protocol
  if (nextProtocol === 'HTTPS' && certificates.length === 0 && !listener.certificates) {
    throw validationError('A certificate must be specified for HTTPS listeners')
  }
  const actions =
    params.DefaultActions === undefined
      ? undefined
      : readActions(
          model,
          params,
          'DefaultActions',
          listener.loadBalancerArn,
          listener.defaultRule.actions
        )

  // every check passed: now change, so that a refusal changes nothing
  if (port !== undefined) listener.port = port
  if (protocol !== undefined) listener.protocol = protocol
  if (certificates.length > 0) listener.certificates = structuredClone(certificates)
  if (listener.protocol === 'HTTPS') {
    listener.sslPolicy =
      optionalString(params, 'SslPolicy') ?? listener.sslPolicy ?? DEFAULT_SSL_POLICY
  } else {
    delete listener.sslPolicy
    delete listener.certificates
  }
  if (actions) {
    listener.defaultRule.actions = actions
    model.reindex()
    watchForwardWrite(model, 'ModifyListener', listener, listener.defaultRule, ctx)
  }
  return { Listeners: [renderListener(listener)] }
}

export function deleteListenerOp(model: Elbv2Model, params: Params): object {
  const listener = model.listener(requiredString(params, 'ListenerArn'))
  for (const arn of listener.ruleArns) model.rules.delete(arn)
  model.rules.delete(listener.defaultRule.arn)
  model.listeners.delete(listener.arn)
  model.loadBalancers.get(listener.loadBalancerArn)?.listenerArns.delete(listener.arn)
  model.reindex()
  return {}
}

function checkProtocol(protocol: string): void {
  if (!PROTOCOLS.includes(protocol)) {
    throw new AwsError(
      'UnsupportedProtocol',
      `Protocol '${protocol}' is not supported for load balancers of type 'application'`
    )
  }
}

function checkPortFree(
  model: Elbv2Model,
  loadBalancerArn: string,
  port: number,
  except: string | undefined
): void {
  const lb = model.loadBalancer(loadBalancerArn)
  for (const arn of lb.listenerArns) {
    if (arn !== except && model.listener(arn).port === port) {
      throw new AwsError(
        'DuplicateListener',
        `A listener already exists on this port for this load balancer '${loadBalancerArn}'`
      )
    }
  }
}

export function renderListener(listener: Listener): object {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    Certificates: listener.certificates && structuredClone(listener.certificates),
    SslPolicy: listener.sslPolicy,
    DefaultActions: renderActions(listener.defaultRule.actions),
    AlpnPolicy: listener.alpnPolicy && structuredClone(listener.alpnPolicy)
  }
}
