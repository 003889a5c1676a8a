import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'

/**
 * Region, credentials and endpoint come from the environment (OIDC through
 * aws-actions/configure-aws-credentials on GitHub; AWS_ENDPOINT_URL for the emulator), exactly
 * as the SDK reads them: this module adds no code path of its own for either.
 */
export interface AwsClients {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  cloudwatch: CloudWatchClient
  destroy(): void
}

export function createClients(): AwsClients {
  // adaptive: the SDK's client-side rate limiter slows down on throttling instead of only retrying
  const common = {
    retryMode: 'adaptive',
    maxAttempts: 8,
    customUserAgent: 'ecs-blue-green-action/0.1'
  } as const
  const ecs = new ECSClient(common)
  const elb = new ElasticLoadBalancingV2Client(common)
  const cloudwatch = new CloudWatchClient(common)
  return {
    ecs,
    elb,
    cloudwatch,
    destroy() {
      ecs.destroy()
      elb.destroy()
      cloudwatch.destroy()
    }
  }
}
