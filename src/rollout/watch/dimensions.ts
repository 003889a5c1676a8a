/**
 * CloudWatch names an ALB's figures by dimension values cut from ARNs: `app/<name>/<id>` for the
 * load balancer (found in its listeners' and rules' ARNs too) and `targetgroup/<name>/<id>`.
 */
export function loadBalancerDimension(routeArn: string): string {
  const match = /:listener(?:-rule)?\/(app\/[^/]+\/[^/]+)\//.exec(routeArn)
  if (!match?.[1]) throw new Error(`${routeArn} is not an ALB listener or rule ARN`)
  return match[1]
}

export function targetGroupDimension(targetGroupArn: string): string {
  return targetGroupArn.slice(targetGroupArn.lastIndexOf(':') + 1)
}
