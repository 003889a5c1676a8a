import type { Forward, Route } from './ports.js'

/**
 * The forward action with `idlePercent` on the idle group and the rest on the live one: the same
 * two target groups in the order read, weights summing to 100, stickiness as read.
 */
export function forwardWith(
  route: Route,
  liveTargetGroupArn: string,
  idleTargetGroupArn: string,
  idlePercent: number
): Forward {
  const read = route.forward?.targetGroups.map((group) => group.targetGroupArn) ?? []
  const pair = [liveTargetGroupArn, idleTargetGroupArn]
  // keep the order read, but never carry over a group that is not one of the pair
  const ordered = read.length === 2 && pair.every((arn) => read.includes(arn)) ? read : pair
  const forward: Forward = {
    targetGroups: ordered.map((arn) => ({
      targetGroupArn: arn,
      weight: arn === idleTargetGroupArn ? idlePercent : 100 - idlePercent
    }))
  }
  if (route.forward?.stickiness) forward.stickiness = { ...route.forward.stickiness }
  return forward
}

/** Whether the route forwards to exactly these two groups with exactly these weights. */
export function readsAs(route: Route, expected: Forward): boolean {
  const groups = route.forward?.targetGroups ?? []
  return (
    groups.length === expected.targetGroups.length &&
    expected.targetGroups.every((want) =>
      groups.some((got) => got.targetGroupArn === want.targetGroupArn && got.weight === want.weight)
    )
  )
}

/** The weight the route gives a target group; undefined when it does not forward to it. */
export function weightOf(route: Route, targetGroupArn: string): number | undefined {
  return route.forward?.targetGroups.find((group) => group.targetGroupArn === targetGroupArn)
    ?.weight
}

/** "90/10" as the route reads, live first. */
export function weightsRead(
  route: Route,
  liveTargetGroupArn: string,
  idleTargetGroupArn: string
): string {
  const groups = route.forward?.targetGroups ?? []
  const weight = (arn: string): string =>
    String(groups.find((group) => group.targetGroupArn === arn)?.weight ?? 'none')
  const others =
    groups.length -
    groups.filter((g) => [liveTargetGroupArn, idleTargetGroupArn].includes(g.targetGroupArn)).length
  return `${weight(liveTargetGroupArn)}/${weight(idleTargetGroupArn)}${others > 0 ? ` and ${others} other target groups` : ''}`
}

/**
 * The weights of the pair's two target groups as the route reads them, or undefined when its
 * forward names anything else. A forward that names one of them alone (the usual start: a
 * listener before its first blue/green deploy) sends that group all the traffic and the other
 * none, so the other reads 0.
 */
export function pairWeights(
  route: Route,
  a: string,
  b: string
): { a: number; b: number } | undefined {
  const groups = route.forward?.targetGroups ?? []
  const arns = groups.map((group) => group.targetGroupArn)
  if (arns.some((arn) => arn !== a && arn !== b) || new Set(arns).size !== arns.length) {
    return undefined
  }
  if (groups.length !== 1 && groups.length !== 2) return undefined
  return { a: weightOf(route, a) ?? 0, b: weightOf(route, b) ?? 0 }
}

/**
 * Whether the route's forward names this target group and no other: the single form, which the
 * first deploy rewrites as the weighted pair (see weightedForm).
 */
export function forwardsAlone(route: Route, targetGroupArn: string): boolean {
  const groups = route.forward?.targetGroups ?? []
  return groups.length === 1 && groups[0]?.targetGroupArn === targetGroupArn
}
