import type { CheckResult, HealthProbe } from '../elbv2/probe.js'
import { taskListeningAt } from './instances/endpoints.js'
import type { EcsModel } from './model.js'

/**
 * How a load balancer health check of `ip:port` (or `instance-id:host-port`) goes, by the task behind that address and its
 * image's behaviour: no task there, one not running, or a port it does not listen on, times out.
 */
export function probeTasks(model: EcsModel): HealthProbe {
  return {
    check(ip: string, port: number, simNow: number): CheckResult {
      const task = taskListeningAt(model, ip, port)
      if (!task || task.lastStatus !== 'RUNNING') return 'timeout'
      const behavior = model.images.get(task.image)
      switch (behavior.behavior) {
        case 'unhealthy':
          return 'fail'
        case 'degrade':
          return simNow < (task.runningSim ?? simNow) + behavior.afterSeconds * 1000
            ? 'pass'
            : 'fail'
        default:
          return 'pass'
      }
    }
  }
}
