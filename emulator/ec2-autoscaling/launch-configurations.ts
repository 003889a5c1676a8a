import { randomUUID } from 'node:crypto'
import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { checkInstanceType } from './groups.js'
import type { AutoScalingModel } from './model.js'
import {
  optionalString,
  type Params,
  requiredString,
  stringList,
  validationError
} from './params.js'

/**
 * CreateLaunchConfiguration, DescribeLaunchConfigurations and DeleteLaunchConfiguration, reduced
 * to what the simulation uses: an image and an instance type. User data, security groups, block
 * devices and the rest are accepted and not kept (no EC2 is simulated).
 */

const MAX_NAME = 255

export function createLaunchConfigurationOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const name = requiredString(params, 'LaunchConfigurationName')
  if (name.length > MAX_NAME) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'launchConfigurationName' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME}`
    )
  }
  if (optionalString(params, 'InstanceId') !== undefined) {
    throw validationError(
      'The emulator creates launch configurations from ImageId and InstanceType only.'
    )
  }
  const imageId = optionalString(params, 'ImageId')
  const instanceType = optionalString(params, 'InstanceType')
  if (imageId === undefined) throw validationError('Must specify ImageId or InstanceId')
  if (instanceType === undefined) throw validationError('Must specify InstanceType or InstanceId')
  checkInstanceType(instanceType)
  const key = `${ctx.region}/${name}`
  if (model.launchConfigurations.has(key)) {
    throw new AwsError(
      'AlreadyExists',
      `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`
    )
  }
  model.launchConfigurations.set(key, {
    name,
    arn: `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:launchConfiguration:${randomUUID()}:launchConfigurationName/${name}`,
    region: ctx.region,
    imageId,
    instanceType,
    createdAt: model.clock.wallNow()
  })
  return {}
}

export function describeLaunchConfigurationsOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const names = stringList(params, 'LaunchConfigurationNames')
  const found = [...model.launchConfigurations.values()].filter(
    (lc) => lc.region === ctx.region && (names.length === 0 || names.includes(lc.name))
  )
  return {
    LaunchConfigurations: found.map((lc) => ({
      LaunchConfigurationName: lc.name,
      LaunchConfigurationARN: lc.arn,
      ImageId: lc.imageId,
      InstanceType: lc.instanceType,
      CreatedTime: new Date(lc.createdAt)
    }))
  }
}

export function deleteLaunchConfigurationOp(
  model: AutoScalingModel,
  params: Params,
  ctx: CallContext
): object {
  const name = requiredString(params, 'LaunchConfigurationName')
  const key = `${ctx.region}/${name}`
  if (!model.launchConfigurations.has(key)) {
    throw validationError(
      `Launch configuration name not found - Launch configuration ${name} not found`
    )
  }
  const inUse = [...model.groups.values()].some(
    (group) =>
      group.region === ctx.region &&
      group.launch.kind === 'configuration' &&
      group.launch.name === name
  )
  if (inUse)
    throw new AwsError(
      'ResourceInUse',
      `Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup`
    )
  model.launchConfigurations.delete(key)
  return {}
}
