/**
 * The AWS/ECS utilization model and RequestCountPerTarget on a manual clock, where the figures
 * are exact: each minute's datapoint follows from the requests each task served in it.
 */
import type { MetricName } from '../../emulator/cloudwatch/metric-store.js'
import { blueGreen, ctx, type ModelWorld, modelWorld, type Pair } from './model-fixture.js'

const MINUTE = 60_000

describe('AWS/ECS service utilization and RequestCountPerTarget', () => {
  let w: ModelWorld
  let pair: Pair

  beforeEach(() => {
    w = modelWorld()
    pair = blueGreen(w)
    w.runUntil(() => healthyTargets(pair.blueGroup) === 2)
  })

  function healthyTargets(group: string): number {
    return w
      .elb('DescribeTargetHealth', { TargetGroupArn: group })
      .TargetHealthDescriptions.filter(
        (d: { TargetHealth: { State: string } }) => d.TargetHealth.State === 'healthy'
      ).length
  }

  function ecsMetric(metricName: string, service: string): MetricName {
    return {
      region: ctx.region,
      namespace: 'AWS/ECS',
      metricName,
      dimensions: [
        { Name: 'ClusterName', Value: pair.cluster },
        { Name: 'ServiceName', Value: service }
      ]
    }
  }

  function albMetric(metricName: string, withBalancer: boolean): MetricName {
    const group = {
      Name: 'TargetGroup',
      Value: pair.blueGroup.slice(pair.blueGroup.lastIndexOf(':') + 1)
    }
    const balancer = {
      Name: 'LoadBalancer',
      Value: pair.loadBalancerArn.split(':loadbalancer/')[1] as string
    }
    return {
      region: ctx.region,
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions: withBalancer ? [group, balancer] : [group]
    }
  }

  /** moves the clock to the next whole simulated minute; returns it */
  function toNextMinute(): number {
    const next = Math.ceil(w.clock.simNow() / MINUTE) * MINUTE
    w.clock.advance(next - w.clock.simNow())
    w.world.tick()
    return next
  }

  /** one statistic over one simulated minute */
  function stat(name: MetricName, statistic: string, minute: number): number | undefined {
    return w.world.cloudwatch.statistic(name, statistic, minute, minute + MINUTE)
  }

  it('gives each minute the mean of its tasks’ CPU and memory, from the requests they served', () => {
    // 50 requests a second, 20 ms apart: exactly 3000 a minute, 1500 for each of the two tasks
    toNextMinute()
    w.run(30)
    w.world.dataPlane.setLoad({ listenerArn: pair.listenerArn, rps: 50 })
    const loaded = toNextMinute()
    w.run(61)

    const cpu = ecsMetric('CPUUtilization', pair.blue)
    const memory = ecsMetric('MemoryUtilization', pair.blue)
    // 25 requests a second per task: 5 % + 25 × 0.5 %, and 20 % + 25 × 0.1 %
    expect(stat(cpu, 'Average', loaded)).toBeCloseTo(17.5, 10)
    expect(stat(cpu, 'Minimum', loaded)).toBeCloseTo(17.5, 10)
    expect(stat(cpu, 'Maximum', loaded)).toBeCloseTo(17.5, 10)
    expect(stat(cpu, 'SampleCount', loaded)).toBe(2)
    expect(stat(memory, 'Average', loaded)).toBeCloseTo(22.5, 10)

    // the same minute's requests per healthy target: RequestCount / 2, under both dimension sets
    expect(stat(albMetric('RequestCount', true), 'Sum', loaded)).toBe(3000)
    expect(stat(albMetric('RequestCountPerTarget', true), 'Sum', loaded)).toBe(1500)
    expect(stat(albMetric('RequestCountPerTarget', false), 'Sum', loaded)).toBe(1500)

    // the minute before the load had only its last 30 seconds of traffic; it is in the series too
    const points = w.world.cloudwatch.series(
      cpu,
      'Average',
      MINUTE,
      loaded - MINUTE,
      loaded + MINUTE
    )
    expect(points.map((p) => p.simAt)).toEqual([loaded - MINUTE, loaded])
    expect(points[0]?.value).toBeCloseTo(5 + 12.5 / 2, 1)
  })

  it('caps CPU at 100 %, follows the image’s costs, and falls to the baseline without load', () => {
    w.world.setImageBehavior({ image: 'web:1', behavior: 'healthy', cpuPerRequest: 10 })
    w.world.dataPlane.setLoad({ listenerArn: pair.listenerArn, rps: 50 })
    const loaded = toNextMinute()
    w.run(61)
    expect(stat(ecsMetric('CPUUtilization', pair.blue), 'Maximum', loaded)).toBe(100)

    w.world.setImageBehavior({
      image: 'web:1',
      behavior: 'healthy',
      cpuBaseline: 2,
      memoryBaseline: 40,
      memoryPerRequest: 0
    })
    w.world.dataPlane.stopLoad()
    const idle = toNextMinute()
    w.run(61)
    expect(stat(ecsMetric('CPUUtilization', pair.blue), 'Maximum', idle)).toBe(2)
    expect(stat(ecsMetric('MemoryUtilization', pair.blue), 'Minimum', idle)).toBe(40)
    expect(stat(albMetric('RequestCountPerTarget', true), 'Sum', idle)).toBeUndefined()
  })

  it('publishes nothing for a service without running tasks, nor before a minute has ended', () => {
    const minute = toNextMinute()
    w.run(30)
    expect(stat(ecsMetric('CPUUtilization', pair.blue), 'SampleCount', minute)).toBeUndefined()
    w.run(31)
    expect(stat(ecsMetric('CPUUtilization', pair.blue), 'SampleCount', minute)).toBe(2)
    expect(stat(ecsMetric('CPUUtilization', pair.green), 'SampleCount', minute)).toBeUndefined()

    w.ecs('UpdateService', { cluster: pair.cluster, service: pair.blue, desiredCount: 0 })
    w.runUntil(
      () =>
        w.ecs('ListTasks', { cluster: pair.cluster, serviceName: pair.blue }).taskArns.length === 0
    )
    w.run(15)
    const empty = toNextMinute()
    w.run(61)
    expect(stat(ecsMetric('CPUUtilization', pair.blue), 'SampleCount', empty)).toBeUndefined()
  })

  it('refuses a statistic CloudWatch does not know', () => {
    expect(() =>
      w.world.cloudwatch.statistic(ecsMetric('CPUUtilization', pair.blue), 'Mean', 0, MINUTE)
    ).toThrow(/Mean .* is not a valid statistic/)
  })
})
