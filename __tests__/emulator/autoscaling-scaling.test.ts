/**
 * Step scaling from a caller's alarm, a customized metric published with PutMetricData, capacity
 * moved into a new [min, max], and what deregistration and deletion take away: on a manual clock.
 */
import { type MetricRef, type ScalingWorld, scalingWorld } from './autoscaling-fixture.js'
import type { Json } from './model-fixture.js'

const BACKLOG: MetricRef = {
  namespace: 'Shop',
  metricName: 'BacklogPerTask',
  dimensions: [{ Name: 'QueueName', Value: 'orders' }]
}

function register(w: ScalingWorld, more: Record<string, unknown> = {}): Json {
  return w.aas('RegisterScalableTarget', { ...w.blue, MinCapacity: 1, MaxCapacity: 10, ...more })
}

function stepPolicy(w: ScalingWorld, config: Record<string, unknown> = {}): string {
  return w.aas('PutScalingPolicy', {
    ...w.blue,
    PolicyName: 'backlog-steps',
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: {
      AdjustmentType: 'ChangeInCapacity',
      Cooldown: 120,
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 50, ScalingAdjustment: 3 }
      ],
      ...config
    }
  }).PolicyARN
}

function backlogAlarm(w: ScalingWorld, actions: string[]): void {
  w.cw('PutMetricAlarm', {
    AlarmName: 'orders-backlog-high',
    Namespace: BACKLOG.namespace,
    MetricName: BACKLOG.metricName,
    Dimensions: BACKLOG.dimensions,
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 100,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    AlarmActions: actions
  })
}

/** PutMetricData through the CloudWatch API, as an application publishing its backlog would */
function publishBacklog(w: ScalingWorld, value: number): void {
  w.cw('PutMetricData', {
    Namespace: BACKLOG.namespace,
    MetricData: [{ MetricName: BACKLOG.metricName, Dimensions: BACKLOG.dimensions, Value: value }]
  })
}

function runPublishing(w: ScalingWorld, seconds: number, value: () => number): void {
  for (let i = 0; i < seconds; i++) {
    w.run(1)
    publishBacklog(w, value())
  }
}

describe('step scaling', () => {
  it('scales by the step that holds the breach when a caller alarm naming the policy is in ALARM', () => {
    const w = scalingWorld()
    register(w)
    const policyArn = stepPolicy(w)
    backlogAlarm(w, [policyArn])

    // 170 over a threshold of 100: a breach of 70 is in the [50, +inf) step, +3
    w.feed(BACKLOG, 130, () => 170)
    expect(w.desired()).toBe(5)
    expect(w.activities()[0]).toMatchObject({
      Description: 'Setting desired count to 5.',
      Cause: 'monitor alarm orders-backlog-high in state ALARM triggered policy backlog-steps',
      StatusMessage: 'Successfully set desired count to 5. Change successfully fulfilled by ecs.'
    })
    // DescribeScalingPolicies lists the caller's alarm as the policy's
    const [policy] = w.aas('DescribeScalingPolicies', {
      ServiceNamespace: 'ecs',
      PolicyNames: ['backlog-steps']
    }).ScalingPolicies
    expect(policy.Alarms).toEqual([
      {
        AlarmName: 'orders-backlog-high',
        AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-backlog-high'
      }
    ])
  })

  it('is invoked again each minute while the alarm stays in ALARM, once its cooldown has passed', () => {
    const w = scalingWorld()
    register(w)
    const policyArn = stepPolicy(w)
    backlogAlarm(w, [policyArn])
    // a breach of 20 is in the [0, 50) step: +1 per invocation, one per 120 s cooldown
    // in ALARM at the first evaluation, a minute in
    w.feed(BACKLOG, 65, () => 120)
    expect(w.desired()).toBe(3)
    w.feed(BACKLOG, 110, () => 120)
    expect(w.desired()).toBe(3)
    w.feed(BACKLOG, 10, () => 120)
    expect(w.desired()).toBe(4)
    w.feed(BACKLOG, 120, () => 120)
    expect(w.desired()).toBe(5)
    expect(w.activities()).toHaveLength(3)
  })

  it('does nothing while its alarm is not in ALARM, or names the policy with actions disabled', () => {
    const w = scalingWorld()
    register(w)
    const policyArn = stepPolicy(w)
    backlogAlarm(w, [policyArn])
    w.feed(BACKLOG, 300, () => 80)
    expect(w.desired()).toBe(2)
    w.cw('PutMetricAlarm', {
      AlarmName: 'orders-backlog-high',
      Namespace: BACKLOG.namespace,
      MetricName: BACKLOG.metricName,
      Dimensions: BACKLOG.dimensions,
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 100,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [policyArn],
      ActionsEnabled: false
    })
    w.feed(BACKLOG, 300, () => 500)
    expect(w.desired()).toBe(2)
  })

  it('takes the metric from StateReasonData when SetAlarmState puts the alarm in ALARM', () => {
    const w = scalingWorld()
    register(w)
    const policyArn = stepPolicy(w, {
      AdjustmentType: 'PercentChangeInCapacity',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 50 }],
      MinAdjustmentMagnitude: 2
    })
    backlogAlarm(w, [policyArn])
    w.cw('SetAlarmState', {
      AlarmName: 'orders-backlog-high',
      StateValue: 'ALARM',
      StateReason: 'testing the policy',
      StateReasonData: JSON.stringify({ version: '1.0', recentDatapoints: [150], threshold: 100 })
    })
    w.run(1)
    // 50 % of 2 is 1, raised to MinAdjustmentMagnitude 2
    expect(w.desired()).toBe(4)
  })

  it('scales in with a negative step, held at MinCapacity', () => {
    const w = scalingWorld({ desiredCount: 5 })
    register(w, { MinCapacity: 3 })
    const arn = w.aas('PutScalingPolicy', {
      ...w.blue,
      PolicyName: 'backlog-low',
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        Cooldown: 60,
        StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -4 }]
      }
    }).PolicyARN
    w.cw('PutMetricAlarm', {
      AlarmName: 'orders-backlog-low',
      Namespace: BACKLOG.namespace,
      MetricName: BACKLOG.metricName,
      Dimensions: BACKLOG.dimensions,
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 10,
      ComparisonOperator: 'LessThanThreshold',
      AlarmActions: [arn]
    })
    w.feed(BACKLOG, 130, () => 2)
    expect(w.desired()).toBe(3)
    w.feed(BACKLOG, 180, () => 2)
    expect(w.activities(true)[0].NotScaledReasons).toEqual([
      { Code: 'AlreadyAtMinCapacity', MaxCapacity: 10, MinCapacity: 3, CurrentCapacity: 3 }
    ])
  })
})

describe('a customized metric', () => {
  it('tracks an SQS-style backlog per task published with PutMetricData', () => {
    const w = scalingWorld()
    register(w)
    const put = w.aas('PutScalingPolicy', {
      ...w.blue,
      PolicyName: 'backlog-per-task',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        CustomizedMetricSpecification: {
          Namespace: BACKLOG.namespace,
          MetricName: BACKLOG.metricName,
          Dimensions: BACKLOG.dimensions,
          Statistic: 'Average'
        }
      }
    })
    const high = w.cw('DescribeAlarms', { AlarmNames: [put.Alarms[0].AlarmName] }).MetricAlarms[0]
    expect(high).toMatchObject({ Namespace: 'Shop', MetricName: 'BacklogPerTask', Threshold: 100 })

    runPublishing(w, 200, () => 260)
    expect(w.desired()).toBe(6) // ceil(2 * 260 / 100)
    expect(w.activities()[0].Cause).toBe(
      `monitor alarm ${put.Alarms[0].AlarmName} in state ALARM triggered policy backlog-per-task`
    )
  })

  it('reads a MetricStat query given as Metrics', () => {
    const w = scalingWorld()
    register(w)
    w.aas('PutScalingPolicy', {
      ...w.blue,
      PolicyName: 'backlog-query',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'backlog',
              MetricStat: {
                Metric: {
                  Namespace: BACKLOG.namespace,
                  MetricName: BACKLOG.metricName,
                  Dimensions: BACKLOG.dimensions
                },
                Stat: 'Maximum'
              }
            }
          ]
        }
      }
    })
    runPublishing(w, 200, () => 300)
    expect(w.desired()).toBe(6)
  })
})

describe('capacity and the target', () => {
  it('moves the current capacity into a new [min, max], by a scaling activity', () => {
    const w = scalingWorld()
    register(w, { MinCapacity: 3 })
    expect(w.desired()).toBe(3)
    expect(w.activities()[0]).toMatchObject({
      Description: 'Setting desired count to 3.',
      StatusCode: 'Successful',
      StatusMessage: 'Successfully set desired count to 3. Change successfully fulfilled by ecs.'
    })
    w.aas('RegisterScalableTarget', { ...w.blue, MinCapacity: 0, MaxCapacity: 1 })
    expect(w.desired()).toBe(1)
    // an update names only what changes
    w.aas('RegisterScalableTarget', { ...w.blue, MaxCapacity: 4 })
    const [target] = w.aas('DescribeScalableTargets', { ServiceNamespace: 'ecs' }).ScalableTargets
    expect(target).toMatchObject({ MinCapacity: 0, MaxCapacity: 4 })
    expect(w.desired()).toBe(1)
    expect(w.activities()).toHaveLength(2)
  })

  it('deregistration deletes the policies and the alarms of target tracking, not a caller alarm', () => {
    const w = scalingWorld()
    register(w)
    const tracking = w.aas('PutScalingPolicy', {
      ...w.blue,
      PolicyName: 'cpu',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 60,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ECSServiceAverageMemoryUtilization'
        }
      }
    })
    backlogAlarm(w, [stepPolicy(w)])
    const names = () =>
      w
        .cw('DescribeAlarms', {})
        .MetricAlarms.map((alarm: Json) => alarm.AlarmName)
        .sort()
    expect(names()).toEqual(
      [...tracking.Alarms.map((a: Json) => a.AlarmName), 'orders-backlog-high'].sort()
    )

    w.aas('DeregisterScalableTarget', w.blue)
    expect(names()).toEqual(['orders-backlog-high'])
    expect(w.aas('DescribeScalingPolicies', { ServiceNamespace: 'ecs' }).ScalingPolicies).toEqual(
      []
    )
    expect(w.aas('DescribeScalableTargets', { ServiceNamespace: 'ecs' }).ScalableTargets).toEqual(
      []
    )
    // the alarm that named the step policy invokes nothing any more
    w.feed(BACKLOG, 180, () => 1000)
    expect(w.desired()).toBe(2)
  })

  it('a deleted ECS service takes its scalable target with it', () => {
    const w = scalingWorld()
    register(w)
    w.ecs('DeleteService', { cluster: 'c', service: 'web-blue', force: true })
    w.run(1)
    expect(w.aas('DescribeScalableTargets', { ServiceNamespace: 'ecs' }).ScalableTargets).toEqual(
      []
    )
  })
})
