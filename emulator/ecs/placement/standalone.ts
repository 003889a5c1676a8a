import { AwsError } from '../../core/errors.js'
import type { ContainerInstance } from '../instances/state.js'
import type { EcsModel } from '../model.js'
import type { Params } from '../params.js'
import type { Cluster, TaskDefinitionRecord } from '../state.js'
import { runTaskFailureReason } from './launch.js'
import { place } from './place.js'

/** one of RunTask's `failures`: the container instance that came closest, and why it could not */
export interface RunTaskFailure {
  arn?: string
  reason: string
}

/**
 * Where RunTask puts one standalone task of `definition` on the cluster's instances, with the
 * request's strategies and constraints (the definition's own constraints are added by place()).
 * Spread and distinctInstance count the task's group (`family:<name>` unless the request names
 * one), as the developer guide says for standalone tasks. A cluster without a registered
 * instance is refused outright, as ECS refuses it; a task that fits on none of them is a failure
 * naming the closest instance and its shortfall (`RESOURCE:MEMORY`, `RESOURCE:CPU`,
 * `RESOURCE:PORTS`, ...), and the other tasks of the request still start.
 */
export function placeStandalone(
  model: EcsModel,
  cluster: Cluster,
  definition: TaskDefinitionRecord,
  params: Params,
  group: string
): { instance: ContainerInstance } | { failure: RunTaskFailure } {
  const result = place(model, cluster, definition, {
    group,
    // with none given, the emulator takes the instances in the order they registered
    strategies: (params.placementStrategy as Params[] | undefined) ?? [],
    constraints: (params.placementConstraints as Params[] | undefined) ?? []
  })
  if ('instance' in result) return { instance: result.instance }
  if (result.shortfall === 'NONE' && !result.closest) {
    throw new AwsError('InvalidParameterException', runTaskFailureReason('NONE'))
  }
  return {
    failure: {
      ...(result.closest ? { arn: result.closest.arn } : {}),
      reason: runTaskFailureReason(result.shortfall)
    }
  }
}
