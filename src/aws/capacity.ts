import {
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  type ContainerInstance,
  type ECSClient
} from '@aws-sdk/client-ecs'
import type { CapacityPort, CapacityProviderView, InstanceRoom } from '../rollout/capacity/ports.js'

/** DescribeContainerInstances takes at most 100 instances a call. */
const BATCH = 100

function remaining(instance: ContainerInstance, name: 'CPU' | 'MEMORY'): number {
  return instance.remainingResources?.find((r) => r.name === name)?.integerValue ?? 0
}

/** An EC2 cluster's room, for the capacity the idle side needs (read once a run, before bring-up). */
export class CapacityAdapter implements CapacityPort {
  constructor(private readonly client: ECSClient) {}

  async activeInstances(cluster: string): Promise<InstanceRoom[]> {
    const arns: string[] = []
    let nextToken: string | undefined
    do {
      const out = await this.client.send(
        new ListContainerInstancesCommand({ cluster, status: 'ACTIVE', nextToken })
      )
      arns.push(...(out.containerInstanceArns ?? []))
      nextToken = out.nextToken
    } while (nextToken)
    const rooms: InstanceRoom[] = []
    for (let i = 0; i < arns.length; i += BATCH) {
      const out = await this.client.send(
        new DescribeContainerInstancesCommand({
          cluster,
          containerInstances: arns.slice(i, i + BATCH)
        })
      )
      for (const instance of out.containerInstances ?? []) {
        if (instance.status !== 'ACTIVE') continue
        rooms.push({
          instanceId: instance.ec2InstanceId ?? instance.containerInstanceArn ?? '',
          cpu: remaining(instance, 'CPU'),
          memory: remaining(instance, 'MEMORY')
        })
      }
    }
    return rooms
  }

  async describeCapacityProviders(names: string[]): Promise<CapacityProviderView[]> {
    const out = await this.client.send(
      new DescribeCapacityProvidersCommand({ capacityProviders: names })
    )
    return (out.capacityProviders ?? []).map((provider) => ({
      name: provider.name ?? '',
      managedScaling: provider.autoScalingGroupProvider?.managedScaling?.status === 'ENABLED'
    }))
  }
}
