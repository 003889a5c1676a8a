/** One request as the load balancer served it: what its metrics are computed from. */
export interface ServedRequest {
  /** simulated time the request arrived */
  simAt: number
  region: string
  loadBalancerArn: string
  /** the target group of the target chosen; absent when no target was (fixed responses, redirects, no healthy target) */
  targetGroupArn?: string
  /** the chosen target's id (a task's private IP, or an instance id), for the task's own metrics */
  targetId?: string
  /** the chosen target's port (a bridge or host task's host port on the instance `targetId`) */
  targetPort?: number
  /** how many targets of the group took traffic when it was routed (RequestCountPerTarget divides by it) */
  servingTargets?: number
  /** a target answered, or the load balancer itself (no healthy target, a target that did not answer), or an action */
  answeredBy: 'target' | 'load-balancer' | 'fixed-response' | 'redirect'
  status: number
  /** simulated seconds the target took to answer; set when a target answered */
  targetSeconds?: number
  /** the chosen target did not accept the connection (HTTP 502 from the load balancer) */
  connectionError?: boolean
}
