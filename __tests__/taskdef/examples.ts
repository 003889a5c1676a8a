import type { TaskDefinition } from '../../src/rollout/ports.js'

/** A task definition as someone keeps it in their repository. */
export function fileShape(): TaskDefinition {
  return {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [
      {
        name: 'web',
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.1',
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DATABASE_URL', value: 'postgres://app:hunter2@db/web' }
        ],
        secrets: [
          { name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/web/api-key' }
        ]
      }
    ]
  }
}

/**
 * What `DescribeTaskDefinition` returns for a registered revision with a sidecar: read-only
 * fields, and the empty arrays and nulls ECS fills in for fields that were never given.
 */
export function describeShape(): TaskDefinition {
  return {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:41',
    revision: 41,
    status: 'ACTIVE',
    registeredAt: '2026-10-01T12:00:00.000Z',
    registeredBy: 'arn:aws:sts::123456789012:assumed-role/deploy/gha',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    compatibilities: ['EC2', 'FARGATE'],
    family: 'web',
    volumes: [],
    placementConstraints: [],
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'web',
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.1',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'DATABASE_URL', value: 'postgres://app:hunter2@db/web' }
        ],
        mountPoints: [],
        volumesFrom: [],
        systemControls: []
      },
      {
        name: 'log-router',
        image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
        cpu: 0,
        essential: false,
        portMappings: [],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        firelensConfiguration: { type: 'fluentbit', options: {} }
      }
    ]
  }
}
