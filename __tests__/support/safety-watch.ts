import type { BlueGreen } from './blue-green.js'

/**
 * Watches the in-memory world at the instant each change lands, as the emulator's
 * /_emulator/violations does: a weight write that gives weight to a target group with no healthy
 * target, and a service scaled to 0 while its target group carries weight. Returns the list it
 * fills, so a test asserts it stayed empty through every interleaving, not only at the end.
 */
export function watchSafety(bg: BlueGreen): string[] {
  const violations: string[] = []
  const elb = bg.aws.elbWorld
  const groupOf: Record<string, string> = { [bg.blue]: bg.blueTg, [bg.green]: bg.greenTg }
  bg.aws.log.after('writeForward', () => {
    const route = elb.readRoute(bg.routeArn)
    for (const group of route.forward?.targetGroups ?? []) {
      if (group.weight === 0) continue
      const healthy = elb
        .describeTargetHealth(group.targetGroupArn)
        .some((target) => target.state === 'healthy')
      if (!healthy) {
        violations.push(
          `at ${bg.clock.now()}: weight ${group.weight} written onto ` +
            `${elb.targetGroupName(group.targetGroupArn)}, which has no healthy target`
        )
      }
    }
  })
  bg.aws.log.after('updateService', (input: { service: string; desiredCount?: number }) => {
    const group = groupOf[input.service]
    if (input.desiredCount !== 0 || !group) return
    const share = elb.percentOf(group)
    if (share > 0) {
      violations.push(
        `at ${bg.clock.now()}: ${input.service} scaled to 0 while it carries ${share}% of the traffic`
      )
    }
  })
  return violations
}
