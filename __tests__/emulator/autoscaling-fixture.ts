/**
 * Application Auto Scaling model tests: the blue/green world on a manual clock, calls straight to
 * the backends, and metric datapoints put straight into CloudWatch's store.
 */
import {
  blueGreen,
  ctx,
  type Json,
  type ModelWorld,
  modelWorld,
  type Pair
} from './model-fixture.js'

export interface ScalingWorld extends ModelWorld {
  pair: Pair
  aas(operation: string, params?: Record<string, unknown>): Json
  cw(operation: string, params?: Record<string, unknown>): Json
  /** the blue service's scalable target key */
  blue: { ServiceNamespace: 'ecs'; ResourceId: string; ScalableDimension: string }
  /** puts one datapoint of a metric at the current simulated second */
  datapoint(metric: MetricRef, value: number): void
  /**
   * lets seconds pass, putting `value()` of `metric` at the end of every second (undefined:
   * nothing), so that a datapoint never lands in the period before the feeding began (the store
   * keeps one-second buckets, and simulated time does not start on a whole second)
   */
  feed(metric: MetricRef, seconds: number, value: () => number | undefined): void
  /** the blue service's desiredCount */
  desired(): number
  activities(includeNotScaled?: boolean): Json[]
}

export interface MetricRef {
  namespace: string
  metricName: string
  dimensions: { Name: string; Value: string }[]
  unit?: string
}

/** web-blue's average CPU, as AWS/ECS publishes it */
export const BLUE_CPU: MetricRef = {
  namespace: 'AWS/ECS',
  metricName: 'CPUUtilization',
  dimensions: [
    { Name: 'ClusterName', Value: 'c' },
    { Name: 'ServiceName', Value: 'web-blue' }
  ],
  unit: 'Percent'
}

export function scalingWorld(options: { desiredCount?: number } = {}): ScalingWorld {
  // the tests feed the service's CPU themselves: the emulator's own figures would mix in
  const w = modelWorld({ ecsMetrics: false })
  const pair = blueGreen(w, { desiredCount: options.desiredCount ?? 2 })
  const aas = (operation: string, params: Record<string, unknown> = {}): Json =>
    w.world.autoscaling.call(operation, params, ctx)
  const cw = (operation: string, params: Record<string, unknown> = {}): Json =>
    w.world.cloudwatch.call(operation, params, ctx)
  const datapoint = (metric: MetricRef, value: number): void => {
    w.world.cloudwatch.model.metrics.put(
      {
        region: ctx.region,
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: metric.dimensions
      },
      {
        simAt: w.clock.simNow(),
        unit: metric.unit ?? 'None',
        value,
        count: 1,
        sum: value,
        min: value,
        max: value
      }
    )
  }
  return {
    ...w,
    pair,
    aas,
    cw,
    blue: {
      ServiceNamespace: 'ecs',
      ResourceId: 'service/c/web-blue',
      ScalableDimension: 'ecs:service:DesiredCount'
    },
    datapoint,
    feed(metric, seconds, value) {
      for (let i = 0; i < seconds; i++) {
        w.run(1)
        const v = value()
        if (v !== undefined) datapoint(metric, v)
      }
    },
    desired: () =>
      w.ecs('DescribeServices', { cluster: 'c', services: ['web-blue'] }).services[0].desiredCount,
    activities: (includeNotScaled = false) =>
      aas('DescribeScalingActivities', {
        ServiceNamespace: 'ecs',
        ResourceId: 'service/c/web-blue',
        IncludeNotScaledActivities: includeNotScaled
      }).ScalingActivities
  }
}
