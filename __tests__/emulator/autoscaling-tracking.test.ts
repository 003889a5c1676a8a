/**
 * Target tracking on a manual clock: the policy's two alarms in CloudWatch, scale-out and
 * scale-in through the ECS model, cooldowns, min/max, suspended directions, what activities say.
 */
import { BLUE_CPU, type ScalingWorld, scalingWorld } from './autoscaling-fixture.js'
import type { Json } from './model-fixture.js'

function cpuPolicy(w: ScalingWorld, config: Record<string, unknown> = {}): Json {
  return w.aas('PutScalingPolicy', {
    ...w.blue,
    PolicyName: 'cpu50',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 50,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      ...config
    }
  })
}

function alarm(w: ScalingWorld, name: string): Json {
  return w.cw('DescribeAlarms', { AlarmNames: [name] }).MetricAlarms[0]
}

function register(w: ScalingWorld, more: Record<string, unknown> = {}): void {
  w.aas('RegisterScalableTarget', { ...w.blue, MinCapacity: 1, MaxCapacity: 10, ...more })
}

describe('target tracking', () => {
  it('creates AlarmHigh and AlarmLow in CloudWatch with AWS settings, invoking the policy', () => {
    const w = scalingWorld()
    register(w)
    const put = cpuPolicy(w)
    expect(put.Alarms).toHaveLength(2)
    const [high, low] = put.Alarms
    expect(high.AlarmName).toMatch(/^TargetTracking-service\/c\/web-blue-AlarmHigh-[0-9a-f-]{36}$/)
    expect(low.AlarmName).toMatch(/^TargetTracking-service\/c\/web-blue-AlarmLow-[0-9a-f-]{36}$/)
    expect(alarm(w, high.AlarmName)).toMatchObject({
      AlarmArn: high.AlarmARN,
      AlarmActions: [put.PolicyARN],
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: 'c' },
        { Name: 'ServiceName', Value: 'web-blue' }
      ],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
      StateValue: 'INSUFFICIENT_DATA'
    })
    expect(alarm(w, high.AlarmName).AlarmDescription).toBe(
      `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${put.PolicyARN}.`
    )
    expect(alarm(w, low.AlarmName)).toMatchObject({
      Period: 60,
      EvaluationPeriods: 15,
      DatapointsToAlarm: 15,
      Threshold: 45,
      ComparisonOperator: 'LessThanThreshold'
    })
    expect(put.PolicyARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/c\/web-blue:policyName\/cpu50$/
    )
  })

  it('does nothing while the metric has no data: the alarms stay INSUFFICIENT_DATA', () => {
    const w = scalingWorld()
    register(w)
    const put = cpuPolicy(w)
    w.run(600)
    expect(alarm(w, put.Alarms[0].AlarmName).StateValue).toBe('INSUFFICIENT_DATA')
    expect(w.desired()).toBe(2)
    expect(w.activities(true)).toEqual([])
  })

  it('scales out in proportion to the metric, through the ECS model, and says why', () => {
    const w = scalingWorld()
    w.run(30)
    register(w)
    const put = cpuPolicy(w, { ScaleOutCooldown: 600 })
    const highName = put.Alarms[0].AlarmName
    const before = w.ecs('DescribeServices', { cluster: 'c', services: ['web-blue'] }).services[0]

    // three one-minute periods above 50 % put AlarmHigh in ALARM at the next evaluation
    w.feed(BLUE_CPU, 170, () => 90)
    expect(w.desired()).toBe(2)
    w.feed(BLUE_CPU, 60, () => 90)
    expect(alarm(w, highName).StateValue).toBe('ALARM')
    expect(w.desired()).toBe(4) // ceil(2 * 90 / 50)

    const [activity] = w.activities()
    expect(activity).toMatchObject({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/c/web-blue',
      ScalableDimension: 'ecs:service:DesiredCount',
      Description: 'Setting desired count to 4.',
      Cause: `monitor alarm ${highName} in state ALARM triggered policy cpu50`,
      StatusCode: 'Successful',
      StatusMessage: 'Successfully set desired count to 4. Change successfully fulfilled by ecs.'
    })
    expect(activity.ActivityId).toMatch(/^[0-9a-f-]{36}$/)
    expect(activity.StartTime).toBeInstanceOf(Date)

    // as an UpdateService of desiredCount alone: no deployment, nothing else changed
    const after = w.ecs('DescribeServices', { cluster: 'c', services: ['web-blue'] }).services[0]
    expect(after.deployments).toHaveLength(1)
    expect(after.deployments[0].id).toBe(before.deployments[0].id)
    expect(after.taskDefinition).toBe(before.taskDefinition)
    expect(after.loadBalancers).toEqual(before.loadBalancers)
    expect(after.events.map((e: Json) => e.message)).toContain(
      `Message: Successfully set desired count to 4. Change successfully fulfilled by ecs. Cause: monitor alarm ${highName} in state ALARM triggered policy cpu50`
    )
    w.run(60)
    expect(w.ecs('ListTasks', { cluster: 'c', serviceName: 'web-blue' }).taskArns).toHaveLength(4)
  })

  it('within the scale-out cooldown scales out only further than the last scale-out, then from the new capacity, up to MaxCapacity', () => {
    const w = scalingWorld()
    register(w, { MaxCapacity: 7 })
    cpuPolicy(w, { ScaleOutCooldown: 300 })
    let cpu = 90
    w.feed(BLUE_CPU, 240, () => cpu)
    expect(w.desired()).toBe(4)

    // AlarmHigh stays in ALARM and invokes the policy each minute: the same 90 % of the old
    // fleet asks for 4 again, which is no larger scale-out
    w.feed(BLUE_CPU, 120, () => cpu)
    expect(w.desired()).toBe(4)
    expect(w.activities()).toHaveLength(1)

    // a higher load within the cooldown: ceil(2 * 150 / 50) = 6 is larger
    cpu = 150
    w.feed(BLUE_CPU, 60, () => cpu)
    expect(w.desired()).toBe(6)

    // after the cooldown the policy counts from 6: ceil(6 * 150 / 50) = 18, held at 7
    w.feed(BLUE_CPU, 240, () => cpu)
    expect(w.desired()).toBe(6)
    w.feed(BLUE_CPU, 120, () => cpu)
    expect(w.desired()).toBe(7)
    expect(w.activities().map((a: Json) => a.Description)).toEqual([
      'Setting desired count to 7.',
      'Setting desired count to 6.',
      'Setting desired count to 4.'
    ])

    // at MaxCapacity the next invocations are a not scaled activity, listed only when asked
    w.feed(BLUE_CPU, 120, () => cpu)
    expect(w.desired()).toBe(7)
    expect(w.activities()).toHaveLength(3)
    const notScaled = w.activities(true).filter((a: Json) => a.NotScaledReasons)
    expect(notScaled).toHaveLength(1)
    expect(notScaled[0]).toMatchObject({
      StatusCode: 'Failed',
      NotScaledReasons: [
        { Code: 'AlreadyAtMaxCapacity', MaxCapacity: 7, MinCapacity: 1, CurrentCapacity: 7 }
      ]
    })
  })

  it('scales in after 15 minutes under 90 % of the target, down to MinCapacity, one scale-in per cooldown', () => {
    const w = scalingWorld({ desiredCount: 8 })
    register(w, { MinCapacity: 2 })
    const put = cpuPolicy(w, { ScaleInCooldown: 600 })
    const lowName = put.Alarms[1].AlarmName

    // 40 % is under 45 %: AlarmLow needs 15 periods
    w.feed(BLUE_CPU, 14 * 60, () => 40)
    expect(w.desired()).toBe(8)
    w.feed(BLUE_CPU, 120, () => 40)
    expect(alarm(w, lowName).StateValue).toBe('ALARM')
    expect(w.desired()).toBe(7) // ceil(8 * 40 / 50)
    expect(w.activities()[0]).toMatchObject({
      Description: 'Setting desired count to 7.',
      Cause: `monitor alarm ${lowName} in state ALARM triggered policy cpu50`
    })

    // the alarm stays in ALARM: no second scale-in until the scale-in cooldown ends
    w.feed(BLUE_CPU, 480, () => 10)
    expect(w.desired()).toBe(7)
    w.feed(BLUE_CPU, 120, () => 10)
    expect(w.desired()).toBe(2) // ceil(7 * 10 / 50) = 2, the minimum
  })

  it('a scale-in cooldown does not hold back a scale-out', () => {
    const w = scalingWorld({ desiredCount: 6 })
    register(w)
    cpuPolicy(w, { ScaleInCooldown: 3600, ScaleOutCooldown: 0 })
    w.feed(BLUE_CPU, 17 * 60, () => 20)
    expect(w.desired()).toBe(3) // ceil(6 * 20 / 50)
    // AlarmHigh needs three periods of the new load; the scale-in cooldown holds nothing back
    w.feed(BLUE_CPU, 170, () => 100)
    expect(w.desired()).toBe(3)
    w.feed(BLUE_CPU, 20, () => 100)
    expect(w.desired()).toBe(6) // ceil(3 * 100 / 50)
  })

  it('with DisableScaleIn creates no AlarmLow and never scales in', () => {
    const w = scalingWorld({ desiredCount: 6 })
    register(w)
    const put = cpuPolicy(w, { DisableScaleIn: true })
    expect(put.Alarms).toHaveLength(1)
    expect(put.Alarms[0].AlarmName).toContain('-AlarmHigh-')
    expect(
      w.cw('DescribeAlarms', { AlarmNamePrefix: 'TargetTracking-' }).MetricAlarms
    ).toHaveLength(1)
    w.feed(BLUE_CPU, 20 * 60, () => 5)
    expect(w.desired()).toBe(6)
  })

  it('honours DynamicScalingOutSuspended, and scales out once it is resumed', () => {
    const w = scalingWorld()
    register(w, { SuspendedState: { DynamicScalingOutSuspended: true } })
    cpuPolicy(w)
    w.feed(BLUE_CPU, 6 * 60, () => 95)
    expect(w.desired()).toBe(2)
    expect(w.activities(true)).toEqual([])

    w.aas('RegisterScalableTarget', {
      ...w.blue,
      SuspendedState: { DynamicScalingOutSuspended: false }
    })
    w.feed(BLUE_CPU, 60, () => 95)
    expect(w.desired()).toBe(4)
  })

  it('honours DynamicScalingInSuspended while it still scales out', () => {
    const w = scalingWorld({ desiredCount: 6 })
    register(w, { SuspendedState: { DynamicScalingInSuspended: true } })
    cpuPolicy(w, { ScaleOutCooldown: 0 })
    w.feed(BLUE_CPU, 20 * 60, () => 10)
    expect(w.desired()).toBe(6)
    w.feed(BLUE_CPU, 5 * 60, () => 80)
    expect(w.desired()).toBeGreaterThan(6)
  })

  it('updates a policy in place: same ARN and alarms, new threshold', () => {
    const w = scalingWorld()
    register(w)
    const first = cpuPolicy(w)
    const second = cpuPolicy(w, { TargetValue: 70 })
    expect(second.PolicyARN).toBe(first.PolicyARN)
    expect(second.Alarms.map((a: Json) => a.AlarmName)).toEqual(
      first.Alarms.map((a: Json) => a.AlarmName)
    )
    expect(alarm(w, second.Alarms[0].AlarmName).Threshold).toBe(70)
    expect(alarm(w, second.Alarms[1].AlarmName).Threshold).toBe(63)
    // turning scale-in off removes AlarmLow
    const third = cpuPolicy(w, { TargetValue: 70, DisableScaleIn: true })
    expect(third.Alarms).toHaveLength(1)
    expect(
      w.cw('DescribeAlarms', { AlarmNames: [first.Alarms[1].AlarmName] }).MetricAlarms
    ).toEqual([])
  })
})
