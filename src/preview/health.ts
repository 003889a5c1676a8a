import type { RunContext } from '../rollout/context.js'
import { bringUpVerdict, progressLine, type GateContext } from '../rollout/gates.js'
import { IdleWatcher, type IdleSnapshot } from '../rollout/observe.js'
import { pollUntil } from '../rollout/poll.js'
import type { Settings, StoppedTaskReport } from '../rollout/settings.js'
import type { Pair, Side } from '../rollout/state.js'
import type { Base } from './base.js'
import type { PreviewDeps } from './ports.js'

export type Health =
  { healthy: true } | { healthy: false; reason: string; stoppedTasks: StoppedTaskReport[] }

export interface WatchedPreview {
  service: string
  targetGroupArn: string
  targetGroupName: string
  taskDefinitionArn: string
  desiredCount: number
}

/**
 * Waits until every task of the preview's revision runs and is healthy in the preview's target
 * group, with the deploy's own watcher and bring-up gate: a stopped task, an unhealthy target or
 * a failed ECS deployment ends the wait at once, not at the timeout.
 */
export async function waitUntilHealthy(
  settings: Settings,
  deps: PreviewDeps,
  base: Base,
  preview: WatchedPreview,
  deadline: number
): Promise<Health> {
  const { ecs, elb, clock, observer, signal } = deps
  const side = (service: string, targetGroupArn: string, targetGroupName: string): Side => ({
    service,
    targetGroupArn,
    targetGroupName,
    containerName: base.containerName,
    containerPort: base.containerPort,
    taskDefinitionArn: preview.taskDefinitionArn,
    desiredCount: preview.desiredCount,
    runningCount: 0
  })
  // the watcher reads the "live" side only for the deploy's timeline; here that is the base
  const pair: Pair = {
    cluster: settings.cluster,
    route: { arn: '', kind: 'listener', listenerArn: '', actionTypes: [], forward: null },
    live: side(base.service.name, base.targetGroup.arn, base.targetGroup.name),
    idle: side(preview.service, preview.targetGroupArn, preview.targetGroupName),
    scaleDownDelayMs: null
  }
  const run: RunContext = {
    settings,
    deps: { ecs, elb, clock, observer, ...(signal ? { signal } : {}) },
    deadline
  }
  const watcher = new IdleWatcher(ecs, elb, pair, preview.taskDefinitionArn, () => clock.now())
  const gate: GateContext = {
    service: preview.service,
    targetGroupName: preview.targetGroupName,
    containerPort: base.containerPort,
    taskDefinitionArn: preview.taskDefinitionArn,
    where: `while starting preview ${preview.service}`
  }
  let last = ''
  const result = await pollUntil(run, {
    what: `${preview.service}'s health`,
    where: gate.where,
    read: () => watcher.read(),
    judge: (snapshot) => {
      const line = progressLine(snapshot, gate)
      if (line !== last) observer.info(line)
      last = line
      const verdict = bringUpVerdict(newTasksOnly(snapshot), gate)
      return verdict.kind === 'waiting' ? undefined : verdict
    }
  })
  if (!result.ok) return { healthy: false, reason: result.reason, stoppedTasks: [] }
  if (result.value.kind === 'failed') {
    return { healthy: false, reason: result.value.reason, stoppedTasks: result.value.stoppedTasks }
  }
  return { healthy: true }
}

/**
 * The snapshot as if the old revision's tasks were gone: a preview is up once its new tasks
 * serve, while ECS may still be draining the old ones for the whole deregistration delay (five
 * minutes by default) before it calls the deployment complete. A FAILED deployment still counts.
 */
function newTasksOnly(snapshot: IdleSnapshot): IdleSnapshot {
  // the PRIMARY deployment's tasks are the new revision's (the gate refuses any other revision)
  const running = snapshot.primary?.runningCount ?? snapshot.service.runningCount
  const primary =
    snapshot.primary?.rolloutState === 'IN_PROGRESS'
      ? { ...snapshot.primary, rolloutState: undefined }
      : snapshot.primary
  return { ...snapshot, service: { ...snapshot.service, runningCount: running }, primary }
}
