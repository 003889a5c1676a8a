import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { readActions } from './actions.js'
import { renderActions } from './action-configs.js'
import { ruleArn } from './arns.js'
import { readConditions } from './conditions.js'
import type { Elbv2Model } from './model.js'
import {
  notNull,
  objectList,
  optionalInt,
  optionalString,
  page,
  type Params,
  requiredString,
  stringList,
  validationError
} from './params.js'
import type { Listener, Rule } from './state.js'
import { watchForwardWrite } from './safety.js'
import { applyTags, readTags } from './tags.js'

/** Service Quotas: rules per Application Load Balancer, not counting default rules */
const MAX_RULES_PER_LOAD_BALANCER = 100
const PRIORITY_RANGE = { min: 1, max: 50000 }

export function createRuleOp(model: Elbv2Model, params: Params): object {
  const listener = model.listener(requiredString(params, 'ListenerArn'))
  const priority = optionalInt(params, 'Priority', PRIORITY_RANGE)
  if (priority === undefined) throw notNull('Priority')
  const conditions = readConditions(params)
  if (conditions.length === 0) throw notNull('Conditions')
  const actions = readActions(model, params, 'Actions', listener.loadBalancerArn)
  const tags = readTags(params)
  checkPriorityFree(model, listener, priority, new Set())
  // the quota is per load balancer, over all its listeners, default rules not counted
  const balancer = model.loadBalancer(listener.loadBalancerArn)
  const rules = [...balancer.listenerArns].reduce(
    (sum, arn) => sum + (model.listeners.get(arn)?.ruleArns.size ?? 0),
    0
  )
  if (rules >= MAX_RULES_PER_LOAD_BALANCER) {
    throw new AwsError(
      'TooManyRules',
      `A load balancer cannot have more than '${MAX_RULES_PER_LOAD_BALANCER}' rules, not counting the default rules of its listeners`
    )
  }

  const rule: Rule = {
    arn: ruleArn(listener.arn),
    listenerArn: listener.arn,
    priority,
    isDefault: false,
    conditions,
    actions,
    tags: new Map()
  }
  applyTags(rule.tags, tags)
  model.rules.set(rule.arn, rule)
  listener.ruleArns.add(rule.arn)
  model.reindex()
  return { Rules: [renderRule(rule)] }
}

export function describeRulesOp(model: Elbv2Model, params: Params): object {
  const arns = stringList(params, 'RuleArns')
  const listenerArn = optionalString(params, 'ListenerArn')
  if (arns.length > 0 && listenerArn !== undefined) {
    throw validationError('Rule ARNs and a listener ARN cannot be specified at the same time')
  }
  let found: Rule[]
  if (arns.length > 0) found = arns.map((arn) => model.rule(arn))
  else if (listenerArn !== undefined) found = model.rulesOf(model.listener(listenerArn))
  else throw validationError('You must specify either listener ARN or rule ARNs')
  const { items, NextMarker } = page(found, params)
  return { Rules: items.map(renderRule), ...(NextMarker ? { NextMarker } : {}) }
}

export function modifyRuleOp(model: Elbv2Model, params: Params, ctx: CallContext): object {
  const rule = model.rule(requiredString(params, 'RuleArn'))
  const listener = model.listener(rule.listenerArn)
  let conditions: Rule['conditions'] | undefined
  if (params.Conditions !== undefined) {
    if (rule.isDefault) {
      throw new AwsError(
        'OperationNotPermitted',
        'The conditions of a default rule cannot be modified'
      )
    }
    conditions = readConditions(params)
    if (conditions.length === 0) throw notNull('Conditions')
  }
  const actions =
    params.Actions === undefined
      ? undefined
      : readActions(model, params, 'Actions', listener.loadBalancerArn, rule.actions)
  if (conditions) rule.conditions = conditions
  if (actions) {
    rule.actions = actions
    model.reindex()
    watchForwardWrite(model, 'ModifyRule', listener, rule, ctx)
  }
  return { Rules: [renderRule(rule)] }
}

export function deleteRuleOp(model: Elbv2Model, params: Params): object {
  const rule = model.rule(requiredString(params, 'RuleArn'))
  if (rule.isDefault) throw new AwsError('OperationNotPermitted', 'Default rule cannot be deleted')
  model.rules.delete(rule.arn)
  model.listeners.get(rule.listenerArn)?.ruleArns.delete(rule.arn)
  model.reindex()
  return {}
}

export function setRulePrioritiesOp(model: Elbv2Model, params: Params): object {
  const pairs = objectList(params, 'RulePriorities')
  if (pairs.length === 0) throw notNull('RulePriorities')
  const changes = pairs.map((pair) => {
    const rule = model.rule(requiredString(pair, 'RuleArn'))
    if (rule.isDefault)
      throw new AwsError(
        'OperationNotPermitted',
        'The priority of a default rule cannot be modified'
      )
    const priority = optionalInt(pair, 'Priority', PRIORITY_RANGE)
    if (priority === undefined) throw notNull('Priority')
    return { rule, priority }
  })
  const moving = new Set(changes.map(({ rule }) => rule.arn))
  const claimed = new Map<string, Set<number>>()
  for (const { rule, priority } of changes) {
    const taken = claimed.get(rule.listenerArn) ?? new Set<number>()
    if (taken.has(priority)) throw priorityInUse(priority)
    taken.add(priority)
    claimed.set(rule.listenerArn, taken)
    checkPriorityFree(model, model.listener(rule.listenerArn), priority, moving)
  }
  for (const { rule, priority } of changes) rule.priority = priority
  return { Rules: changes.map(({ rule }) => renderRule(rule)) }
}

/** refuses a priority another rule of the listener has, unless that rule is itself moving */
function checkPriorityFree(
  model: Elbv2Model,
  listener: Listener,
  priority: number,
  moving: Set<string>
): void {
  for (const arn of listener.ruleArns) {
    if (!moving.has(arn) && model.rule(arn).priority === priority) throw priorityInUse(priority)
  }
}

function priorityInUse(priority: number): AwsError {
  return new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`)
}

export function renderRule(rule: Rule): object {
  return {
    RuleArn: rule.arn,
    Priority: rule.isDefault ? 'default' : String(rule.priority),
    Conditions: structuredClone(rule.conditions),
    Actions: renderActions(rule.actions),
    IsDefault: rule.isDefault
  }
}
