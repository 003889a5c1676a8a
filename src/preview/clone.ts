import type { TaskDefinition } from '../rollout/ports.js'
import type { ReleaseSpec } from '../rollout/settings.js'
import { renderTaskDefinition } from '../taskdef/render.js'
import type { Base } from './base.js'
import type { ServiceSpec, Tags, TargetGroupSettings } from './ports.js'

/**
 * The preview's revision: `base` (the task-definition file, else the base service's revision)
 * with what the release sets (image, environment, ...), in the preview's own family, so that no revision of
 * a PR ever becomes the latest of the production family.
 */
export function renderPreviewRevision(
  base: TaskDefinition,
  release: ReleaseSpec,
  family: string,
  tags: Tags
): TaskDefinition {
  const rendered = renderTaskDefinition(base, release)
  rendered.family = family
  rendered.tags = Object.entries(tags).map(([key, value]) => ({ key, value }))
  return rendered
}

/** The base's target group settings: port, protocol, VPC, target type and health check. */
export function targetGroupSettings(base: Base): TargetGroupSettings {
  const { arn: _arn, name: _name, ...settings } = base.targetGroup
  return settings
}

/**
 * What a preview's tasks need from the base service: where they run (network, launch type or
 * capacity providers, platform version, placement) and how ECS treats them. Not copied: service
 * discovery and Service Connect, which would put a PR's tasks into production's registry.
 */
export function serviceSpec(
  base: Base,
  preview: {
    cluster: string
    name: string
    taskDefinitionArn: string
    targetGroupArn: string
    desiredCount: number
    tags: Tags
  }
): ServiceSpec {
  const s = base.service
  const spec: ServiceSpec = {
    cluster: preview.cluster,
    name: preview.name,
    taskDefinitionArn: preview.taskDefinitionArn,
    desiredCount: preview.desiredCount,
    loadBalancer: {
      targetGroupArn: preview.targetGroupArn,
      containerName: base.containerName,
      containerPort: base.containerPort
    },
    // old tasks keep serving until the new ones are healthy
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    tags: preview.tags
  }
  if (s.capacityProviderStrategy) spec.capacityProviderStrategy = s.capacityProviderStrategy
  else if (s.launchType) spec.launchType = s.launchType
  // ECS reports a platform version and placement only where they apply (Fargate; EC2)
  if (s.platformVersion) spec.platformVersion = s.platformVersion
  if (s.networkConfiguration) spec.networkConfiguration = structuredClone(s.networkConfiguration)
  if (s.healthCheckGracePeriodSeconds !== undefined) {
    spec.healthCheckGracePeriodSeconds = s.healthCheckGracePeriodSeconds
  }
  if (s.placementConstraints?.length) {
    spec.placementConstraints = structuredClone(s.placementConstraints)
  }
  if (s.placementStrategy?.length) {
    spec.placementStrategy = structuredClone(s.placementStrategy)
  }
  if (s.enableExecuteCommand) spec.enableExecuteCommand = true
  if (s.enableECSManagedTags) spec.enableECSManagedTags = true
  if (s.propagateTags && s.propagateTags !== 'NONE') spec.propagateTags = s.propagateTags
  // awsvpc services use ECS's service-linked role, which CreateService refuses to be given
  if (s.roleArn && !s.networkConfiguration && !s.roleArn.includes('/aws-service-role/')) {
    spec.role = s.roleArn
  }
  return spec
}
