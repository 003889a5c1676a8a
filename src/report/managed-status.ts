import type { ManagedStatus } from '../rollout/managed/control.js'
import { code, escapeMarkdown } from './markdown.js'
import { serviceDeploymentSection } from './service-deployment.js'

/** The job summary of `status` for a service that ECS deploys itself: it changes nothing. */
export function managedStatusSummary(status: ManagedStatus): string {
  const weights =
    status.idleWeight === undefined
      ? 'The production rule could not be read.'
      : `Production traffic: live side ${100 - status.idleWeight}%, new side ${status.idleWeight}%.`
  return [
    `## ECS blue/green: status of ${code(status.service)}`,
    `ECS deploys it itself (strategy ${code(status.strategy)}). ${weights}`,
    status.serviceDeployment
      ? serviceDeploymentSection(status.serviceDeployment)
      : escapeMarkdown('No service deployment yet.'),
    'Nothing was changed.'
  ].join('\n\n')
}
