/**
 * The blue/green, linear and canary fields of `deploymentConfiguration`, validated and with the
 * defaults ECS fills in (the API reference's ranges; CreateService and UpdateService refuse what
 * is out of them with InvalidParameterException and change nothing).
 */
import { invalid, optionalList, optionalObject, optionalString, type Params } from '../params.js'
import type { DeploymentConfiguration, LoadBalancerRef } from '../state.js'
import { HOOK_STAGES, type HookConfig, MANAGED_STRATEGIES, STRATEGIES } from './state.js'

const MAX_MINUTES = 1440
const PAUSE_FORBIDDEN = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']
const HOOK_TYPES = ['AWS_LAMBDA', 'PAUSE']
const HOOK_ACTIONS = ['CONTINUE', 'ROLLBACK']

export function isManagedStrategy(configuration: DeploymentConfiguration): boolean {
  return MANAGED_STRATEGIES.includes(String(configuration.strategy ?? 'ROLLING'))
}

/**
 * Checks the merged configuration `next` (what UpdateService gave over what the service had);
 * `given` is the request's own deploymentConfiguration. Drops the configuration of a strategy
 * the request moved away from, and fills in the defaults of the one in use.
 */
export function checkStrategy(
  next: DeploymentConfiguration,
  given: Params,
  loadBalancers: LoadBalancerRef[]
): void {
  const strategy = String(next.strategy ?? 'ROLLING')
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw invalid(
      `Invalid value for deploymentConfiguration.strategy: '${strategy}'. Valid values are ${STRATEGIES.join(', ')}.`
    )
  }
  next.strategy = strategy
  for (const [key, owner] of [
    ['linearConfiguration', 'LINEAR'],
    ['canaryConfiguration', 'CANARY']
  ] as const) {
    if (next[key] === undefined || next[key] === null) continue
    if (strategy !== owner) {
      if (given[key] !== undefined && given[key] !== null) {
        throw invalid(
          `${key} is only valid when the deployment strategy is ${owner}, not ${strategy}.`
        )
      }
      delete next[key]
    }
  }
  const managed = MANAGED_STRATEGIES.includes(strategy)
  const bake = next.bakeTimeInMinutes
  if (bake !== undefined && bake !== null) {
    if (!managed && given.bakeTimeInMinutes !== undefined) {
      throw invalid(
        'bakeTimeInMinutes is only valid for the BLUE_GREEN, LINEAR and CANARY deployment strategies.'
      )
    }
    next.bakeTimeInMinutes = minutes(bake, 'deploymentConfiguration.bakeTimeInMinutes')
  }
  const hooks = optionalList(next, 'lifecycleHooks')
  if (hooks && hooks.length > 0 && !managed) {
    if (given.lifecycleHooks !== undefined)
      throw invalid(
        'lifecycleHooks are only valid for the BLUE_GREEN, LINEAR and CANARY deployment strategies.'
      )
    delete next.lifecycleHooks
  }
  if (hooks) next.lifecycleHooks = hooks.map((hook, i) => readHook(hook, i))
  if (strategy === 'LINEAR') {
    const linear = optionalObject(next, 'linearConfiguration') ?? {}
    next.linearConfiguration = {
      stepPercent: percent(linear.stepPercent, 'linearConfiguration.stepPercent', 3, 10),
      stepBakeTimeInMinutes: minutes(
        linear.stepBakeTimeInMinutes ?? 6,
        'linearConfiguration.stepBakeTimeInMinutes'
      )
    }
  }
  if (strategy === 'CANARY') {
    const canary = optionalObject(next, 'canaryConfiguration') ?? {}
    next.canaryConfiguration = {
      canaryPercent: percent(canary.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1, 5),
      canaryBakeTimeInMinutes: minutes(
        canary.canaryBakeTimeInMinutes ?? 10,
        'canaryConfiguration.canaryBakeTimeInMinutes'
      )
    }
  }
  if (managed) {
    next.bakeTimeInMinutes ??= 0
    for (const lb of loadBalancers) {
      if (!lb.advancedConfiguration) {
        throw invalid(
          `The load balancer with targetGroupArn ${lb.targetGroupArn} must have an advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn) when the deployment strategy is ${strategy}.`
        )
      }
    }
  }
}

/** the configured hooks of a configuration that passed checkStrategy */
export function hooksOf(configuration: Record<string, unknown>): HookConfig[] {
  const hooks = (configuration.lifecycleHooks ?? []) as Params[]
  return hooks.map((hook) => {
    const timeout = (hook.timeoutConfiguration ?? {}) as Params
    return {
      targetType: (hook.targetType ?? 'AWS_LAMBDA') as HookConfig['targetType'],
      ...(typeof hook.hookTargetArn === 'string' ? { hookTargetArn: hook.hookTargetArn } : {}),
      ...(typeof hook.roleArn === 'string' ? { roleArn: hook.roleArn } : {}),
      lifecycleStages: (hook.lifecycleStages ?? []) as string[],
      timeoutInMinutes: (timeout.timeoutInMinutes ?? MAX_MINUTES) as number,
      timeoutAction: (timeout.action ?? 'ROLLBACK') as HookConfig['timeoutAction']
    }
  })
}

function readHook(raw: unknown, index: number): Params {
  const at = `deploymentConfiguration.lifecycleHooks[${index}]`
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid(`${at} must be an object.`)
  const hook = raw as Params
  const targetType = optionalString(hook, 'targetType') ?? 'AWS_LAMBDA'
  if (!HOOK_TYPES.includes(targetType)) {
    throw invalid(
      `Invalid value for ${at}.targetType: '${targetType}'. Valid values are AWS_LAMBDA, PAUSE.`
    )
  }
  const target = optionalString(hook, 'hookTargetArn')
  if (targetType === 'AWS_LAMBDA' && !target)
    throw invalid(`${at}.hookTargetArn must be specified for an AWS_LAMBDA lifecycle hook.`)
  if (targetType === 'PAUSE' && target !== undefined)
    throw invalid(`${at}.hookTargetArn is not applicable to a PAUSE lifecycle hook.`)
  if (targetType === 'AWS_LAMBDA' && !/^arn:aws[a-z-]*:lambda:/.test(target ?? ''))
    throw invalid(`${at}.hookTargetArn must be the ARN of a Lambda function, got '${target}'.`)
  const role = optionalString(hook, 'roleArn')
  if (targetType === 'AWS_LAMBDA' && !role)
    throw invalid(`${at}.roleArn must be specified for an AWS_LAMBDA lifecycle hook.`)
  const stages = optionalList(hook, 'lifecycleStages') ?? []
  if (stages.length === 0) throw invalid(`${at}.lifecycleStages must be specified.`)
  for (const stage of stages) {
    if (typeof stage !== 'string' || !(HOOK_STAGES as readonly string[]).includes(stage)) {
      throw invalid(
        `Invalid value for ${at}.lifecycleStages: '${String(stage)}'. Valid values are ${HOOK_STAGES.join(', ')}.`
      )
    }
    if (targetType === 'PAUSE' && PAUSE_FORBIDDEN.includes(stage)) {
      throw invalid(
        `PAUSE lifecycle hooks cannot be configured at the ${stage} stage; that stage is only valid for AWS_LAMBDA hooks.`
      )
    }
  }
  const timeout = optionalObject(hook, 'timeoutConfiguration')
  const out: Params = { ...structuredClone(hook), targetType, lifecycleStages: [...stages] }
  if (timeout) {
    const inMinutes = timeout.timeoutInMinutes ?? MAX_MINUTES
    if (
      typeof inMinutes !== 'number' ||
      !Number.isInteger(inMinutes) ||
      inMinutes < 1 ||
      inMinutes > MAX_MINUTES
    ) {
      throw invalid(
        `${at}.timeoutConfiguration.timeoutInMinutes must be an integer between 1 and ${MAX_MINUTES}, got ${String(inMinutes)}.`
      )
    }
    const action = optionalString(timeout, 'action') ?? 'ROLLBACK'
    if (!HOOK_ACTIONS.includes(action)) {
      throw invalid(
        `Invalid value for ${at}.timeoutConfiguration.action: '${action}'. Valid values are CONTINUE, ROLLBACK.`
      )
    }
    out.timeoutConfiguration = { timeoutInMinutes: inMinutes, action }
  }
  return out
}

function minutes(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_MINUTES) {
    throw invalid(`${key} must be an integer between 0 and ${MAX_MINUTES}, got ${String(value)}.`)
  }
  return value
}

/** a percentage that is a multiple of 0.1 between `min` and 100 */
function percent(value: unknown, key: string, min: number, fallback: number): number {
  if (value === undefined || value === null) return fallback
  const tenths = typeof value === 'number' ? Math.round(value * 10) : NaN
  if (
    typeof value !== 'number' ||
    Math.abs(tenths - value * 10) > 1e-6 ||
    value < min ||
    value > 100
  ) {
    throw invalid(
      `${key} must be a multiple of 0.1 between ${min.toFixed(1)} and 100.0, got ${String(value)}.`
    )
  }
  return tenths / 10
}
