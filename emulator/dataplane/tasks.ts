import type { EcsModel } from '../ecs/model.js'
import { taskListeningAt } from '../ecs/instances/endpoints.js'
import { probeTasks } from '../ecs/probe.js'

/** What the task behind a target answers, or that nothing answered at that address. */
export type TaskAnswer =
  | { answered: false }
  | { answered: true; status: number; body: string; latencyMs: number; image: string }

export interface TaskAnswerer {
  answer(ip: string, port: number, simNow: number, random: () => number): TaskAnswer
}

/**
 * Answers by the task's image behaviour. A task that would fail its health check at this moment
 * (an unhealthy image, a degraded one past its time) answers 500 to users too, so that traffic
 * and health agree; the error share draws once per request.
 */
export function answerFromTasks(model: EcsModel): TaskAnswerer {
  const probe = probeTasks(model)
  return {
    answer(ip, port, simNow, random) {
      const draw = random()
      const check = probe.check(ip, port, simNow)
      const task = taskListeningAt(model, ip, port)
      if (!task || check === 'timeout') return { answered: false }
      const behavior = model.images.get(task.image)
      const base = { answered: true as const, latencyMs: behavior.latencyMs, image: task.image }
      if (check === 'fail' || draw < behavior.errorRate) {
        return { ...base, status: 500, body: 'internal server error' }
      }
      return { ...base, status: behavior.status, body: behavior.body }
    }
  }
}
