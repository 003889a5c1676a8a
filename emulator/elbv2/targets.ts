import { isIPv4 } from 'node:net'
import { AwsError } from '../core/errors.js'
import { DEREGISTRATION_DELAY } from './attributes.js'
import type { Elbv2Model } from './model.js'
import {
  notNull,
  objectList,
  optionalInt,
  optionalString,
  type Params,
  requiredString
} from './params.js'
import { type Target, type TargetGroup, targetKey } from './state.js'

const MAX_TARGETS_PER_GROUP = 1000

/** Registers `id:port`; a target that is already registered (and not draining) is left as it is. */
export function registerTarget(
  group: TargetGroup,
  id: string,
  port: number,
  simNow: number,
  availabilityZone?: string
): void {
  const existing = group.targets.get(targetKey(id, port))
  if (existing && existing.state !== 'draining') return
  const target: Target = { id, port, state: 'initial', passes: 0, fails: 0, nextCheckAt: 0 }
  if (availabilityZone !== undefined) target.availabilityZone = availabilityZone
  if (group.loadBalancerArns.size > 0) startChecking(group, target, simNow)
  else markUnused(target)
  group.targets.set(targetKey(id, port), target)
}

/** Starts draining `id:port` for the group's deregistration delay; unused targets go at once. */
export function deregisterTarget(
  group: TargetGroup,
  id: string,
  port: number,
  simNow: number
): void {
  const key = targetKey(id, port)
  const target = group.targets.get(key)
  if (!target || target.state === 'draining') return
  if (target.state === 'unused') {
    group.targets.delete(key)
    return
  }
  const delaySeconds = Number(group.attributes.get(DEREGISTRATION_DELAY) ?? '300')
  target.state = 'draining'
  target.reason = 'Target.DeregistrationInProgress'
  target.description = 'Target deregistration is in progress'
  target.drainUntil = simNow + delaySeconds * 1000
}

export function startChecking(group: TargetGroup, target: Target, simNow: number): void {
  target.state = 'initial'
  target.reason = 'Elb.RegistrationInProgress'
  target.description = 'Target registration is in progress'
  target.passes = 0
  target.fails = 0
  target.nextCheckAt = simNow + group.healthCheck.intervalSeconds * 1000
}

export function markUnused(target: Target): void {
  target.state = 'unused'
  target.reason = 'Target.NotInUse'
  target.description = 'Target group is not configured to receive traffic from the load balancer'
  target.passes = 0
  target.fails = 0
}

function readTargets(
  group: TargetGroup,
  params: Params
): { id: string; port: number; availabilityZone?: string }[] {
  const targets = objectList(params, 'Targets')
  if (targets.length === 0) throw notNull('Targets')
  return targets.map((target) => {
    const id = requiredString(target, 'Id')
    const port = optionalInt(target, 'Port', { min: 1, max: 65535 }) ?? group.port
    if (port === undefined) {
      throw new AwsError('ValidationError', `A port must be specified for target '${id}'`)
    }
    if (group.targetType === 'ip' && !isIPv4(id)) {
      throw new AwsError('InvalidTarget', `The IP address '${id}' is not a valid IPv4 address`)
    }
    if (group.targetType === 'instance' && !/^i-[0-9a-f]{8,17}$/.test(id)) {
      throw new AwsError('InvalidTarget', `The following targets are not valid instances: '${id}'`)
    }
    const availabilityZone = optionalString(target, 'AvailabilityZone')
    return availabilityZone === undefined ? { id, port } : { id, port, availabilityZone }
  })
}

export function registerTargetsOp(model: Elbv2Model, params: Params): object {
  const group = model.targetGroup(requiredString(params, 'TargetGroupArn'))
  const targets = readTargets(group, params)
  const fresh = targets.filter(({ id, port }) => !group.targets.has(targetKey(id, port))).length
  if (group.targets.size + fresh > MAX_TARGETS_PER_GROUP) {
    throw new AwsError(
      'TooManyTargets',
      `A target group cannot have more than ${MAX_TARGETS_PER_GROUP} targets`
    )
  }
  const now = model.clock.simNow()
  for (const { id, port, availabilityZone } of targets)
    registerTarget(group, id, port, now, availabilityZone)
  return {}
}

export function deregisterTargetsOp(model: Elbv2Model, params: Params): object {
  const group = model.targetGroup(requiredString(params, 'TargetGroupArn'))
  const now = model.clock.simNow()
  for (const { id, port } of readTargets(group, params)) deregisterTarget(group, id, port, now)
  return {}
}

export function describeTargetHealthOp(model: Elbv2Model, params: Params): object {
  const group = model.targetGroup(requiredString(params, 'TargetGroupArn'))
  const asked = objectList(params, 'Targets')
  if (asked.length === 0) {
    return {
      TargetHealthDescriptions: [...group.targets.values()].map((target) => describe(group, target))
    }
  }
  return {
    TargetHealthDescriptions: asked.map((raw) => {
      const id = requiredString(raw, 'Id')
      const port = optionalInt(raw, 'Port', { min: 1, max: 65535 }) ?? group.port ?? 0
      const target = group.targets.get(targetKey(id, port))
      if (target) return describe(group, target)
      return {
        Target: { Id: id, Port: port },
        HealthCheckPort: healthCheckPort(group, port),
        TargetHealth: {
          State: 'unused',
          Reason: 'Target.NotRegistered',
          Description: 'Target is not registered to the target group'
        }
      }
    })
  }
}

function healthCheckPort(group: TargetGroup, port: number): string {
  return group.healthCheck.port === 'traffic-port' ? String(port) : group.healthCheck.port
}

function describe(group: TargetGroup, target: Target): object {
  return {
    Target: { Id: target.id, Port: target.port, AvailabilityZone: target.availabilityZone },
    HealthCheckPort: healthCheckPort(group, target.port),
    TargetHealth:
      target.state === 'healthy'
        ? { State: 'healthy' }
        : { State: target.state, Reason: target.reason, Description: target.description }
  }
}
