import { randomBytes } from 'node:crypto'
import { AwsError } from '../../core/errors.js'
import { ecsArn, hex32 } from '../ids.js'
import { stopTask } from '../lifecycle.js'
import type { EcsModel } from '../model.js'
import { StepNotes } from '../step-notes.js'
import type { Cluster, Service } from '../state.js'
import { EPHEMERAL_FIRST, type ContainerInstance } from './state.js'

/** What an EC2 instance brings when its agent registers it (RegisterContainerInstance). */
export interface InstanceSpec {
  /** CPU units (1024 a vCPU) and MiB the agent offers to tasks */
  cpu: number
  memory: number
  instanceType: string
  availabilityZone: string
  /** the EC2 instance id; a new `i-` + 17 hex when absent */
  ec2InstanceId?: string
  /** the capacity provider whose Auto Scaling group launched it */
  capacityProviderName?: string
}

export function newEc2InstanceId(): string {
  return `i-${randomBytes(9).toString('hex').slice(0, 17)}`
}

/**
 * The model's way in for whatever boots instances (the control API today, an EC2 Auto Scaling
 * group later): the agent on a new instance registers it in `cluster`, ACTIVE with its agent
 * connected, and the schedulers may place tasks on it from the next step on.
 */
export function registerContainerInstance(
  model: EcsModel,
  cluster: Cluster,
  spec: InstanceSpec
): ContainerInstance {
  const ec2InstanceId = spec.ec2InstanceId ?? newEc2InstanceId()
  const existing = model.instances.get(ec2InstanceId)
  if (existing && existing.status !== 'INACTIVE') {
    throw new AwsError(
      'InvalidParameterException',
      `Instance ${ec2InstanceId} is already registered.`
    )
  }
  const id = hex32()
  const instance: ContainerInstance = {
    arn: ecsArn(cluster, `container-instance/${cluster.name}/${id}`),
    id,
    ec2InstanceId,
    cluster,
    status: 'ACTIVE',
    agentConnected: true,
    cpu: spec.cpu,
    memory: spec.memory,
    instanceType: spec.instanceType,
    availabilityZone: spec.availabilityZone,
    ...(spec.capacityProviderName ? { capacityProviderName: spec.capacityProviderName } : {}),
    ip: model.nextIp(),
    registeredAt: model.clock.wallNow(),
    version: 1,
    nextEphemeral: EPHEMERAL_FIRST,
    tasks: new Map()
  }
  model.instances.set(ec2InstanceId, instance)
  return instance
}

/**
 * The EC2 instance stops or terminates: its agent disconnects, every task on it stops with the
 * reason ECS gives (services start replacements elsewhere), and the container instance is
 * deregistered (INACTIVE). False when no live instance has this id.
 */
export function terminateInstance(model: EcsModel, ec2InstanceId: string, simAt: number): boolean {
  const instance = model.instances.get(ec2InstanceId)
  if (!instance || instance.status === 'INACTIVE') return false
  instance.agentConnected = false
  // the developer guide's pattern is "Host EC2 (instance id) stopped/terminated"; tasks of a
  // terminated instance read "Host EC2 (instance i-...) terminated." with stop code
  // TerminationNotice, and only a terminated instance is deregistered by itself (API reference)
  stopAll(model, instance, simAt, `Host EC2 (instance ${ec2InstanceId}) terminated.`)
  instance.status = 'INACTIVE'
  instance.version++
  return true
}

/**
 * DeregisterContainerInstance: refused while tasks run on it unless `force`; forced, its tasks
 * are orphaned (services replace them) and it is INACTIVE at once.
 */
export function deregisterContainerInstance(
  model: EcsModel,
  instance: ContainerInstance,
  force: boolean,
  simAt: number
): void {
  const live = [...instance.tasks.values()].filter((task) => task.desiredStatus === 'RUNNING')
  if (live.length > 0 && !force) {
    throw new AwsError(
      'InvalidParameterException',
      'Found running tasks on the instance, failed to deregister container instance. Use force flag to force deregister instance.'
    )
  }
  stopAll(model, instance, simAt, 'Container instance deregistration forced by user')
  instance.status = 'INACTIVE'
  instance.version++
}

function stopAll(
  model: EcsModel,
  instance: ContainerInstance,
  simAt: number,
  reason: string
): void {
  const byService = new Map<Service, StepNotes>()
  for (const task of [...instance.tasks.values()]) {
    const notes = (task.service && byService.get(task.service)) || new StepNotes()
    if (task.service) byService.set(task.service, notes)
    stopTask(model, task, simAt, notes, {
      reason,
      stopCode: 'TerminationNotice',
      failed: false
    })
    if (task.service) notes.stopped.push(task)
  }
  for (const [service, notes] of byService) notes.post(model, service, simAt)
}

/** A task on a DRAINING instance is moved elsewhere by its service, as ECS drains an instance. */
export function onDrainingInstance(task: { containerInstance?: ContainerInstance }): boolean {
  return task.containerInstance?.status === 'DRAINING'
}
