/**
 * Every input of AWS's two ECS actions, as their action.yml files declare them, for the README's
 * migration table (see migration.test.ts). Looked up on 2026-11-29:
 *
 * - aws-actions/amazon-ecs-render-task-definition, action.yml at commit
 *   0001b7d0cc907137ed9465988e6bd89f5deffe18 (v1.8.x: the v1.8.2 inputs plus task-role-arn and
 *   execution-role-arn).
 * - aws-actions/amazon-ecs-deploy-task-definition@v2, action.yml: the inputs as listed by the
 *   types github-actions-workflow-ts generates from it (AwsActionsAmazonEcsDeployTaskDefinitionV2).
 *
 * When either action adds an input, add it here: the test then asks the README for its row.
 */
export const OFFICIAL_INPUTS = {
  'aws-actions/amazon-ecs-render-task-definition': [
    'task-definition',
    'task-definition-arn',
    'task-definition-family',
    'task-definition-revision',
    'container-name',
    'image',
    'environment-variables',
    'log-configuration-log-driver',
    'log-configuration-options',
    'docker-labels',
    'command',
    'task-role-arn',
    'execution-role-arn',
    'env-files',
    'secrets'
  ],
  'aws-actions/amazon-ecs-deploy-task-definition': [
    'task-definition',
    'desired-count',
    'service',
    'cluster',
    'wait-for-service-stability',
    'wait-for-minutes',
    'codedeploy-appspec',
    'codedeploy-application',
    'codedeploy-deployment-group',
    'codedeploy-deployment-description',
    'codedeploy-deployment-config',
    'force-new-deployment',
    'service-managed-ebs-volume-name',
    'service-managed-ebs-volume',
    'run-task',
    'run-task-container-overrides',
    'run-task-security-groups',
    'run-task-subnets',
    'run-task-assign-public-IP',
    'run-task-capacity-provider-strategy',
    'run-task-launch-type',
    'run-task-started-by',
    'run-task-tags',
    'run-task-managed-ebs-volume-name',
    'run-task-managed-ebs-volume',
    'wait-for-task-stopped',
    'enable-ecs-managed-tags',
    'propagate-tags',
    'keep-null-value-keys'
  ]
} as const

export type OfficialAction = keyof typeof OFFICIAL_INPUTS
