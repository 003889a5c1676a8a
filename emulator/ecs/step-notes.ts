import type { EcsModel } from './model.js'
import type { Service, Task } from './state.js'

/**
 * What happened to one service during one simulation step, posted as the few aggregated events
 * ECS writes ("has started 2 tasks: ...") rather than one per task.
 */
export class StepNotes {
  readonly started: Task[] = []
  readonly stopped: Task[] = []
  readonly draining: Task[] = []
  readonly registered = new Map<string, number>()
  readonly deregistered = new Map<string, number>()

  count(into: Map<string, number>, targetGroupArn: string): void {
    into.set(targetGroupArn, (into.get(targetGroupArn) ?? 0) + 1)
  }

  post(model: EcsModel, service: Service, simAt: number): void {
    const name = `(service ${service.name})`
    const list = (tasks: Task[]): string => tasks.map((task) => `(task ${task.id})`).join(' ')
    for (const [group, n] of this.registered) {
      model.event(service, `${name} registered ${n} targets in (target-group ${group})`, simAt)
    }
    if (this.stopped.length > 0) {
      model.event(
        service,
        `${name} has stopped ${this.stopped.length} running tasks: ${list(this.stopped)}.`,
        simAt
      )
    }
    if (this.draining.length > 0) {
      model.event(
        service,
        `${name} has begun draining connections on ${this.draining.length} tasks.`,
        simAt
      )
    }
    for (const [group, n] of this.deregistered) {
      model.event(service, `${name} deregistered ${n} targets in (target-group ${group})`, simAt)
    }
    if (this.started.length > 0) {
      model.event(
        service,
        `${name} has started ${this.started.length} tasks: ${list(this.started)}.`,
        simAt
      )
    }
  }

  get changed(): boolean {
    return (
      this.started.length + this.stopped.length + this.registered.size + this.deregistered.size > 0
    )
  }
}
