import type { GroupControl } from '../ecs/capacity/state.js'
import { instanceSize } from './instance-types.js'
import type { AutoScalingModel } from './model.js'

/** What ECS capacity providers see of, and do to, the Auto Scaling groups (wired by the world). */
export function groupsForEcs(model: AutoScalingModel): GroupControl {
  return {
    describe(arn) {
      const group = model.groupByArn(arn)
      if (!group) return undefined
      const size = instanceSize(group.instanceType) ?? { cpu: 0, memory: 0 }
      return {
        name: group.name,
        desiredCapacity: group.desiredCapacity,
        minSize: group.minSize,
        maxSize: group.maxSize,
        inService: [...group.instances.values()].filter((i) => i.lifecycleState === 'InService')
          .length,
        newInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
        instanceCpu: size.cpu,
        instanceMemory: size.memory
      }
    },
    setDesired(arn, desired, cause) {
      const group = model.groupByArn(arn)
      if (group) model.setDesired(group, desired, cause)
    },
    setProtection(arn, instanceId, protectedFromScaleIn) {
      const instance = model.groupByArn(arn)?.instances.get(instanceId)
      if (instance) instance.protectedFromScaleIn = protectedFromScaleIn
    }
  }
}
