import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
  type PutScalingPolicyCommandInput,
  type ScalingPolicy as AwsPolicy
} from '@aws-sdk/client-application-auto-scaling'
import type { ScalableTarget, ScalingPolicy, ScalingPort } from '../rollout/ports.js'

const NAMESPACE = 'ecs'
const DIMENSION = 'ecs:service:DesiredCount'
/** DescribeScalableTargets takes at most 50 resource ids and returns at most 50 a page; a pair is two */
const TARGETS_PAGE = 50
/** DescribeScalingPolicies returns at most 10 a page: a larger MaxResults is a ValidationException */
const POLICIES_PAGE = 10

export function resourceId(cluster: string, service: string): string {
  return `service/${clusterName(cluster)}/${service}`
}

/** The cluster's name: the resource id names it, never its ARN. */
function clusterName(cluster: string): string {
  return cluster.includes(':cluster/') ? (cluster.split(':cluster/')[1] ?? cluster) : cluster
}

/** Application Auto Scaling behind the rollout's ScalingPort: one call per method, pages followed. */
export class ScalingAdapter implements ScalingPort {
  constructor(private readonly client: ApplicationAutoScalingClient) {}

  async describeTargets(
    cluster: string,
    services: string[]
  ): Promise<Record<string, ScalableTarget>> {
    const byId = new Map(services.map((service) => [resourceId(cluster, service), service]))
    const found: Record<string, ScalableTarget> = {}
    let token: string | undefined
    do {
      const page = await this.client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: NAMESPACE,
          ScalableDimension: DIMENSION,
          ResourceIds: [...byId.keys()],
          MaxResults: TARGETS_PAGE,
          NextToken: token
        })
      )
      for (const target of page.ScalableTargets ?? []) {
        const service = byId.get(target.ResourceId ?? '')
        if (service === undefined) continue
        found[service] = {
          min: target.MinCapacity ?? 0,
          max: target.MaxCapacity ?? 0,
          suspended: {
            dynamicIn: target.SuspendedState?.DynamicScalingInSuspended === true,
            dynamicOut: target.SuspendedState?.DynamicScalingOutSuspended === true,
            scheduled: target.SuspendedState?.ScheduledScalingSuspended === true
          }
        }
      }
      token = page.NextToken
    } while (token)
    return found
  }

  async describePolicies(cluster: string, service: string): Promise<ScalingPolicy[]> {
    const policies: ScalingPolicy[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(
        new DescribeScalingPoliciesCommand({
          ServiceNamespace: NAMESPACE,
          ScalableDimension: DIMENSION,
          ResourceId: resourceId(cluster, service),
          MaxResults: POLICIES_PAGE,
          NextToken: token
        })
      )
      for (const policy of page.ScalingPolicies ?? []) policies.push(policyOf(policy))
      token = page.NextToken
    } while (token)
    return policies
  }

  async registerTarget(
    cluster: string,
    service: string,
    change: Partial<ScalableTarget>
  ): Promise<void> {
    await this.client.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: NAMESPACE,
        ScalableDimension: DIMENSION,
        ResourceId: resourceId(cluster, service),
        ...(change.min === undefined ? {} : { MinCapacity: change.min }),
        ...(change.max === undefined ? {} : { MaxCapacity: change.max }),
        ...(change.suspended
          ? {
              SuspendedState: {
                DynamicScalingInSuspended: change.suspended.dynamicIn,
                DynamicScalingOutSuspended: change.suspended.dynamicOut,
                ScheduledScalingSuspended: change.suspended.scheduled
              }
            }
          : {})
      })
    )
  }

  async putPolicy(cluster: string, service: string, policy: ScalingPolicy): Promise<void> {
    const input: PutScalingPolicyCommandInput = {
      ...(policy.configuration as Partial<PutScalingPolicyCommandInput>),
      PolicyName: policy.name,
      PolicyType: policy.type as PutScalingPolicyCommandInput['PolicyType'],
      ServiceNamespace: NAMESPACE,
      ScalableDimension: DIMENSION,
      ResourceId: resourceId(cluster, service)
    }
    await this.client.send(new PutScalingPolicyCommand(input))
  }
}

/** The policy as PutScalingPolicy would take it again: its configurations, nothing it was given back. */
function policyOf(policy: AwsPolicy): ScalingPolicy {
  const configuration: Record<string, unknown> = {}
  if (policy.TargetTrackingScalingPolicyConfiguration) {
    configuration.TargetTrackingScalingPolicyConfiguration =
      policy.TargetTrackingScalingPolicyConfiguration
  }
  if (policy.StepScalingPolicyConfiguration) {
    configuration.StepScalingPolicyConfiguration = policy.StepScalingPolicyConfiguration
  }
  return { name: policy.PolicyName ?? '', type: policy.PolicyType ?? '', configuration }
}
