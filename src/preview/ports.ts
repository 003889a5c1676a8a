/**
 * What pull request previews need from AWS and GitHub, beyond the rollout's ports. `src/aws/`
 * implements these; tests use the emulator and a local GitHub stand-in.
 */
import type { Clock, EcsPort, ElbPort, RolloutObserver } from '../rollout/ports.js'

/** Resource tags as key -> value. */
export type Tags = Record<string, string>

// ---------- ECS ----------

export interface CapacityProviderItem {
  capacityProvider: string
  weight?: number
  base?: number
}

/** A service as a preview copies it (and finds its own again): DescribeServices with its tags. */
export interface ServiceTemplate {
  name: string
  arn: string
  /** ACTIVE | DRAINING | INACTIVE */
  status: string
  desiredCount: number
  runningCount: number
  taskDefinitionArn: string
  loadBalancers: { targetGroupArn: string; containerName?: string; containerPort?: number }[]
  launchType?: string
  capacityProviderStrategy?: CapacityProviderItem[]
  platformVersion?: string
  /** the awsvpc configuration (subnets, security groups, public IP), copied as read */
  networkConfiguration?: Record<string, unknown>
  healthCheckGracePeriodSeconds?: number
  placementConstraints?: Record<string, unknown>[]
  placementStrategy?: Record<string, unknown>[]
  enableExecuteCommand?: boolean
  enableECSManagedTags?: boolean
  propagateTags?: string
  /** the service's IAM role for the load balancer (bridge and host network modes only) */
  roleArn?: string
  tags: Tags
}

/** A service to create: everything CreateService is given. */
export interface ServiceSpec {
  cluster: string
  name: string
  taskDefinitionArn: string
  desiredCount: number
  loadBalancer: { targetGroupArn: string; containerName: string; containerPort: number }
  launchType?: string
  capacityProviderStrategy?: CapacityProviderItem[]
  platformVersion?: string
  networkConfiguration?: Record<string, unknown>
  healthCheckGracePeriodSeconds?: number
  placementConstraints?: Record<string, unknown>[]
  placementStrategy?: Record<string, unknown>[]
  enableExecuteCommand?: boolean
  enableECSManagedTags?: boolean
  propagateTags?: string
  role?: string
  /** new tasks start before old ones stop, so a bad update leaves the old ones serving */
  minimumHealthyPercent: number
  maximumPercent: number
  tags: Tags
}

export interface PreviewEcsPort extends EcsPort {
  /** undefined when the cluster has no service of that name (INACTIVE ones are returned) */
  describeService(cluster: string, name: string): Promise<ServiceTemplate | undefined>
  createService(spec: ServiceSpec): Promise<void>
  /** DeleteService without force: the service must be scaled to 0 first */
  deleteService(cluster: string, name: string): Promise<void>
  /** names of the cluster's services that are not INACTIVE */
  listServiceNames(cluster: string): Promise<string[]>
  /** ARNs of the family's ACTIVE revisions, oldest first */
  listRevisions(family: string): Promise<string[]>
  deregisterTaskDefinition(taskDefinitionArn: string): Promise<void>
}

// ---------- ELBv2 ----------

export interface ListenerView {
  arn: string
  loadBalancerArn: string
  /** HTTP | HTTPS */
  protocol?: string
  port?: number
}

/** A condition as a preview writes it: host-header or path-pattern, and its values. */
export interface RuleCondition {
  field: string
  values: string[]
}

export interface RuleView {
  arn: string
  /** 'default' for the listener's default rule */
  priority: number | 'default'
  conditions: RuleCondition[]
  /** the target groups its forward action sends to */
  targetGroupArns: string[]
}

export interface HealthCheckSettings {
  protocol?: string
  port?: string
  path?: string
  enabled?: boolean
  intervalSeconds?: number
  timeoutSeconds?: number
  healthyThresholdCount?: number
  unhealthyThresholdCount?: number
  matcher?: { httpCode?: string; grpcCode?: string }
}

/** What a preview copies of a target group, and finds of its own again. */
export interface TargetGroupSettings {
  protocol?: string
  protocolVersion?: string
  port?: number
  vpcId?: string
  targetType?: string
  ipAddressType?: string
  healthCheck: HealthCheckSettings
}

export interface TargetGroupTemplate extends TargetGroupSettings {
  arn: string
  name: string
}

export interface NewRule {
  listenerArn: string
  priority: number
  conditions: RuleCondition[]
  targetGroupArn: string
  tags: Tags
}

export interface PreviewElbPort extends ElbPort {
  describeListener(listenerArn: string): Promise<ListenerView>
  loadBalancerDnsName(loadBalancerArn: string): Promise<string>
  /** every rule of the listener, the default one included */
  listRules(listenerArn: string): Promise<RuleView[]>
  /** tags of listeners, rules and target groups by ARN; any number of ARNs */
  tagsOf(arns: string[]): Promise<Map<string, Tags>>
  describeTargetGroup(targetGroupArn: string): Promise<TargetGroupTemplate>
  /** undefined when the region has no target group of that name */
  findTargetGroup(name: string): Promise<TargetGroupTemplate | undefined>
  createTargetGroup(name: string, settings: TargetGroupSettings, tags: Tags): Promise<string>
  /** throws ResourceInUseError while a listener or rule still forwards to it */
  deleteTargetGroup(targetGroupArn: string): Promise<void>
  /** throws PriorityTakenError when the priority is in use, AwsLimitError at a quota */
  createRule(rule: NewRule): Promise<string>
  modifyRuleConditions(ruleArn: string, conditions: RuleCondition[]): Promise<void>
  deleteRule(ruleArn: string): Promise<void>
}

// ---------- GitHub ----------

export interface IssueComment {
  id: number
  body: string
  /** User | Bot | Organization */
  authorType: string
  /** OWNER | MEMBER | COLLABORATOR | CONTRIBUTOR | FIRST_TIME_CONTRIBUTOR | NONE | ... */
  authorAssociation: string
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive'

export interface GitHubPort {
  listComments(issue: number): Promise<IssueComment[]>
  createComment(issue: number, body: string): Promise<void>
  updateComment(commentId: number, body: string): Promise<void>
  /** returns the deployment's id */
  createDeployment(deployment: {
    ref: string
    environment: string
    description: string
  }): Promise<number>
  setDeploymentStatus(
    deploymentId: number,
    status: {
      state: DeploymentState
      description: string
      environmentUrl?: string
      logUrl?: string
    }
  ): Promise<void>
  /** ids of the environment's deployments, newest first */
  listDeployments(environment: string): Promise<number[]>
  /** numbers of every open pull request of the repository */
  openPullRequests(): Promise<number[]>
}

/** The pull request the workflow runs for. Title and branch come from strangers (fork PRs). */
export interface PullRequestInfo {
  number: number
  headSha: string
  title?: string
  headRef?: string
}

export interface PreviewDeps {
  ecs: PreviewEcsPort
  elb: PreviewElbPort
  /** undefined: no token, so no PR comment and no deployment */
  github?: GitHubPort
  /** the pull request of the event, when the workflow runs for one */
  pullRequest?: PullRequestInfo
  /** the workflow's commit, for the deployment when the event has no pull request */
  sha?: string
  /** link to the workflow run, for the comment and the deployment */
  runUrl?: string
  clock: Clock
  observer: RolloutObserver
  /** aborted on SIGINT/SIGTERM */
  signal?: AbortSignal
}
