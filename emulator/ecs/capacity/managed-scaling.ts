import { remaining, reservationOf } from '../instances/resources.js'
import type { EcsModel } from '../model.js'
import { instancesOf } from './placement.js'
import { desiredForTarget, instancesNeeded, reservationPercent } from './reservation.js'
import type { CapacityProvider } from './state.js'

export const MANAGED_SCALING_NAMESPACE = 'AWS/ECS/ManagedScaling'
const MINUTE_MS = 60_000
/** the scale-in alarm of ECS's target tracking policy waits for 15 one-minute datapoints below target */
const SCALE_IN_MINUTES = 15

export interface ReservationDatum {
  region: string
  clusterName: string
  capacityProviderName: string
  simAt: number
  value: number
}

/**
 * ECS managed scaling, evaluated once a simulated minute for every provider with managed scaling
 * ENABLED that is associated with a cluster: publishes CapacityProviderReservation (see
 * ./reservation.ts) and moves the group's desired capacity toward ceil(M × 100 / targetCapacity).
 *
 * Simplified: ECS does this through a target tracking policy on the group and two CloudWatch
 * alarms; the emulator sets the desired capacity directly at each evaluation, scaling out at once
 * (by at least minimumScalingStepSize and at most maximumScalingStepSize instances) and in only
 * after 15 evaluations in a row below target, as the policy's low alarm does. instanceWarmupPeriod
 * is kept and shown but needs no simulation: M counts instances still booting as needed, so a
 * second evaluation during the boot asks for nothing more. With managed termination protection,
 * instances that host tasks are protected from scale in and the others are not, as ECS sets them.
 */
export class ManagedScaling {
  private nextMinuteSim: number | undefined
  private readonly belowTarget = new Map<string, number>()

  constructor(
    private readonly model: EcsModel,
    private readonly publish: (datum: ReservationDatum) => void
  ) {}

  advance(simNow: number): void {
    this.nextMinuteSim ??= Math.ceil(simNow / MINUTE_MS) * MINUTE_MS
    while (simNow >= this.nextMinuteSim) {
      for (const provider of this.model.capacity.providers.values())
        this.evaluate(provider, this.nextMinuteSim)
      this.nextMinuteSim += MINUTE_MS
    }
  }

  reset(): void {
    this.nextMinuteSim = undefined
    this.belowTarget.clear()
  }

  private evaluate(provider: CapacityProvider, simAt: number): void {
    const { capacity } = this.model
    const scaling = provider.managedScaling
    const cluster =
      provider.clusterArn === undefined ? undefined : this.model.clusters.get(provider.clusterArn)
    const group = capacity.groups.describe(provider.autoScalingGroupArn)
    if (provider.status !== 'ACTIVE' || scaling.status !== 'ENABLED' || !cluster || !group) return

    const instances = instancesOf(this.model, provider)
    const waiting = [...cluster.tasks.values()].filter(
      (task) =>
        task.capacityProviderName === provider.name &&
        task.lastStatus === 'PROVISIONING' &&
        task.desiredStatus === 'RUNNING' &&
        !task.containerInstance
    )
    const m = instancesNeeded(
      instances.filter((instance) => instance.tasks.size > 0).length,
      instances.map((instance) => {
        const left = remaining(instance)
        const ports = [...hostPorts('tcp', left.tcp), ...hostPorts('udp', left.udp)]
        return { cpu: left.cpu, memory: left.memory, ports, empty: instance.tasks.size === 0 }
      }),
      waiting.map((task) => {
        const need = reservationOf(this.model.taskDefinitionByArn(task.taskDefinitionArn))
        const ports = [...hostPorts('tcp', need.tcp), ...hostPorts('udp', need.udp)]
        return { cpu: need.cpu, memory: need.memory, ports }
      }),
      { cpu: group.instanceCpu, memory: group.instanceMemory }
    )
    const n = group.inService
    this.publish({
      region: provider.region,
      clusterName: cluster.name,
      capacityProviderName: provider.name,
      simAt,
      value: reservationPercent(m, n)
    })

    if (provider.managedTerminationProtection === 'ENABLED') {
      for (const instance of instances) {
        capacity.groups.setProtection(
          provider.autoScalingGroupArn,
          instance.ec2InstanceId,
          instance.tasks.size > 0
        )
      }
    }

    const target = desiredForTarget(m, scaling.targetCapacity)
    const current = group.desiredCapacity
    const cause = `ECS managed scaling of capacity provider ${provider.name} (CapacityProviderReservation ${Math.round(reservationPercent(m, n))}, target ${scaling.targetCapacity})`
    if (target > current) {
      this.belowTarget.delete(provider.arn)
      const step = Math.min(
        Math.max(target - current, scaling.minimumScalingStepSize),
        scaling.maximumScalingStepSize
      )
      capacity.groups.setDesired(provider.autoScalingGroupArn, current + step, cause)
    } else if (target < current) {
      const minutes = (this.belowTarget.get(provider.arn) ?? 0) + 1
      this.belowTarget.set(provider.arn, minutes)
      if (minutes >= SCALE_IN_MINUTES) {
        this.belowTarget.delete(provider.arn)
        capacity.groups.setDesired(provider.autoScalingGroupArn, target, cause)
      }
    } else {
      this.belowTarget.delete(provider.arn)
    }
  }
}

function hostPorts(protocol: string, ports: Iterable<number>): string[] {
  return [...ports].map((port) => `${protocol}/${port}`)
}
