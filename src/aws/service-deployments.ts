import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ECSClient,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import type {
  ManagedServiceView,
  ServiceDeploymentPort,
  ServiceDeploymentView
} from '../rollout/ports.js'

const time = (d: Date | undefined): number | undefined => (d ? d.getTime() : undefined)

/** The service deployment calls of ECS, for services that ECS deploys itself. */
export class ServiceDeploymentAdapter implements ServiceDeploymentPort {
  constructor(private readonly client: ECSClient) {}

  async describeManagedService(
    cluster: string,
    service: string
  ): Promise<ManagedServiceView | undefined> {
    const answer = await this.client.send(
      new DescribeServicesCommand({ cluster, services: [service] })
    )
    const found = answer.services?.find((s) => s.status !== 'INACTIVE')
    if (!found) return undefined
    // the first load balancer with an advanced configuration is the one ECS shifts
    const lb =
      found.loadBalancers?.find((each) => each.advancedConfiguration) ?? found.loadBalancers?.[0]
    const advanced = lb?.advancedConfiguration
    return {
      name: found.serviceName ?? service,
      arn: found.serviceArn ?? '',
      strategy: found.deploymentConfiguration?.strategy ?? 'ROLLING',
      taskDefinitionArn: found.taskDefinition ?? '',
      ...(lb?.targetGroupArn ? { targetGroupArn: lb.targetGroupArn } : {}),
      ...(advanced?.alternateTargetGroupArn
        ? { alternateTargetGroupArn: advanced.alternateTargetGroupArn }
        : {}),
      ...(advanced?.productionListenerRule
        ? { productionRuleArn: advanced.productionListenerRule }
        : {}),
      ...(advanced?.testListenerRule ? { testRuleArn: advanced.testListenerRule } : {}),
      ...(found.currentServiceDeployment
        ? { currentDeploymentArn: found.currentServiceDeployment }
        : {})
    }
  }

  async startDeployment(
    cluster: string,
    service: string,
    taskDefinitionArn: string
  ): Promise<string | undefined> {
    const answer = await this.client.send(
      new UpdateServiceCommand({ cluster, service, taskDefinition: taskDefinitionArn })
    )
    return answer.service?.currentServiceDeployment
  }

  async listDeployments(cluster: string, service: string, since: number): Promise<string[]> {
    const answer = await this.client.send(
      new ListServiceDeploymentsCommand({
        cluster,
        service,
        createdAt: { after: new Date(since) }
      })
    )
    return (answer.serviceDeployments ?? [])
      .slice()
      .sort((a, b) => (time(b.createdAt) ?? 0) - (time(a.createdAt) ?? 0))
      .flatMap((brief) => (brief.serviceDeploymentArn ? [brief.serviceDeploymentArn] : []))
  }

  async describeDeployment(arn: string): Promise<ServiceDeploymentView | undefined> {
    const answer = await this.client.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })
    )
    const found = answer.serviceDeployments?.[0]
    return found ? deploymentView(found) : undefined
  }

  async continueDeployment(
    arn: string,
    hookId: string,
    action: 'CONTINUE' | 'ROLLBACK'
  ): Promise<void> {
    await this.client.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action })
    )
  }

  async rollBackDeployment(arn: string): Promise<void> {
    await this.client.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })
    )
  }
}

function deploymentView(found: ServiceDeployment): ServiceDeploymentView {
  const finishedAt = time(found.finishedAt) ?? time(found.stoppedAt)
  return {
    arn: found.serviceDeploymentArn ?? '',
    status: found.status ?? 'PENDING',
    ...(found.statusReason ? { statusReason: found.statusReason } : {}),
    ...(found.lifecycleStage ? { stage: found.lifecycleStage } : {}),
    hooks: (found.lifecycleHookDetails ?? []).map((hook) => ({
      id: hook.hookId ?? '',
      targetType: hook.targetType ?? 'AWS_LAMBDA',
      ...(hook.targetArn ? { targetArn: hook.targetArn } : {}),
      status: hook.status ?? 'IN_PROGRESS',
      ...(hook.expiresAt ? { expiresAt: hook.expiresAt.getTime() } : {}),
      ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {})
    })),
    ...(found.rollback?.reason ? { rollbackReason: found.rollback.reason } : {}),
    triggeredAlarms: found.alarms?.triggeredAlarmNames ?? [],
    createdAt: time(found.createdAt) ?? 0,
    ...(finishedAt === undefined ? {} : { finishedAt })
  }
}
