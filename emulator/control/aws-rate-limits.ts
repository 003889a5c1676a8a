import type { RateLimit } from './rate-limits.js'

/*
 * AWS's documented request rate limits, per account and region, for every operation the action
 * calls, as `PUT /_emulator/config {"rateLimits": true}` sets them. A call draws from the first
 * rule that matches it (so a named group comes before the catch-all of its service), and from
 * every `everyCall` rule of its service as well. Where AWS documents no figure the comment says
 * so and the figure is no kinder than the nearest documented one, so that an action that keeps
 * within these keeps within AWS's.
 */

/**
 * Amazon ECS, "Request throttling for the Amazon ECS API"
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html), table
 * "Request Token Bucket Sizes and Refill Rates" (bucket maximum capacity = burst, refill rate =
 * sustained): "API actions are grouped into categories. All API actions in a category share the
 * same token bucket".
 */
const ECS: RateLimit[] = [
  // "Service read actions": DescribeServices, ListServices: 100, 20
  { service: 'ecs', operations: ['DescribeServices', 'ListServices'], burst: 100, perSecond: 20 },
  // "Service modify actions": CreateService, DeleteService, UpdateService: 50, 5
  {
    service: 'ecs',
    operations: ['CreateService', 'DeleteService', 'UpdateService'],
    burst: 50,
    perSecond: 5
  },
  // "Service deployment actions": DescribeServiceDeployments, ListServiceDeployments: 50, 20
  {
    service: 'ecs',
    operations: ['DescribeServiceDeployments', 'ListServiceDeployments'],
    burst: 50,
    perSecond: 20
  },
  // Not in the table: ContinueServiceDeployment and StopServiceDeployment (newer than it). They
  // change a service's deployment as UpdateService does, so they get the "Service modify
  // actions" figures (50, 5), in a bucket of their own
  {
    service: 'ecs',
    operations: ['ContinueServiceDeployment', 'StopServiceDeployment'],
    burst: 50,
    perSecond: 5
  },
  // "Service revision actions": DescribeServiceRevisions: 50, 20
  { service: 'ecs', operations: ['DescribeServiceRevisions'], burst: 50, perSecond: 20 },
  // "Task definition read actions": DescribeTaskDefinition, ListTaskDefinitions,
  // ListTaskDefinitionFamilies: 50, 20
  {
    service: 'ecs',
    operations: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'],
    burst: 50,
    perSecond: 20
  },
  // "Task definition modify actions": DeregisterTaskDefinition, RegisterTaskDefinition: 20, 1
  {
    service: 'ecs',
    operations: ['DeregisterTaskDefinition', 'RegisterTaskDefinition'],
    burst: 20,
    perSecond: 1
  },
  // "Cluster resource read actions": DescribeContainerInstances, DescribeTasks, ListAttributes,
  // ListContainerInstances, ListTasks: 100, 20
  {
    service: 'ecs',
    operations: [
      'DescribeContainerInstances',
      'DescribeTasks',
      'ListAttributes',
      'ListContainerInstances',
      'ListTasks'
    ],
    burst: 100,
    perSecond: 20
  },
  // "Cluster resource modify actions": DeleteAttributes, DeregisterContainerInstance,
  // ExecuteCommand, PutAttributes, RunTask, StartTask, StopTask, UpdateContainerAgent,
  // UpdateContainerInstancesState: 100, 40. (Fargate also limits the tasks RunTask launches, a
  // count of tasks rather than of calls, which the emulator does not model.)
  {
    service: 'ecs',
    operations: [
      'DeleteAttributes',
      'DeregisterContainerInstance',
      'ExecuteCommand',
      'PutAttributes',
      'RunTask',
      'StartTask',
      'StopTask',
      'UpdateContainerAgent',
      'UpdateContainerInstancesState'
    ],
    burst: 100,
    perSecond: 40
  },
  // "Capacity provider read actions": DescribeCapacityProviders: 50, 20
  { service: 'ecs', operations: ['DescribeCapacityProviders'], burst: 50, perSecond: 20 },
  // "Capacity provider modify actions": CreateCapacityProvider, DeleteCapacityProvider,
  // UpdateCapacityProvider: 10, 1
  {
    service: 'ecs',
    operations: ['CreateCapacityProvider', 'DeleteCapacityProvider', 'UpdateCapacityProvider'],
    burst: 10,
    perSecond: 1
  },
  // "Cluster read actions": DescribeClusters, ListClusters: 50, 20
  { service: 'ecs', operations: ['DescribeClusters', 'ListClusters'], burst: 50, perSecond: 20 },
  // "Cluster modify actions": CreateCluster, DeleteCluster, PutClusterCapacityProviders,
  // UpdateCluster, UpdateClusterSettings: 20, 1
  {
    service: 'ecs',
    operations: [
      'CreateCluster',
      'DeleteCluster',
      'PutClusterCapacityProviders',
      'UpdateCluster',
      'UpdateClusterSettings'
    ],
    burst: 20,
    perSecond: 1
  },
  // "Tag modify actions": TagResource, UntagResource: 20, 10
  { service: 'ecs', operations: ['TagResource', 'UntagResource'], burst: 20, perSecond: 10 },
  // "Tag read actions": ListTagsForResource: 50, 20
  { service: 'ecs', operations: ['ListTagsForResource'], burst: 50, perSecond: 20 },
  // Any other ECS action the emulator answers: not one the action calls; the table's strictest
  // read and modify figures (50, 20 and 10, 1), a bucket per action
  { service: 'ecs', operations: 'read', burst: 50, perSecond: 20, perOperation: true },
  { service: 'ecs', operations: 'mutating', burst: 10, perSecond: 1, perOperation: true }
]

/**
 * Elastic Load Balancing API version 2, "Request throttling for the Elastic Load Balancing API"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html),
 * table "Request token bucket sizes and refill rates" (bucket capacity, refill rate per second).
 * Besides its category's bucket, every call draws from the account-level bucket "shared across
 * all Elastic Load Balancing API actions" (40, 10). Calls ECS makes on the user's behalf (its
 * tasks' target registrations) "have their own account-level buckets", so the emulator's ECS
 * model, which registers targets without an API call, takes none of these tokens.
 */
const ELBV2: RateLimit[] = [
  // the account-level bucket: "capacity ... 40 tokens and the refill rate is 10"
  { service: 'elbv2', operations: '*', burst: 40, perSecond: 10, everyCall: true },
  // "Resource-intensive": CreateLoadBalancer, SetSubnets: 10, 0.2
  { service: 'elbv2', operations: ['CreateLoadBalancer', 'SetSubnets'], burst: 10, perSecond: 0.2 },
  // "Registration": RegisterTargets, DeregisterTargets: 20, 4
  {
    service: 'elbv2',
    operations: ['RegisterTargets', 'DeregisterTargets'],
    burst: 20,
    perSecond: 4
  },
  // "Non-mutating": DescribeListeners, DescribeLoadBalancers, DescribeRules, DescribeTags,
  // DescribeTargetGroupAttributes, DescribeTargetGroups, DescribeTargetHealth and the other
  // Describe* actions, one bucket for all of them: 40, 10
  { service: 'elbv2', operations: 'read', burst: 40, perSecond: 10 },
  // "Mutating": AddTags, CreateListener, CreateRule, CreateTargetGroup, DeleteRule,
  // DeleteTargetGroup, ModifyListener, ModifyRule, RemoveTags, ... one bucket: 20, 3
  { service: 'elbv2', operations: 'mutating', burst: 20, perSecond: 3 }
]

/**
 * CloudWatch documents rates ("Rate of X requests ... per second": AWS General Reference, "Amazon
 * CloudWatch endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/cw_region.html,
 * the same rows as https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html)
 * and no burst: the bucket holds one second's worth, so no more than the rate passes in
 * any second. Each quota is per action.
 */
const CLOUDWATCH: RateLimit[] = [
  // "Rate of DescribeAlarms requests": 9 per second
  { service: 'cloudwatch', operations: ['DescribeAlarms'], burst: 9, perSecond: 9 },
  // "Rate of GetMetricData requests": 500 per second
  { service: 'cloudwatch', operations: ['GetMetricData'], burst: 500, perSecond: 500 },
  // "Rate of PutMetricAlarm requests": 3 per second
  { service: 'cloudwatch', operations: ['PutMetricAlarm'], burst: 3, perSecond: 3 },
  // "Rate of DeleteAlarms requests": 3 per second
  { service: 'cloudwatch', operations: ['DeleteAlarms'], burst: 3, perSecond: 3 }
]

/**
 * Application Auto Scaling documents no request rates: its quotas page
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-quotas.html)
 * lists only resource counts, and AWS's Knowledge Center ("autoscaling-api-calls-throttled") says
 * only that it has throttle buckets of its own. The figures are ELBv2's, the strictest documented
 * for the same kinds of call (Describe*: 40, 10; changes: 20, 3).
 */
const APPLICATION_AUTOSCALING: RateLimit[] = [
  { service: 'application-autoscaling', operations: 'read', burst: 40, perSecond: 10 },
  { service: 'application-autoscaling', operations: 'mutating', burst: 20, perSecond: 3 }
]

export const AWS_RATE_LIMITS: readonly RateLimit[] = [
  ...ECS,
  ...ELBV2,
  ...CLOUDWATCH,
  ...APPLICATION_AUTOSCALING
]
