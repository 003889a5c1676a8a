/** The API's enum value sets (application-autoscaling 2016-02-06), in the model's order. */

export const SERVICE_NAMESPACES = [
  'ecs',
  'elasticmapreduce',
  'ec2',
  'appstream',
  'dynamodb',
  'rds',
  'sagemaker',
  'custom-resource',
  'comprehend',
  'lambda',
  'cassandra',
  'kafka',
  'elasticache',
  'neptune',
  'workspaces'
] as const

export const SCALABLE_DIMENSIONS = [
  'ecs:service:DesiredCount',
  'ec2:spot-fleet-request:TargetCapacity',
  'elasticmapreduce:instancegroup:InstanceCount',
  'appstream:fleet:DesiredCapacity',
  'dynamodb:table:ReadCapacityUnits',
  'dynamodb:table:WriteCapacityUnits',
  'dynamodb:index:ReadCapacityUnits',
  'dynamodb:index:WriteCapacityUnits',
  'rds:cluster:ReadReplicaCount',
  'sagemaker:variant:DesiredInstanceCount',
  'custom-resource:ResourceType:Property',
  'comprehend:document-classifier-endpoint:DesiredInferenceUnits',
  'comprehend:entity-recognizer-endpoint:DesiredInferenceUnits',
  'lambda:function:ProvisionedConcurrency',
  'cassandra:table:ReadCapacityUnits',
  'cassandra:table:WriteCapacityUnits',
  'kafka:broker-storage:VolumeSize',
  'elasticache:cache-cluster:Nodes',
  'elasticache:replication-group:NodeGroups',
  'elasticache:replication-group:Replicas',
  'neptune:cluster:ReadReplicaCount',
  'sagemaker:variant:DesiredProvisionedConcurrency',
  'sagemaker:inference-component:DesiredCopyCount',
  'workspaces:workspacespool:DesiredUserSessions'
] as const

export const POLICY_TYPES = ['StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'] as const

export const ADJUSTMENT_TYPES = [
  'ChangeInCapacity',
  'PercentChangeInCapacity',
  'ExactCapacity'
] as const

export const METRIC_AGGREGATION_TYPES = ['Average', 'Minimum', 'Maximum'] as const

export const METRIC_STATISTICS = ['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum'] as const

export const METRIC_TYPES = [
  'DynamoDBReadCapacityUtilization',
  'DynamoDBWriteCapacityUtilization',
  'ALBRequestCountPerTarget',
  'RDSReaderAverageCPUUtilization',
  'RDSReaderAverageDatabaseConnections',
  'EC2SpotFleetRequestAverageCPUUtilization',
  'EC2SpotFleetRequestAverageNetworkIn',
  'EC2SpotFleetRequestAverageNetworkOut',
  'SageMakerVariantInvocationsPerInstance',
  'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageMemoryUtilization',
  'AppStreamAverageCapacityUtilization',
  'ComprehendInferenceUtilization',
  'LambdaProvisionedConcurrencyUtilization',
  'CassandraReadCapacityUtilization',
  'CassandraWriteCapacityUtilization',
  'KafkaBrokerStorageUtilization',
  'ElastiCacheEngineCPUUtilization',
  'ElastiCachePrimaryEngineCPUUtilization',
  'ElastiCacheReplicaEngineCPUUtilization',
  'ElastiCacheDatabaseMemoryUsagePercentage',
  'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage',
  'NeptuneReaderAverageCPUUtilization',
  'SageMakerVariantProvisionedConcurrencyUtilization',
  'ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage',
  'SageMakerInferenceComponentInvocationsPerCopy',
  'WorkSpacesAverageUserSessionsCapacityUtilization',
  'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
  'SageMakerVariantConcurrentRequestsPerModelHighResolution',
  'ECSServiceAverageCPUUtilizationHighResolution',
  'ECSServiceAverageMemoryUtilizationHighResolution'
] as const
