import type { TaskNeed } from '../../src/rollout/capacity/need.js'
import type { CapacityProviderView, InstanceRoom } from '../../src/rollout/capacity/ports.js'

/** ECS's own words when no container instance has room for a service's task. */
export function unplacedEvent(
  service: string,
  closest: string,
  short: 'CPU units' | 'memory'
): string {
  return (
    `(service ${service}) was unable to place a task because no container instance met all of ` +
    `its requirements. The closest matching (container-instance ${closest}) has insufficient ` +
    `${short} available. For more information, see the Troubleshooting section of the Amazon ECS ` +
    'Developer Guide.'
  )
}

interface Instance {
  id: string
  containerInstanceId: string
  status: 'ACTIVE' | 'DRAINING'
  cpu: number
  memory: number
  ports: Set<number>
}

/** Where a bridge-mode task landed: an instance and the host port Docker picked for it. */
export interface Placed {
  instanceId: string
  containerInstanceArn: string
  hostPort: number
}

/**
 * The EC2 side of an in-memory ECS cluster: container instances with CPU and memory left, bridge
 * networking with dynamic host ports (Docker's ephemeral range, 32768-60999), and optionally a
 * capacity provider whose managed scaling adds an instance a while after a task waits for one.
 */
export class MemoryEc2 {
  private readonly instances: Instance[] = []
  private nextPort = 32768
  /** a capacity provider with managed scaling: the instance it adds, this long after a task waits */
  managedScaling?: { provider: string; afterMs: number; cpu: number; memory: number }
  private scalingSince?: number

  addInstance(cpu: number, memory: number): string {
    const n = this.instances.length + 1
    const id = `i-0${n.toString(16).padStart(16, '0')}`
    this.instances.push({
      id,
      containerInstanceId: `${n.toString(16).padStart(32, 'c')}`,
      status: 'ACTIVE',
      cpu,
      memory,
      ports: new Set()
    })
    return id
  }

  /** first fit (binpack), so that tasks of one service share an instance on different ports */
  place(need: TaskNeed): Placed | undefined {
    const instance = this.instances.find(
      (entry) => entry.status === 'ACTIVE' && entry.cpu >= need.cpu && entry.memory >= need.memory
    )
    if (!instance) return undefined
    instance.cpu -= need.cpu
    instance.memory -= need.memory
    const hostPort = this.nextPort++
    instance.ports.add(hostPort)
    return {
      instanceId: instance.id,
      containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${instance.containerInstanceId}`,
      hostPort
    }
  }

  release(instanceId: string, hostPort: number, need: TaskNeed): void {
    const instance = this.instances.find((entry) => entry.id === instanceId)
    if (!instance || !instance.ports.delete(hostPort)) return
    instance.cpu += need.cpu
    instance.memory += need.memory
  }

  /** why a task of that size does not fit, as ECS names the closest instance */
  shortfall(service: string, need: TaskNeed): string {
    const closest = [...this.instances].sort((a, b) => b.memory - a.memory)[0]
    const short = closest && closest.cpu < need.cpu ? 'CPU units' : 'memory'
    return unplacedEvent(service, closest?.containerInstanceId ?? 'none', short)
  }

  /** a task waits for an instance: managed scaling adds one after its delay */
  waiting(at: number): boolean {
    if (!this.managedScaling) return false
    this.scalingSince ??= at
    if (at - this.scalingSince >= this.managedScaling.afterMs) {
      this.addInstance(this.managedScaling.cpu, this.managedScaling.memory)
      this.scalingSince = undefined
    }
    return true
  }

  drain(instanceId: string): void {
    const instance = this.instances.find((entry) => entry.id === instanceId)
    if (!instance) throw new Error(`no instance ${instanceId}`)
    instance.status = 'DRAINING'
  }

  activeInstances(): InstanceRoom[] {
    return this.instances
      .filter((instance) => instance.status === 'ACTIVE')
      .map((instance) => ({ instanceId: instance.id, cpu: instance.cpu, memory: instance.memory }))
  }

  describeCapacityProviders(names: string[]): CapacityProviderView[] {
    const scaling = this.managedScaling
    return names.map((name) => ({ name, managedScaling: scaling?.provider === name }))
  }
}
