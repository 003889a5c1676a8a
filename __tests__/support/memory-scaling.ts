import type { ScalableTarget, ScalingPolicy } from '../../src/rollout/ports.js'
import type { MemoryEcs } from './memory-ecs.js'

/**
 * Application Auto Scaling in memory, for the engine's tests: scalable targets with their
 * suspended state, policies kept as given, and scaling activities a test asks for (`activity`),
 * refused as the service refuses them: outside min/max, or while that direction is suspended.
 * Registering a minimum above the count (or a maximum below it) moves the count, as AWS does.
 */
export class MemoryScaling {
  readonly targets = new Map<string, ScalableTarget>()
  readonly policies = new Map<string, ScalingPolicy[]>()
  /** what each activity did, in order: "web-blue 2 -> 6" or "web-green refused: scale-in suspended" */
  readonly activities: string[] = []

  constructor(private readonly ecs: MemoryEcs) {}

  register(service: string, target: ScalableTarget, policies: ScalingPolicy[] = []): void {
    this.targets.set(service, structuredClone(target))
    this.policies.set(service, structuredClone(policies))
  }

  /** A dynamic scaling activity (a policy's alarm) that wants the service at `count`. */
  activity(service: string, count: number): boolean {
    const target = this.targets.get(service)
    if (!target) throw new Error(`${service} has no scalable target`)
    const now = this.ecs.service(service).desiredCount
    const wanted = Math.min(target.max, Math.max(target.min, count))
    if (wanted === now) return false
    const outward = wanted > now
    if (outward ? target.suspended.dynamicOut : target.suspended.dynamicIn) {
      this.activities.push(`${service} refused: scale-${outward ? 'out' : 'in'} suspended`)
      return false
    }
    this.ecs.updateService(service, { desiredCount: wanted })
    this.activities.push(`${service} ${now} -> ${wanted}`)
    return true
  }

  // ---------- the API, synchronous (memory-aws wraps it in the port and the call log) ----------

  describeTargets(services: string[]): Record<string, ScalableTarget> {
    const found: Record<string, ScalableTarget> = {}
    for (const service of services) {
      const target = this.targets.get(service)
      if (target) found[service] = structuredClone(target)
    }
    return found
  }

  describePolicies(service: string): ScalingPolicy[] {
    return structuredClone(this.policies.get(service) ?? [])
  }

  registerTarget(service: string, change: Partial<ScalableTarget>): void {
    const now = this.targets.get(service)
    if (!now && (change.min === undefined || change.max === undefined)) {
      throw Object.assign(new Error('MinCapacity and MaxCapacity are required on registration'), {
        name: 'ValidationException'
      })
    }
    const next: ScalableTarget = {
      min: change.min ?? now!.min,
      max: change.max ?? now!.max,
      suspended: change.suspended ??
        now?.suspended ?? {
          dynamicIn: false,
          dynamicOut: false,
          scheduled: false
        }
    }
    this.targets.set(service, next)
    if (!this.policies.has(service)) this.policies.set(service, [])
    const count = this.ecs.service(service).desiredCount
    if (change.min !== undefined && count < next.min) {
      this.ecs.updateService(service, { desiredCount: next.min })
    }
    if (change.max !== undefined && count > next.max) {
      this.ecs.updateService(service, { desiredCount: next.max })
    }
  }

  putPolicy(service: string, policy: ScalingPolicy): void {
    if (!this.targets.has(service)) {
      throw Object.assign(new Error(`No scalable target registered for ${service}`), {
        name: 'ObjectNotFoundException'
      })
    }
    const list = (this.policies.get(service) ?? []).filter((p) => p.name !== policy.name)
    this.policies.set(service, [...list, structuredClone(policy)])
  }
}
