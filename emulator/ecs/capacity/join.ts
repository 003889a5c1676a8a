import { ecsArn, hex32 } from '../ids.js'
import { stopTask } from '../lifecycle.js'
import type { EcsModel } from '../model.js'
import { StepNotes } from '../step-notes.js'

/** An EC2 instance that finished booting, as its ECS agent describes itself when it registers. */
export interface BootedInstance {
  instanceId: string
  instanceType: string
  availabilityZone: string
  cpu: number
  memory: number
  groupArn: string
}

/**
 * Registers a booted instance with the cluster of the capacity provider that owns its group. In
 * AWS the cluster comes from the instance's user data (ECS_CLUSTER); the emulator has no user
 * data and takes the cluster the group's capacity provider is associated with. An instance whose
 * group no associated provider owns joins nothing (as one whose user data names no cluster would
 * join `default`, which the emulator does not do). False when it joined nothing.
 *
 * Interim: the container instances of `emulator/ecs/instances/` take this over once they land.
 */
export function joinCluster(model: EcsModel, instance: BootedInstance, simAt: number): boolean {
  const provider = model.capacity.providerOfGroup(instance.groupArn)
  const clusterArn = provider?.clusterArn
  const cluster = clusterArn === undefined ? undefined : model.clusters.get(clusterArn)
  if (!provider || !cluster) return false
  model.capacity.instances.set(instance.instanceId, {
    ...instance,
    arn: ecsArn(cluster, `container-instance/${cluster.name}/${hex32()}`),
    clusterArn: cluster.arn,
    providerName: provider.name,
    usedCpu: 0,
    usedMemory: 0,
    tasks: new Set(),
    registeredSim: simAt
  })
  return true
}

/** The instance is terminating: it leaves its cluster and the tasks on it stop. */
export function leaveCluster(model: EcsModel, instanceId: string, simAt: number): void {
  const instance = model.capacity.instances.get(instanceId)
  if (!instance) return
  model.capacity.instances.delete(instanceId)
  const cluster = model.clusters.get(instance.clusterArn)
  for (const taskId of instance.tasks) {
    const task = cluster?.tasks.get(taskId)
    if (!task) continue
    const notes = new StepNotes()
    stopTask(model, task, simAt, notes, {
      reason: `Host EC2 (instance ${instanceId}) terminated.`,
      stopCode: 'TerminationNotice',
      failed: false
    })
    if (task.service) notes.post(model, task.service, simAt)
  }
}
