/** What a health check of `ip:port` finds: a good answer, a bad status code, or no answer. */
export type CheckResult = 'pass' | 'fail' | 'timeout'

/**
 * What the ELBv2 health simulation asks of whatever runs behind a target (the ECS simulation):
 * how a health check sent at simulated time `simNow` would go.
 */
export interface HealthProbe {
  check(ip: string, port: number, simNow: number): CheckResult
}
