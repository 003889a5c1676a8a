import type { CallContext } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import { ecsArn, isArn, parseEcsArn } from './ids.js'
import type { EcsModel } from './model.js'
import { invalid, optionalString, page, type Params, seconds, stringList } from './params.js'
import type { Service, Task } from './state.js'
import { answersOnOwnAddress } from './instances/endpoints.js'
import { renderBindings } from './instances/render.js'
import { renderTags } from './tags.js'

const MAX_DESCRIBE = 100

export function listTasksOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const serviceName = optionalString(params, 'serviceName')
  const family = optionalString(params, 'family')
  const startedBy = optionalString(params, 'startedBy')
  const launchType = optionalString(params, 'launchType')
  const desiredStatus = optionalString(params, 'desiredStatus') ?? 'RUNNING'
  if (desiredStatus !== 'RUNNING' && desiredStatus !== 'STOPPED' && desiredStatus !== 'PENDING') {
    throw invalid(`desiredStatus must be one of RUNNING, PENDING, STOPPED.`)
  }
  if (serviceName !== undefined && family !== undefined) {
    throw invalid('family and serviceName cannot be specified together.')
  }
  let services: Service[]
  if (serviceName !== undefined) {
    const service = model.findService(cluster, serviceName)
    if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.')
    services = [service]
  } else {
    services = [...cluster.services.values()]
  }
  const arns: string[] = []
  // standalone tasks (RunTask) when no service is named
  const standalone =
    serviceName !== undefined
      ? []
      : desiredStatus === 'STOPPED'
        ? [...cluster.standaloneStopped, ...cluster.standalone.values()]
        : [...cluster.standalone.values()]
  for (const task of standalone) {
    if (task.desiredStatus !== (desiredStatus === 'PENDING' ? 'RUNNING' : desiredStatus)) continue
    if (desiredStatus === 'PENDING' && task.lastStatus === 'RUNNING') continue
    if (family !== undefined && familyOf(task) !== family) continue
    if (startedBy !== undefined && task.deploymentId !== startedBy) continue
    if (launchType !== undefined && task.launchType !== launchType) continue
    arns.push(task.arn)
  }
  for (const service of services) {
    const tasks =
      desiredStatus === 'STOPPED'
        ? [...service.stopped, ...service.tasks.values()]
        : service.tasks.values()
    for (const task of tasks) {
      if (task.desiredStatus !== (desiredStatus === 'PENDING' ? 'RUNNING' : desiredStatus)) continue
      if (desiredStatus === 'PENDING' && task.lastStatus === 'RUNNING') continue
      if (family !== undefined && familyOf(task) !== family) continue
      if (startedBy !== undefined && task.deploymentId !== startedBy) continue
      if (launchType !== undefined && task.launchType !== launchType) continue
      arns.push(task.arn)
    }
  }
  const { items, nextToken } = page(arns, params)
  return { taskArns: items, ...(nextToken ? { nextToken } : {}) }
}

function familyOf(task: Task): string {
  return (parseEcsArn(task.taskDefinitionArn)?.path.join('/') ?? '').split(':')[0] ?? ''
}

export function describeTasksOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const refs = stringList(params, 'tasks')
  if (refs.length === 0) throw invalid('Tasks cannot be empty.')
  if (refs.length > MAX_DESCRIBE) throw invalid(`tasks can have at most ${MAX_DESCRIBE} items.`)
  const withTags = stringList(params, 'include').includes('TAGS')
  const tasks: object[] = []
  const failures: object[] = []
  for (const ref of refs) {
    const id = isArn(ref) ? (parseEcsArn(ref)?.path.at(-1) ?? '') : ref
    const task = cluster.tasks.get(id)
    if (task && (!isArn(ref) || task.arn === ref)) tasks.push(renderTask(task, withTags))
    else
      failures.push({
        arn: isArn(ref) ? ref : ecsArn(cluster, `task/${cluster.name}/${ref}`),
        reason: 'MISSING'
      })
  }
  return { tasks, failures }
}

/** A task in the shape of DescribeTasks. */
export function renderTask(task: Task, withTags: boolean): object {
  const stopped = task.lastStatus === 'STOPPED'
  const fargate = task.launchType === 'FARGATE'
  const ownAddress = answersOnOwnAddress(task)
  return {
    attachments: !ownAddress
      ? []
      : [
          {
            id: task.attachmentId,
            type: 'ElasticNetworkInterface',
            status: stopped ? 'DELETED' : 'ATTACHED',
            details: [
              { name: 'subnetId', value: task.subnetId },
              { name: 'networkInterfaceId', value: task.eniId },
              { name: 'macAddress', value: macAddress(task.ip) },
              { name: 'privateDnsName', value: `ip-${task.ip.replaceAll('.', '-')}.ec2.internal` },
              { name: 'privateIPv4Address', value: task.ip }
            ]
          }
        ],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    ...(task.containerInstance ? { containerInstanceArn: task.containerInstance.arn } : {}),
    availabilityZone: task.availabilityZone,
    ...(task.capacityProviderName ? { capacityProviderName: task.capacityProviderName } : {}),
    clusterArn: task.cluster.arn,
    connectivity: 'CONNECTED',
    connectivityAt: seconds(task.createdAt),
    containers: task.containers.map((container) => ({
      containerArn: container.containerArn,
      taskArn: task.arn,
      name: container.name,
      image: container.image,
      runtimeId: container.runtimeId,
      lastStatus: container.lastStatus,
      exitCode: container.exitCode,
      reason: container.reason,
      networkBindings: renderBindings(task, container.name),
      networkInterfaces: ownAddress
        ? [{ attachmentId: task.attachmentId, privateIpv4Address: task.ip }]
        : [],
      healthStatus: 'UNKNOWN',
      cpu: '0'
    })),
    cpu: task.cpu,
    createdAt: seconds(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    group: task.service ? `service:${task.service.name}` : (task.group ?? ''),
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    memory: task.memory,
    overrides: task.overrides ?? {
      containerOverrides: task.containers.map((container) => ({ name: container.name }))
    },
    ...(fargate ? { platformVersion: '1.4.0', platformFamily: 'Linux' } : {}),
    pullStartedAt: seconds(task.pullStartedAt),
    pullStoppedAt: seconds(task.pullStoppedAt),
    startedAt: seconds(task.startedAt),
    ...(task.deploymentId ? { startedBy: task.deploymentId } : {}),
    stopCode: task.stopCode,
    stoppedAt: seconds(task.stoppedAt),
    executionStoppedAt: seconds(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: seconds(task.stoppingAt),
    tags: withTags ? renderTags(task.tags) : [],
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinitionArn,
    version: task.version
  }
}

function macAddress(ip: string): string {
  const octets = ip.split('.').map((part) => Number(part).toString(16).padStart(2, '0'))
  return ['0a', '1b', ...octets].join(':')
}
