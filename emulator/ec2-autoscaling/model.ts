import { randomBytes, randomUUID } from 'node:crypto'
import type { SimClock } from '../core/clock.js'
import { instanceSize } from './instance-types.js'
import { type InstanceSink, NO_SINK } from './sink.js'
import type {
  AutoScalingGroup,
  GroupInstance,
  LaunchConfiguration,
  ScalingActivity
} from './state.js'

/** how long an instance boots (simulated) before it is InService and its ECS agent registers it */
export const DEFAULT_BOOT_MS = 30_000
const MAX_ACTIVITIES = 100

/**
 * Every Auto Scaling group and launch configuration of every region. Each simulation step moves
 * every group toward its desired capacity: it launches instances (Pending for the boot time, then
 * InService and handed to the sink) or terminates the surplus (Pending ones first, then the newest
 * InService ones not protected from scale in). AWS's default termination policy weighs
 * Availability Zone balance and launch template age first; the emulator's order is simpler.
 */
export class AutoScalingModel {
  /** by `${region}/${name}` */
  readonly groups = new Map<string, AutoScalingGroup>()
  /** by `${region}/${name}` */
  readonly launchConfigurations = new Map<string, LaunchConfiguration>()
  /**
   * Launch templates live in EC2, which the emulator does not simulate: a test declares the
   * instance type of a template (by name or ID) here before a group names it.
   */
  readonly launchTemplates = new Map<string, string>()
  bootMs = DEFAULT_BOOT_MS
  sink: InstanceSink = NO_SINK

  constructor(readonly clock: SimClock) {}

  /** declares that launch template `ref` (its name or lt-... ID) launches `instanceType` */
  defineLaunchTemplate(ref: string, instanceType: string): void {
    if (!instanceSize(instanceType)) throw new Error(`unknown instance type ${instanceType}`)
    this.launchTemplates.set(ref, instanceType)
  }

  groupByArn(arn: string): AutoScalingGroup | undefined {
    for (const group of this.groups.values()) if (group.arn === arn) return group
    return undefined
  }

  /**
   * Sets a group's desired capacity from outside the API (ECS managed scaling), clamped to its
   * minimum and maximum as a target tracking policy's changes are; records the activity's cause.
   */
  setDesired(group: AutoScalingGroup, desired: number, cause: string): void {
    const clamped = Math.max(group.minSize, Math.min(group.maxSize, desired))
    if (clamped === group.desiredCapacity) return
    this.changeDesired(group, clamped, cause)
  }

  /** sets the desired capacity; the next launch or termination names `cause` as AWS's activities do */
  changeDesired(group: AutoScalingGroup, desired: number, cause: string): void {
    if (desired === group.desiredCapacity) return
    const stamp = new Date(this.clock.wallNow()).toISOString().replace(/\.\d+Z$/, 'Z')
    group.desiredCause = `At ${stamp} ${cause} changing the desired capacity from ${group.desiredCapacity} to ${desired}.`
    group.desiredCapacity = desired
  }

  activity(
    group: AutoScalingGroup,
    what: string,
    cause: string,
    simAt = this.clock.simNow()
  ): ScalingActivity {
    const at = this.clock.wallAt(simAt)
    const stamp = new Date(at).toISOString().replace(/\.\d+Z$/, 'Z')
    const record: ScalingActivity = {
      activityId: randomUUID(),
      groupName: group.name,
      description: what,
      cause: `${group.desiredCause ? `${group.desiredCause}  ` : ''}At ${stamp} ${cause}`,
      startAt: at,
      statusCode: 'InProgress',
      progress: 0
    }
    group.activities.unshift(record)
    if (group.activities.length > MAX_ACTIVITIES) group.activities.length = MAX_ACTIVITIES
    return record
  }

  /** moves every group's instances along and toward its desired capacity, up to `simNow` */
  advance(simNow: number): void {
    for (const group of this.groups.values()) {
      for (const instance of group.instances.values()) {
        if (instance.lifecycleState === 'Pending' && simNow >= instance.inServiceDueSim) {
          instance.lifecycleState = 'InService'
          this.finishActivity(group, instance.instanceId, instance.inServiceDueSim)
          this.sink.launched(
            {
              instanceId: instance.instanceId,
              instanceType: instance.instanceType,
              availabilityZone: instance.availabilityZone,
              ...(instanceSize(instance.instanceType) ?? { cpu: 0, memory: 0 }),
              groupName: group.name,
              groupArn: group.arn,
              region: group.region
            },
            instance.inServiceDueSim
          )
        }
      }
      this.converge(group, simNow)
    }
  }

  /** terminates every instance at once (DeleteAutoScalingGroup with ForceDelete) */
  terminateAll(group: AutoScalingGroup, simNow: number): void {
    for (const instance of [...group.instances.values()])
      this.terminate(group, instance, simNow, 'the group is being deleted')
  }

  clear(): void {
    this.groups.clear()
    this.launchConfigurations.clear()
    this.launchTemplates.clear()
  }

  private converge(group: AutoScalingGroup, simNow: number): void {
    const live = [...group.instances.values()]
    if (live.length < group.desiredCapacity) {
      for (let i = live.length; i < group.desiredCapacity; i++) this.launch(group, i, simNow)
    } else if (live.length > group.desiredCapacity) {
      const order = live
        .filter(
          (instance) => instance.lifecycleState === 'Pending' || !instance.protectedFromScaleIn
        )
        .sort(
          (a, b) =>
            Number(b.lifecycleState === 'Pending') - Number(a.lifecycleState === 'Pending') ||
            b.launchedSim - a.launchedSim
        )
      const cause = `an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${live.length} to ${group.desiredCapacity}.`
      for (const instance of order.slice(0, live.length - group.desiredCapacity)) {
        this.terminate(group, instance, simNow, cause)
      }
    }
  }

  private launch(group: AutoScalingGroup, index: number, simNow: number): void {
    const instanceId = `i-${randomBytes(9).toString('hex').slice(0, 17)}`
    const zones = group.availabilityZones
    const instance: GroupInstance = {
      instanceId,
      instanceType: group.instanceType,
      availabilityZone: zones[index % zones.length] ?? `${group.region}a`,
      lifecycleState: 'Pending',
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      launchedSim: simNow,
      inServiceDueSim: simNow + this.bootMs
    }
    group.instances.set(instanceId, instance)
    this.activity(
      group,
      `Launching a new EC2 instance: ${instanceId}`,
      `an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${group.instances.size - 1} to ${group.instances.size}.`,
      simNow
    )
  }

  private terminate(
    group: AutoScalingGroup,
    instance: GroupInstance,
    simNow: number,
    cause: string
  ): void {
    const wasInService = instance.lifecycleState === 'InService'
    group.instances.delete(instance.instanceId)
    const record = this.activity(
      group,
      `Terminating EC2 instance: ${instance.instanceId}`,
      cause,
      simNow
    )
    record.statusCode = 'Successful'
    record.progress = 100
    record.endAt = record.startAt
    if (wasInService) this.sink.terminated(instance.instanceId, group.arn, simNow)
  }

  private finishActivity(group: AutoScalingGroup, instanceId: string, simAt: number): void {
    const record = group.activities.find(
      (activity) =>
        activity.statusCode === 'InProgress' && activity.description.endsWith(instanceId)
    )
    if (!record) return
    record.statusCode = 'Successful'
    record.progress = 100
    record.endAt = this.clock.wallAt(simAt)
  }
}
