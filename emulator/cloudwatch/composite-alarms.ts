import type { CallContext } from '../core/contracts.js'
import { checkAlarmTags, readAlarmDescription, readAlarmName } from './alarm-fields.js'
import { alarmsOf, holds, parseAlarmRule, type AlarmRule } from './alarm-rule.js'
import type { CloudWatchModel } from './model.js'
import { invalidValue, optionalBool, type Params, requiredString, stringList } from './params.js'
import type { AlarmState } from './state.js'

/** PutCompositeAlarm: at most 100 alarms in one rule; one alarm in at most 150 rules. */
const MAX_ALARMS_IN_RULE = 100
const MAX_RULES_PER_ALARM = 150

export interface CompositeAlarm {
  name: string
  arn: string
  region: string
  description?: string
  rule: AlarmRule
  ruleText: string
  actionsEnabled: boolean
  okActions: string[]
  alarmActions: string[]
  insufficientDataActions: string[]
  state: AlarmState
  stateReason: string
  stateUpdatedAt: number
  stateTransitionedAt: number
  configurationUpdatedAt: number
}

/**
 * PutCompositeAlarm. A new composite starts INSUFFICIENT_DATA, the only time it is, and is
 * evaluated at the next step; an update keeps the state and replaces the configuration.
 */
export function putCompositeAlarmOp(
  model: CloudWatchModel,
  params: Params,
  ctx: CallContext
): object {
  const name = readAlarmName(params)
  const description = readAlarmDescription(params)
  checkAlarmTags(params)
  const key = `${ctx.region}/${name}`
  if (model.alarms.has(key)) {
    throw invalidValue(`An alarm named ${name} already exists and is a metric alarm.`)
  }
  const ruleText = requiredString(params, 'AlarmRule')
  const rule = parseAlarmRule(ruleText)
  const named = alarmsOf(rule)
  if (named.length > MAX_ALARMS_IN_RULE) {
    throw invalidValue(`An AlarmRule can name at most ${MAX_ALARMS_IN_RULE} alarms.`)
  }
  for (const alarm of named) {
    const users = [...model.composites.values()].filter(
      (c) => c.name !== name && c.region === ctx.region && alarmsOf(c.rule).includes(alarm)
    ).length
    if (users >= MAX_RULES_PER_ALARM) {
      throw invalidValue(
        `The alarm ${alarm} is already in the rules of ${MAX_RULES_PER_ALARM} composite alarms.`
      )
    }
  }
  const existing = model.composites.get(key)
  const now = model.clock.wallNow()
  const composite: CompositeAlarm = {
    name,
    arn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`,
    region: ctx.region,
    rule,
    ruleText,
    actionsEnabled: optionalBool(params, 'ActionsEnabled') ?? true,
    okActions: stringList(params, 'OKActions'),
    alarmActions: stringList(params, 'AlarmActions'),
    insufficientDataActions: stringList(params, 'InsufficientDataActions'),
    state: existing?.state ?? 'INSUFFICIENT_DATA',
    stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
    stateUpdatedAt: existing?.stateUpdatedAt ?? now,
    stateTransitionedAt: existing?.stateTransitionedAt ?? now,
    configurationUpdatedAt: now
  }
  if (description !== undefined) composite.description = description
  model.composites.set(key, composite)
  return {}
}

/** The composites that read `name` (or its ARN) in their rules. */
export function compositesReading(model: CloudWatchModel, region: string, name: string): string[] {
  return [...model.composites.values()]
    .filter((c) => c.region === region && alarmsOf(c.rule).some((a) => nameOf(a) === name))
    .map((c) => c.name)
}

function nameOf(alarm: string): string {
  const at = alarm.startsWith('arn:') ? alarm.lastIndexOf(':alarm:') : -1
  return at < 0 ? alarm : alarm.slice(at + ':alarm:'.length)
}

/** True when a composite reads itself through other composites. */
function inCycle(model: CloudWatchModel, start: CompositeAlarm): boolean {
  const home = `${start.region}/${start.name}`
  const seen = new Set<string>()
  const stack = [start]
  for (let c = stack.pop(); c; c = stack.pop()) {
    for (const alarm of alarmsOf(c.rule)) {
      const key = `${c.region}/${nameOf(alarm)}`
      if (key === home) return true
      const child = model.composites.get(key)
      if (child && !seen.has(key)) {
        seen.add(key)
        stack.push(child)
      }
    }
  }
  return false
}

/**
 * Sets each composite's state from its rule and the current states of the alarms it names:
 * ALARM when it holds, OK when not. A composite in a cycle is left as it is: CloudWatch stops
 * evaluating there.
 */
export function evaluateComposites(model: CloudWatchModel): void {
  const now = model.clock.wallNow()
  for (const composite of model.composites.values()) {
    if (inCycle(model, composite)) continue
    const stateOf = (alarm: string): AlarmState | undefined => {
      const key = `${composite.region}/${nameOf(alarm)}`
      return (model.alarms.get(key) ?? model.composites.get(key))?.state
    }
    const next: AlarmState = holds(composite.rule, stateOf) ? 'ALARM' : 'OK'
    if (next === composite.state) continue
    composite.state = next
    composite.stateReason = `The rule ${composite.ruleText} is ${next === 'ALARM' ? 'true' : 'false'}`
    composite.stateUpdatedAt = now
    composite.stateTransitionedAt = now
  }
}

export function renderComposite(c: CompositeAlarm): object {
  return {
    AlarmName: c.name,
    AlarmArn: c.arn,
    AlarmDescription: c.description,
    AlarmRule: c.ruleText,
    ActionsEnabled: c.actionsEnabled,
    OKActions: c.okActions,
    AlarmActions: c.alarmActions,
    InsufficientDataActions: c.insufficientDataActions,
    AlarmConfigurationUpdatedTimestamp: new Date(c.configurationUpdatedAt),
    StateValue: c.state,
    StateReason: c.stateReason,
    StateUpdatedTimestamp: new Date(c.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(c.stateTransitionedAt)
  }
}
