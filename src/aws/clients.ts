import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { applyBudget, type CallBudget } from './budget.js'

/**
 * Region, credentials and endpoint come from the environment (OIDC through
 * aws-actions/configure-aws-credentials on GitHub; AWS_ENDPOINT_URL for the emulator), exactly
 * as the SDK reads them: this module adds no code path of its own for either.
 */
export interface AwsClients {
  ecs: ECSClient
  elb: ElasticLoadBalancingV2Client
  cloudwatch: CloudWatchClient
  scaling: ApplicationAutoScalingClient
  destroy(): void
}

/** How long one attempt of an AWS call may take, in milliseconds. */
export interface ClientTimeouts {
  /** to open the TCP (and TLS) connection */
  connectionMs: number
  /** from sending the request to the whole answer */
  requestMs: number
}

/**
 * What the action uses. Without them the SDK waits forever on a connection or an answer that
 * never comes (both default to 0, no limit), and a hung call would outlive the `timeout` input
 * and the revert that has to follow it. Every call the action makes is small (one service, one
 * listener, a few metric queries) and AWS answers it in well under a second, so:
 * - 3 s to connect: an endpoint in the runner's region connects in milliseconds; 3 s is many
 *   round trips of slack, yet short enough that a black-holed connection is retried quickly;
 * - 10 s for the answer: ten times a slow answer, and well under a bake step or the revert's
 *   two-minute budget for returning traffic.
 * Each attempt is retried (maxAttempts 8, with backoff), so a call that keeps hanging fails
 * after about two minutes at most instead of never.
 */
export const CLIENT_TIMEOUTS: ClientTimeouts = { connectionMs: 3_000, requestMs: 10_000 }

export function createClients(
  timeouts: ClientTimeouts = CLIENT_TIMEOUTS,
  budget?: CallBudget
): AwsClients {
  // adaptive: the SDK's client-side rate limiter slows down on throttling instead of only retrying
  const common = {
    retryMode: 'adaptive',
    // AWS_MAX_ATTEMPTS, when the workflow sets it, is read by the SDK itself instead
    ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 8 }),
    customUserAgent: 'ecs-blue-green-action/0.1',
    // NodeHttpHandler options: each client makes its handler from them
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      // @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes, unless
      // asked to fail the attempt (a TimeoutError, which the SDK retries)
      throwOnRequestTimeout: true
    }
  } as const
  const ecs = new ECSClient(common)
  const elb = new ElasticLoadBalancingV2Client(common)
  const cloudwatch = new CloudWatchClient(common)
  const scaling = new ApplicationAutoScalingClient(common)
  // one budget for all four: a run is slowed down by throttling as a whole, never failed by it
  if (budget) for (const client of [ecs, elb, cloudwatch, scaling]) applyBudget(client, budget)
  return {
    ecs,
    elb,
    cloudwatch,
    scaling,
    destroy() {
      ecs.destroy()
      elb.destroy()
      cloudwatch.destroy()
      scaling.destroy()
    }
  }
}
