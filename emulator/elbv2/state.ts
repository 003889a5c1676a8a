/** What the ELBv2 model holds. Actions and conditions are kept in their API shape, normalised. */

export type Action = Record<string, unknown>
export type Condition = Record<string, unknown>

/** tag key -> value, in the order the keys were first added */
export type Tags = Map<string, string>

export interface LoadBalancer {
  arn: string
  name: string
  region: string
  dnsName: string
  scheme: string
  type: string
  vpcId: string
  ipAddressType: string
  subnets: string[]
  securityGroups: string[]
  createdTime: string
  tags: Tags
  listenerArns: Set<string>
}

export interface HealthCheck {
  protocol?: string
  port: string
  enabled: boolean
  path?: string
  intervalSeconds: number
  timeoutSeconds: number
  healthyThreshold: number
  unhealthyThreshold: number
  matcher?: Record<string, string>
}

export type TargetState =
  'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable'

export interface Target {
  id: string
  port: number
  availabilityZone?: string
  state: TargetState
  reason?: string
  description?: string
  /** passing and failing checks in a row */
  passes: number
  fails: number
  /** simulated time of the next health check */
  nextCheckAt: number
  /** simulated time at which a draining target is gone */
  drainUntil?: number
}

export interface TargetGroup {
  arn: string
  name: string
  region: string
  protocol?: string
  protocolVersion?: string
  port?: number
  vpcId?: string
  targetType: string
  ipAddressType: string
  healthCheck: HealthCheck
  attributes: Map<string, string>
  tags: Tags
  /** keyed `${id}:${port}`, in registration order */
  targets: Map<string, Target>
  /** the load balancers whose listeners or rules forward to this group (kept by reindex) */
  loadBalancerArns: Set<string>
}

export interface Rule {
  arn: string
  listenerArn: string
  /** the default rule sorts last */
  priority: number
  isDefault: boolean
  conditions: Condition[]
  actions: Action[]
  tags: Tags
}

export interface Listener {
  arn: string
  loadBalancerArn: string
  port: number
  protocol: string
  sslPolicy?: string
  certificates?: unknown[]
  alpnPolicy?: unknown[]
  /** its default rule holds the default actions */
  defaultRule: Rule
  /** ARNs of its rules other than the default one */
  ruleArns: Set<string>
  tags: Tags
}

export function targetKey(id: string, port: number): string {
  return `${id}:${port}`
}
