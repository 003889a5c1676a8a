import type { ContainerInstanceEvents } from '../../core/contracts.js'
import { AwsError } from '../../core/errors.js'
import { ecsArn } from '../ids.js'
import type { EcsModel } from '../model.js'
import { registerContainerInstance, terminateInstance } from './registry.js'

/** The control API's instances, started and stopped in the ECS model (clusters by name or ARN). */
export function instanceEvents(
  model: EcsModel,
  region = 'us-east-1',
  accountId = '123456789012'
): ContainerInstanceEvents {
  return {
    start(request) {
      const ref = request.cluster
      const arn = ref.startsWith('arn:') ? ref : ecsArn({ region, accountId }, `cluster/${ref}`)
      const cluster =
        model.clusters.get(arn) ??
        [...model.clusters.values()].find((c) => c.name === ref || c.arn === ref)
      if (!cluster) return { ok: false, message: `no cluster ${ref}` }
      try {
        const started = Array.from({ length: request.count }, () => {
          const instance = registerContainerInstance(model, cluster, {
            cpu: request.cpu,
            memory: request.memory,
            instanceType: request.instanceType,
            availabilityZone: request.availabilityZone ?? `${cluster.region}a`
          })
          return { ec2InstanceId: instance.ec2InstanceId, containerInstanceArn: instance.arn }
        })
        return { ok: true, started }
      } catch (error) {
        if (error instanceof AwsError) return { ok: false, message: error.message }
        throw error
      }
    },
    stop(ec2InstanceId) {
      return terminateInstance(model, ec2InstanceId, model.clock.simNow())
    }
  }
}
