import type { Elbv2Model } from './model.js'
import type { CheckResult } from './probe.js'
import type { Target, TargetGroup } from './state.js'
import { markUnused, startChecking } from './targets.js'

/**
 * Advances every target group's health checks to simulated time `simNow`: each target is checked
 * on the group's own interval, and moves between initial, healthy and unhealthy by the group's
 * thresholds; draining targets leave when their deregistration delay is over.
 */
export function advanceHealth(model: Elbv2Model, simNow: number): void {
  for (const group of model.targetGroups.values()) {
    if (group.targets.size === 0) continue
    const inUse = group.loadBalancerArns.size > 0
    for (const [key, target] of group.targets) {
      if (target.state === 'draining') {
        if (simNow >= (target.drainUntil ?? 0)) group.targets.delete(key)
        continue
      }
      if (!inUse) {
        if (target.state !== 'unused') markUnused(target)
        continue
      }
      if (target.state === 'unused') startChecking(group, target, simNow)
      if (!group.healthCheck.enabled) {
        target.state = 'unavailable'
        target.reason = 'Target.HealthCheckDisabled'
        target.description = 'Health checks are disabled'
        continue
      }
      const interval = group.healthCheck.intervalSeconds * 1000
      while (target.nextCheckAt <= simNow) {
        check(model, group, target, target.nextCheckAt)
        target.nextCheckAt += interval
      }
    }
  }
}

function check(model: Elbv2Model, group: TargetGroup, target: Target, at: number): void {
  const port =
    group.healthCheck.port === 'traffic-port' ? target.port : Number(group.healthCheck.port)
  // ip targets (awsvpc tasks) and instance targets (bridge and host tasks) can be an emulated task
  const probed = group.targetType === 'ip' || group.targetType === 'instance'
  const result = probed ? model.probe.check(target.id, port, at) : 'timeout'
  if (result === 'pass') {
    target.passes++
    target.fails = 0
  } else {
    target.fails++
    target.passes = 0
  }
  const { healthyThreshold, unhealthyThreshold } = group.healthCheck
  if (target.state !== 'healthy' && target.passes >= healthyThreshold) {
    target.state = 'healthy'
    delete target.reason
    delete target.description
  } else if (
    result !== 'pass' &&
    (target.state === 'unhealthy' || target.fails >= unhealthyThreshold)
  ) {
    failed(target, result)
  } else if (target.state === 'initial') {
    target.reason = 'Elb.InitialHealthChecking'
    target.description = 'Initial health checks in progress'
  }
}

function failed(target: Target, result: CheckResult): void {
  target.state = 'unhealthy'
  if (result === 'timeout') {
    target.reason = 'Target.Timeout'
    target.description = 'Request timed out'
  } else {
    target.reason = 'Target.ResponseCodeMismatch'
    target.description = 'Health checks failed with these codes: [500]'
  }
}
