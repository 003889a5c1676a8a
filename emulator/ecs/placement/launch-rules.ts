import { invalid, optionalString, type Params } from '../params.js'
import type { TaskDefinitionRecord } from '../state.js'
import { readPlacementRules } from './rules.js'

const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']

/**
 * The launch type and placement of a CreateService, UpdateService or RunTask, checked against
 * the task definition as ECS checks them: the definition must be compatible with the launch type,
 * and Fargate takes no placement strategies or constraints. `launchType` is the one in force
 * (UpdateService keeps the service's).
 */
export function checkLaunch(
  params: Params,
  definition: TaskDefinitionRecord,
  launchType: string
): void {
  if (!LAUNCH_TYPES.includes(launchType)) {
    throw invalid(
      `1 validation error detected: Value '${launchType}' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [${LAUNCH_TYPES.join(', ')}]`
    )
  }
  const rules = readPlacementRules(
    params,
    (definition.body.placementConstraints ?? []) as unknown[]
  )
  // worded as ECS words them (CreateService error: "Placement constraints are not supported
  // with FARGATE launch type.", InvalidParameterException)
  if (launchType === 'FARGATE') {
    if ((rules.strategies?.length ?? 0) > 0) {
      throw invalid('Placement strategies are not supported with FARGATE launch type.')
    }
    if ((rules.constraints?.length ?? 0) > 0) {
      throw invalid('Placement constraints are not supported with FARGATE launch type.')
    }
  }
  const required = definition.body.requiresCompatibilities
  if (
    launchType === 'EC2' &&
    Array.isArray(required) &&
    required.length > 0 &&
    !required.includes('EC2')
  ) {
    throw invalid('Task definition does not support launch_type EC2.')
  }
}

/** the launch type a request asks for, FARGATE when it names none (as the emulator always did) */
export function requestedLaunchType(params: Params, current = 'FARGATE'): string {
  return optionalString(params, 'launchType') ?? current
}
