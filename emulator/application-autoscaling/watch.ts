import { invokePolicy } from './invoke.js'
import type { AasModel } from './model.js'
import { serviceOf } from './resources.js'
import { removeTarget } from './targets.js'

/** Auto Scaling actions are repeated each minute an alarm stays in ALARM. */
const REPEAT_MS = 60_000

/**
 * What Application Auto Scaling does on its own by simulated time `simNow`, after CloudWatch has
 * evaluated its alarms: every alarm in ALARM with actions enabled invokes each scaling policy its
 * AlarmActions name, at once when it enters ALARM and then once a minute while it stays there
 * ("except for Auto Scaling actions, the actions happen only on state transitions", CloudWatch
 * alarm actions). That covers a target tracking policy's own alarms and a caller's alarm that
 * names a step scaling policy alike. A target whose ECS service was deleted is deregistered with
 * its policies, as AWS does.
 */
export function advanceScaling(model: AasModel, simNow: number): void {
  for (const target of [...model.targets.values()]) {
    if (!serviceOf(model, target)) removeTarget(model, target)
  }
  if (model.policies.size === 0) return
  const seen = new Set<string>()
  for (const alarm of model.cloudwatch.alarms.values()) {
    if (alarm.state !== 'ALARM' || !alarm.actionsEnabled) continue
    for (const action of alarm.alarmActions) {
      const policy = model.policies.get(action)
      if (!policy || policy.target.region !== alarm.region) continue
      const key = `${policy.arn} ${alarm.name}`
      seen.add(key)
      const last = model.invocations.get(key)
      const due =
        !last ||
        last.transitionedAt !== alarm.stateTransitionedAt ||
        simNow - last.lastSim >= REPEAT_MS
      if (!due) continue
      model.invocations.set(key, { transitionedAt: alarm.stateTransitionedAt, lastSim: simNow })
      invokePolicy(model, policy, alarm, simNow)
    }
  }
  // an alarm that left ALARM invokes again as soon as it is back
  for (const key of [...model.invocations.keys()]) if (!seen.has(key)) model.invocations.delete(key)
}
