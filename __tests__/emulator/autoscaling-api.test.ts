/**
 * Application Auto Scaling through the unmodified SDK client against the running emulator: every
 * operation, and the errors AWS answers, with its codes and wording.
 */
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  InvalidNextTokenException,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  type PutScalingPolicyCommandInput,
  RegisterScalableTargetCommand,
  type RegisterScalableTargetCommandInput,
  ValidationException
} from '@aws-sdk/client-application-auto-scaling'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createBlueGreenTopology, type Topology } from '../../emulator/fixtures/topology.js'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { calls, clearCalls, clientConfig, reset } from '../helpers/emulator.js'

let emulator: RunningEmulator
let aas: ApplicationAutoScalingClient
let cloudwatch: CloudWatchClient
let ecs: ECSClient
let elb: ElasticLoadBalancingV2Client
let topology: Topology

const BLUE = {
  ServiceNamespace: 'ecs' as const,
  ResourceId: 'service/web-cluster/web-blue',
  ScalableDimension: 'ecs:service:DesiredCount' as const
}
const GREEN = { ...BLUE, ResourceId: 'service/web-cluster/web-green' }

beforeAll(async () => {
  emulator = await startEmulator()
  const config = { ...clientConfig(emulator.url), maxAttempts: 1 }
  aas = new ApplicationAutoScalingClient(config)
  cloudwatch = new CloudWatchClient(config)
  ecs = new ECSClient(config)
  elb = new ElasticLoadBalancingV2Client(config)
})
beforeEach(async () => {
  await reset(emulator.url)
  topology = await createBlueGreenTopology({ endpoint: emulator.url, waitForBlue: false })
})
afterAll(async () => {
  for (const client of [aas, cloudwatch, ecs, elb]) client.destroy()
  await emulator.stop()
})

const register = (input: Partial<RegisterScalableTargetCommandInput> = {}) =>
  aas.send(new RegisterScalableTargetCommand({ ...BLUE, MinCapacity: 1, MaxCapacity: 6, ...input }))

const putPolicy = (input: Partial<PutScalingPolicyCommandInput> = {}) =>
  aas.send(
    new PutScalingPolicyCommand({
      ...BLUE,
      PolicyName: 'cpu',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }
      },
      ...input
    })
  )

/** the error a call fails with; fails the test when it succeeds */
async function failure(call: Promise<unknown>): Promise<Error & { name: string }> {
  try {
    await call
  } catch (error) {
    return error as Error & { name: string }
  }
  throw new Error('expected the call to fail, but it succeeded')
}

async function expectError(
  call: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
  message: string | RegExp
) {
  const error = await failure(call)
  expect(error).toBeInstanceOf(type)
  if (typeof message === 'string') expect(error.message).toBe(message)
  else expect(error.message).toMatch(message)
}

const desiredCount = async (service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster: topology.cluster, services: [service] })))
    .services?.[0]?.desiredCount

/** `app/<name>/<id>/targetgroup/<name>/<id>` of the topology's load balancer and a group */
const labelOf = (targetGroupArn: string) =>
  `${topology.loadBalancerArn.slice(topology.loadBalancerArn.indexOf(':loadbalancer/') + 14)}/${targetGroupArn.slice(targetGroupArn.lastIndexOf(':') + 1)}`

describe('scalable targets', () => {
  it('registers, describes and updates a target, and logs calls as application-autoscaling', async () => {
    await clearCalls(emulator.url)
    const { ScalableTargetARN } = await register({ Tags: { team: 'web' } })
    expect(ScalableTargetARN).toMatch(
      /^arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target\/[0-9a-f]{36}$/
    )
    const described = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' })
    )
    expect(described.ScalableTargets).toHaveLength(1)
    const [target] = described.ScalableTargets ?? []
    expect(target).toMatchObject({
      ...BLUE,
      MinCapacity: 1,
      MaxCapacity: 6,
      RoleARN:
        'arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false
      },
      ScalableTargetARN
    })
    expect(target?.CreationTime).toBeInstanceOf(Date)

    // an update changes what it names and keeps the ARN
    const again = await aas.send(
      new RegisterScalableTargetCommand({
        ...BLUE,
        MaxCapacity: 8,
        SuspendedState: { DynamicScalingInSuspended: true }
      })
    )
    expect(again.ScalableTargetARN).toBe(ScalableTargetARN)
    const [updated] =
      (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' })))
        .ScalableTargets ?? []
    expect(updated).toMatchObject({
      MinCapacity: 1,
      MaxCapacity: 8,
      SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false }
    })

    const logged = await calls(emulator.url, { service: 'application-autoscaling' })
    expect(logged.map((c) => [c.operation, c.mutating])).toEqual([
      ['RegisterScalableTarget', true],
      ['DescribeScalableTargets', false],
      ['RegisterScalableTarget', true],
      ['DescribeScalableTargets', false]
    ])
  })

  it('moves the desired count into [MinCapacity, MaxCapacity] and lists the activity', async () => {
    await register({ MinCapacity: 3, MaxCapacity: 5 })
    expect(await desiredCount(topology.services.blue)).toBe(3)
    const { ScalingActivities } = await aas.send(
      new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: BLUE.ResourceId })
    )
    expect(ScalingActivities).toHaveLength(1)
    expect(ScalingActivities?.[0]).toMatchObject({
      ...BLUE,
      Description: 'Setting desired count to 3.',
      StatusCode: 'Successful',
      StatusMessage: 'Successfully set desired count to 3. Change successfully fulfilled by ecs.'
    })
    expect(ScalingActivities?.[0]?.StartTime).toBeInstanceOf(Date)
    await expectError(
      aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', MaxResults: 51 })),
      ValidationException,
      "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"
    )
  })

  it('pages DescribeScalableTargets and filters by ResourceIds', async () => {
    await register()
    await register(GREEN)
    const first = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 1 })
    )
    expect(first.ScalableTargets?.map((t) => t.ResourceId)).toEqual([BLUE.ResourceId])
    expect(first.NextToken).toBeDefined()
    const second = await aas.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        MaxResults: 1,
        NextToken: first.NextToken
      })
    )
    expect(second.ScalableTargets?.map((t) => t.ResourceId)).toEqual([GREEN.ResourceId])
    expect(second.NextToken).toBeUndefined()
    const filtered = await aas.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        ResourceIds: [GREEN.ResourceId]
      })
    )
    expect(filtered.ScalableTargets?.map((t) => t.ResourceId)).toEqual([GREEN.ResourceId])
    const other = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb' })
    )
    expect(other.ScalableTargets).toEqual([])
  })

  it('refuses what AWS refuses', async () => {
    await expectError(
      aas.send(new RegisterScalableTargetCommand({ ...BLUE, MaxCapacity: 3 })),
      ValidationException,
      'MinCapacity and MaxCapacity are required to register a new scalable target'
    )
    await expectError(
      register({ MinCapacity: 5, MaxCapacity: 2 }),
      ValidationException,
      'Minimum capacity cannot be greater than maximum capacity'
    )
    await expectError(
      register({ ResourceId: 'service/web-cluster/nope' }),
      ValidationException,
      "ECS service doesn't exist: service/web-cluster/nope"
    )
    await expectError(
      register({ ResourceId: 'web-blue' }),
      ValidationException,
      'Unsupported service namespace, resource type or scalable dimension'
    )
    await expectError(
      register({ ServiceNamespace: 'dynamodb' }),
      ValidationException,
      'Unsupported service namespace, resource type or scalable dimension'
    )
    await expectError(
      register({
        ServiceNamespace: 'dynamodb',
        ResourceId: 'table/orders',
        ScalableDimension: 'dynamodb:table:ReadCapacityUnits'
      }),
      ValidationException,
      "DynamoDB table doesn't exist: table/orders"
    )
    await expectError(
      register({ ServiceNamespace: 'ecss' as 'ecs' }),
      ValidationException,
      /^1 validation error detected: Value 'ecss' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: \[ecs, elasticmapreduce, /
    )
    await expectError(
      register({ ResourceId: `service/web-cluster/${'x'.repeat(1600)}` }),
      ValidationException,
      /at 'resourceId' failed to satisfy constraint: Member must have length less than or equal to 1600$/
    )
    await expectError(
      aas.send(new DeregisterScalableTargetCommand(BLUE)),
      ObjectNotFoundException,
      'No scalable target found for service namespace: ecs, resource ID: service/web-cluster/web-blue, scalable dimension: ecs:service:DesiredCount'
    )
    await expectError(
      aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 51 })),
      ValidationException,
      "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"
    )
    await expectError(
      aas.send(
        new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: 'not-a-token' })
      ),
      InvalidNextTokenException,
      'Invalid token'
    )
    await expectError(
      aas.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: 'ecs',
          ResourceIds: Array.from({ length: 51 }, (_, i) => `service/web-cluster/s${i}`)
        })
      ),
      ValidationException,
      /at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to 50$/
    )
  })

  it('deregisters a target with its policies and their alarms', async () => {
    await register()
    const { Alarms } = await putPolicy()
    expect(Alarms).toHaveLength(2)
    await aas.send(new DeregisterScalableTargetCommand(BLUE))
    expect(
      (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' })))
        .ScalableTargets
    ).toEqual([])
    expect(
      (await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs' })))
        .ScalingPolicies
    ).toEqual([])
    const alarms = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-' })
    )
    expect(alarms.MetricAlarms).toEqual([])
  })
})

describe('scaling policies', () => {
  it('puts a target tracking policy whose alarms DescribeAlarms shows, describes and deletes it', async () => {
    await register()
    const put = await putPolicy()
    expect(put.PolicyARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/web-cluster\/web-blue:policyName\/cpu$/
    )
    const names = (put.Alarms ?? []).map((a) => a.AlarmName ?? '')
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names }))
    expect(
      alarms.MetricAlarms?.map((a) => [
        a.AlarmName,
        a.Threshold,
        a.EvaluationPeriods,
        a.AlarmActions
      ])
    ).toEqual(
      [
        [names[0], 50, 3, [put.PolicyARN]],
        [names[1], 45, 15, [put.PolicyARN]]
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    )

    const { ScalingPolicies } = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: BLUE.ResourceId })
    )
    expect(ScalingPolicies).toHaveLength(1)
    expect(ScalingPolicies?.[0]).toMatchObject({
      ...BLUE,
      PolicyARN: put.PolicyARN,
      PolicyName: 'cpu',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }
      },
      Alarms: put.Alarms
    })
    expect(ScalingPolicies?.[0]?.CreationTime).toBeInstanceOf(Date)

    await aas.send(new DeleteScalingPolicyCommand({ ...BLUE, PolicyName: 'cpu' }))
    expect(
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names }))).MetricAlarms
    ).toEqual([])
    await expectError(
      aas.send(new DeleteScalingPolicyCommand({ ...BLUE, PolicyName: 'cpu' })),
      ObjectNotFoundException,
      'No scaling policy found for service namespace: ecs, resource ID: service/web-cluster/web-blue, scalable dimension: ecs:service:DesiredCount, policy name: cpu'
    )
  })

  it('tracks ALBRequestCountPerTarget of a target group attached to the service', async () => {
    await register()
    const put = await putPolicy({
      PolicyName: 'requests',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 1000,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: labelOf(topology.targetGroups.blue)
        }
      }
    })
    const alarms = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [put.Alarms?.[0]?.AlarmName ?? ''] })
    )
    expect(alarms.MetricAlarms?.[0]).toMatchObject({
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'RequestCountPerTarget',
      Statistic: 'Sum',
      Dimensions: [
        {
          Name: 'TargetGroup',
          Value: topology.targetGroups.blue.slice(topology.targetGroups.blue.lastIndexOf(':') + 1)
        }
      ]
    })
  })

  it('refuses resource labels AWS refuses', async () => {
    await register()
    const alb = (label?: string) =>
      putPolicy({
        PolicyName: 'requests',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 1000,
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'ALBRequestCountPerTarget',
            ...(label === undefined ? {} : { ResourceLabel: label })
          }
        }
      })
    await expectError(
      alb(),
      ValidationException,
      'Resource label should be specified for predefined metric type ALBRequestCountPerTarget'
    )
    await expectError(
      alb('targetgroup/web-blue/123'),
      ValidationException,
      /^Invalid resource label targetgroup\/web-blue\/123/
    )
    // green's target group is used by the load balancer, but attached to the other service
    await expectError(
      alb(labelOf(topology.targetGroups.green)),
      ValidationException,
      `Target group ${topology.targetGroups.green} is not attached to the ECS service ${BLUE.ResourceId}`
    )
    const lonely =
      (
        await elb.send(
          new CreateTargetGroupCommand({
            Name: 'lonely',
            Protocol: 'HTTP',
            Port: 80,
            VpcId: 'vpc-1',
            TargetType: 'ip'
          })
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? ''
    await expectError(
      alb(labelOf(lonely)),
      ValidationException,
      /^Target group .* is not associated with load balancer /
    )
    await expectError(
      putPolicy({
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'ECSServiceAverageCPUUtilization',
            ResourceLabel: labelOf(topology.targetGroups.blue)
          }
        }
      }),
      ValidationException,
      'ResourceLabel can only be specified for the predefined metric type ALBRequestCountPerTarget'
    )
  })

  it('refuses policies AWS refuses', async () => {
    await expectError(
      putPolicy(),
      ObjectNotFoundException,
      'No scalable target registered for service namespace: ecs, resource ID: service/web-cluster/web-blue, scalable dimension: ecs:service:DesiredCount'
    )
    await register()
    await expectError(
      putPolicy({ PolicyType: undefined }),
      ValidationException,
      "1 validation error detected: Value null at 'policyType' failed to satisfy constraint: Member must not be null"
    )
    await expectError(
      putPolicy({ PolicyName: 'x'.repeat(257) }),
      ValidationException,
      /at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 256$/
    )
    await expectError(
      putPolicy({ TargetTrackingScalingPolicyConfiguration: { TargetValue: 50 } }),
      ValidationException,
      'Either a PredefinedMetricSpecification or a CustomizedMetricSpecification must be specified'
    )
    await expectError(
      putPolicy({
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: undefined,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }
        }
      }),
      ValidationException,
      "1 validation error detected: Value null at 'targetTrackingScalingPolicyConfiguration.targetValue' failed to satisfy constraint: Member must not be null"
    )
    await expectError(
      putPolicy({
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' }
        }
      }),
      ValidationException,
      'Unsupported metric type DynamoDBReadCapacityUtilization for scalable dimension ecs:service:DesiredCount'
    )
    await putPolicy()
    await expectError(
      putPolicy({
        PolicyType: 'StepScaling',
        TargetTrackingScalingPolicyConfiguration: undefined,
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
        }
      }),
      ValidationException,
      'You cannot change a TargetTrackingScaling policy to a non TargetTrackingScaling policy, or vice versa'
    )
    const step = (
      config: NonNullable<PutScalingPolicyCommandInput['StepScalingPolicyConfiguration']>
    ) =>
      putPolicy({
        PolicyName: 'steps',
        PolicyType: 'StepScaling',
        TargetTrackingScalingPolicyConfiguration: undefined,
        StepScalingPolicyConfiguration: config
      })
    await expectError(
      step({ StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
      ValidationException,
      'AdjustmentType is required for a new step scaling policy configuration'
    )
    await expectError(
      step({
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 10, ScalingAdjustment: 2 }
        ]
      }),
      ValidationException,
      'Step adjustments cannot overlap'
    )
    await expectError(
      step({
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 20, ScalingAdjustment: 2 }
        ]
      }),
      ValidationException,
      'There cannot be gaps between step adjustments'
    )
    await expectError(
      step({
        AdjustmentType: 'ExactCapacity',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: -1 }]
      }),
      ValidationException,
      'The scaling adjustment of an ExactCapacity step adjustment must be non-negative'
    )
    // a valid step policy, then an update that changes only its cooldown
    const first = await step({
      AdjustmentType: 'ChangeInCapacity',
      Cooldown: 60,
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
    })
    const second = await step({ Cooldown: 90 })
    expect(second.PolicyARN).toBe(first.PolicyARN)
    expect(second.Alarms ?? []).toEqual([])
    const described = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', PolicyNames: ['steps'] })
    )
    expect(described.ScalingPolicies?.[0]?.StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: 'ChangeInCapacity',
      Cooldown: 90,
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
    })
  })

  it('pages DescribeScalingPolicies ten at a time at most', async () => {
    await register()
    for (const name of ['a', 'b', 'c']) await putPolicy({ PolicyName: name })
    const first = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', MaxResults: 2 })
    )
    expect(first.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['a', 'b'])
    const rest = await aas.send(
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'ecs',
        MaxResults: 2,
        NextToken: first.NextToken
      })
    )
    expect(rest.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['c'])
    await expectError(
      aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', MaxResults: 11 })),
      ValidationException,
      "1 validation error detected: Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10"
    )
  })
})
