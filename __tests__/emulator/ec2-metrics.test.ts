/**
 * AWS/ECS on EC2, on a manual clock where the figures are exact: the cluster's reservation and
 * utilization against the CPU and memory its instances registered, and a bridge task's service
 * figures from the requests that reached it at its instance's host port.
 */
import type { MetricName } from '../../emulator/cloudwatch/metric-store.js'
import { ctx, modelWorld, type ModelWorld } from './model-fixture.js'
import {
  ec2Cluster,
  ec2Service,
  instanceGroup,
  registerApi,
  startInstances
} from './ec2-fixture.js'

const MINUTE = 60_000

function ecsMetric(metricName: string, service?: string): MetricName {
  return {
    region: ctx.region,
    namespace: 'AWS/ECS',
    metricName,
    dimensions: [
      { Name: 'ClusterName', Value: 'c' },
      ...(service ? [{ Name: 'ServiceName', Value: service }] : [])
    ]
  }
}

function toNextMinute(w: ModelWorld): number {
  const next = Math.ceil(w.clock.simNow() / MINUTE) * MINUTE
  w.clock.advance(next - w.clock.simNow())
  w.world.tick()
  return next
}

function average(w: ModelWorld, name: MetricName, minute: number): number | undefined {
  return w.world.cloudwatch.statistic(name, 'Average', minute, minute + MINUTE)
}

/** two m5.large-like instances (2048 units, 4096 MiB each) and a bridge service of two 256/512 tasks behind an instance target group */
function loadedCluster(): { w: ModelWorld; listenerArn: string } {
  const w = modelWorld()
  ec2Cluster(w)
  startInstances(w, 2)
  const group = instanceGroup(w)
  ec2Service(w, 'api', registerApi(w), 2, {
    loadBalancers: [{ targetGroupArn: group, containerName: 'api', containerPort: 8080 }]
  })
  w.runUntil(
    () =>
      w
        .elb('DescribeTargetHealth', { TargetGroupArn: group })
        .TargetHealthDescriptions.filter(
          (d: { TargetHealth: { State: string } }) => d.TargetHealth.State === 'healthy'
        ).length === 2,
    120
  )
  const listenerArn = w.elb('DescribeListeners', {
    LoadBalancerArn: w.elb('DescribeLoadBalancers', {}).LoadBalancers[0].LoadBalancerArn
  }).Listeners[0].ListenerArn as string
  return { w, listenerArn }
}

describe('AWS/ECS metrics of a cluster on EC2', () => {
  it('publishes CPU and memory reservation per ClusterName: reserved by running tasks over what the instances registered', () => {
    const { w } = loadedCluster()
    const minute = toNextMinute(w)
    w.run(61)
    // 2 × 256 of 2 × 2048 units, 2 × 512 of 2 × 4096 MiB
    expect(average(w, ecsMetric('CPUReservation'), minute)).toBeCloseTo(12.5, 6)
    expect(average(w, ecsMetric('MemoryReservation'), minute)).toBeCloseTo(12.5, 6)
    // idle tasks: 5 % of 512 units and 20 % of 1024 MiB in use
    expect(average(w, ecsMetric('CPUUtilization'), minute)).toBeCloseTo((25.6 / 4096) * 100, 6)
    expect(average(w, ecsMetric('MemoryUtilization'), minute)).toBeCloseTo((204.8 / 8192) * 100, 6)
  })

  it('counts a DRAINING instance in what is registered and publishes nothing once no task runs', () => {
    const { w } = loadedCluster()
    const [arn] = w.ecs('ListContainerInstances', { cluster: 'c' }).containerInstanceArns
    w.ecs('UpdateContainerInstancesState', {
      cluster: 'c',
      containerInstances: [arn],
      status: 'DRAINING'
    })
    w.ecs('UpdateService', { cluster: 'c', service: 'api', desiredCount: 0 })
    w.run(30)
    const minute = toNextMinute(w)
    w.run(61)
    expect(average(w, ecsMetric('CPUReservation'), minute)).toBeUndefined()
    w.ecs('UpdateService', { cluster: 'c', service: 'api', desiredCount: 1 })
    w.run(30)
    const later = toNextMinute(w)
    w.run(61)
    // one 256-unit task on the ACTIVE instance, over both instances' 4096 units
    expect(average(w, ecsMetric('CPUReservation'), later)).toBeCloseTo(6.25, 6)
  })

  it('a bridge task’s CPU and memory figures grow with the requests it served at its instance’s host port', () => {
    const { w, listenerArn } = loadedCluster()
    toNextMinute(w)
    w.world.dataPlane.setLoad({ listenerArn, rps: 50 })
    const loaded = toNextMinute(w)
    w.run(61)
    // 25 requests a second per task (give or take the minute's first): 5 % + 25 × 0.5 %, and
    // 20 % + 25 × 0.1 %; counted by task.ip, a bridge task would stay at its idle 5 % and 20 %
    expect(average(w, ecsMetric('CPUUtilization', 'api'), loaded)).toBeCloseTo(17.5, 1)
    expect(average(w, ecsMetric('MemoryUtilization', 'api'), loaded)).toBeCloseTo(22.5, 1)
    expect(average(w, ecsMetric('CPUUtilization'), loaded)).toBeCloseTo(
      ((2 * 256 * 0.175) / 4096) * 100,
      2
    )
  })
})
