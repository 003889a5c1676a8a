import { tgName } from '../discover.js'
import type { Pair } from '../state.js'
import type { ManagedRelease, ManagedService } from './state.js'

/**
 * The one service seen as the two sides the gates and reports know: the target group carrying
 * production traffic is the live side, the alternate one the side being deployed.
 */
export function asPair(service: ManagedService, release?: ManagedRelease): Pair {
  const side = (targetGroupArn: string, taskDefinitionArn: string) => ({
    service: service.name,
    targetGroupArn,
    targetGroupName: tgName(targetGroupArn),
    taskDefinitionArn,
    desiredCount: 0,
    runningCount: 0
  })
  return {
    cluster: service.cluster,
    route: {
      arn: service.productionRuleArn,
      kind: 'rule',
      listenerArn: '',
      actionTypes: ['forward'],
      forward: null
    },
    live: side(service.liveTargetGroupArn, service.taskDefinitionArn),
    idle: side(service.idleTargetGroupArn, release?.taskDefinitionArn ?? service.taskDefinitionArn),
    scaleDownDelayMs: null
  }
}
