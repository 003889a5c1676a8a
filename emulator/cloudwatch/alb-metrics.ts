import type { ServedRequest } from '../dataplane/served.js'
import type { Datum, Dimension, MetricName } from './metric-store.js'

export const ALB_NAMESPACE = 'AWS/ApplicationELB'

export interface MetricPoint {
  name: MetricName
  datum: Datum
}

/** `app/<name>/<id>`, the LoadBalancer dimension of an ALB's ARN */
export function loadBalancerDimension(arn: string): string {
  return arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length)
}

/** `targetgroup/<name>/<id>`, the TargetGroup dimension of a target group's ARN */
export function targetGroupDimension(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1)
}

/**
 * The AWS/ApplicationELB datapoints one request adds, under the dimension sets ELB publishes:
 * `LoadBalancer` alone, and `TargetGroup` with `LoadBalancer` (CloudWatch matches dimension sets
 * exactly, so a query must name both for a target group's figures). Requests that reached no
 * target count only in the load balancer's own metrics, as RequestCount counts a request only
 * when a target was chosen.
 *
 * RequestCountPerTarget (dimensions `TargetGroup`, and `TargetGroup` with `LoadBalancer`, as ELB
 * publishes it) is the group's RequestCount divided by its healthy targets, and its only valid
 * statistic is Sum. Each request adds 1/n, n being the targets that took traffic when it was
 * routed: the Sum over any window is then the requests divided by the healthy targets (exactly,
 * while n holds; weighted by traffic while it changes), whatever the period and its alignment,
 * with no minute to wait for and nothing to compute when GetMetricData or an alarm reads it.
 */
export function albDatapoints(served: ServedRequest): MetricPoint[] {
  const balancer: Dimension = {
    Name: 'LoadBalancer',
    Value: loadBalancerDimension(served.loadBalancerArn)
  }
  const bothSets: Dimension[][] = [[balancer]]
  if (served.targetGroupArn !== undefined) {
    bothSets.push([
      { Name: 'TargetGroup', Value: targetGroupDimension(served.targetGroupArn) },
      balancer
    ])
  }
  const points: MetricPoint[] = []
  const add = (metricName: string, dimensionSets: Dimension[][], value: number, unit: string) => {
    for (const dimensions of dimensionSets) {
      points.push({
        name: { region: served.region, namespace: ALB_NAMESPACE, metricName, dimensions },
        datum: { simAt: served.simAt, unit, value, count: 1, sum: value, min: value, max: value }
      })
    }
  }
  const klass = `${Math.floor(served.status / 100)}XX`
  const perTarget = (): void => {
    if (served.targetGroupArn === undefined || !served.servingTargets) return
    const group: Dimension = {
      Name: 'TargetGroup',
      Value: targetGroupDimension(served.targetGroupArn)
    }
    add('RequestCountPerTarget', [[group], [group, balancer]], 1 / served.servingTargets, 'Count')
  }

  switch (served.answeredBy) {
    case 'fixed-response':
      add('HTTP_Fixed_Response_Count', [[balancer]], 1, 'Count')
      break
    case 'redirect':
      add('HTTP_Redirect_Count', [[balancer]], 1, 'Count')
      break
    case 'target':
      add('RequestCount', bothSets, 1, 'Count')
      perTarget()
      add(`HTTPCode_Target_${klass}_Count`, bothSets, 1, 'Count')
      add('TargetResponseTime', bothSets, served.targetSeconds ?? 0, 'Seconds')
      break
    case 'load-balancer':
      if (served.targetGroupArn !== undefined) {
        add('RequestCount', bothSets, 1, 'Count')
        perTarget()
      }
      if (served.connectionError) add('TargetConnectionErrorCount', bothSets, 1, 'Count')
      add(`HTTPCode_ELB_${klass}_Count`, [[balancer]], 1, 'Count')
      if ([500, 502, 503, 504].includes(served.status)) {
        add(`HTTPCode_ELB_${served.status}_Count`, [[balancer]], 1, 'Count')
      }
      break
  }
  return points
}
