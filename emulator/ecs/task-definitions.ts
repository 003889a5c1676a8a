import type { CallContext } from '../core/contracts.js'
import { ecsArn } from './ids.js'
import { checkFargateSize } from './fargate-sizes.js'
import { checkEc2Definition } from './instances/task-definition-rules.js'
import type { EcsModel } from './model.js'
import {
  clientError,
  invalid,
  optionalString,
  page,
  type Params,
  requiredString,
  seconds,
  stringList
} from './params.js'
import type { ContainerDefinition, TaskDefinitionRecord } from './state.js'
import { applyTags, readTags, renderTags } from './tags.js'

const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/
const CONTAINER_NAME = /^[a-zA-Z0-9_-]{1,255}$/
const MAX_CONTAINERS = 10
/** ListTaskDefinitions' status filter */
const LIST_STATUSES = ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']
const IMAGE = /^[A-Za-z0-9\-_:./#@[\]]+$/
/** the members of RegisterTaskDefinition; anything else (e.g. a described revision's read-only fields) is refused */
const FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection'
]

export function registerTaskDefinitionOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const unknown = Object.keys(params).filter((key) => !FIELDS.includes(key))
  if (unknown.length > 0) {
    throw clientError(
      `Unknown parameter in input: "${unknown[0]}", must be one of: ${FIELDS.join(', ')}`
    )
  }
  const family = optionalString(params, 'family')
  if (family === undefined || family === '') throw clientError('Family must be specified.')
  if (!FAMILY.test(family)) {
    throw clientError(
      'Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, underscores and hyphens are allowed.'
    )
  }
  // awsvpc and host bind the container port itself: ECS stores it as the host port
  const containers = readContainers(
    params.containerDefinitions,
    params.networkMode === 'awsvpc' || params.networkMode === 'host'
  )
  checkEc2Definition(params)
  const compatibilities = stringList(params, 'requiresCompatibilities')
  if (compatibilities.includes('FARGATE')) {
    if (params.networkMode !== 'awsvpc')
      throw clientError("Fargate only supports network mode 'awsvpc'.")
    if (params.cpu === undefined)
      throw clientError("Fargate requires that 'cpu' be defined at the task level.")
    if (params.memory === undefined)
      throw clientError("Fargate requires that 'memory' be defined at the task level.")
    checkFargateSize(params.cpu, params.memory)
  }
  for (const role of ['taskRoleArn', 'executionRoleArn']) optionalString(params, role)
  const tags = readTags(params)

  const key = `${ctx.region}/${family}`
  const revisions = model.families.get(key) ?? []
  const revision = revisions.length + 1
  const { tags: _tags, ...fields } = structuredClone(params)
  const record: TaskDefinitionRecord = {
    arn: ecsArn(ctx, `task-definition/${family}:${revision}`),
    family,
    revision,
    body: {
      ...fields,
      containerDefinitions: containers,
      volumes: fields.volumes ?? [],
      placementConstraints: fields.placementConstraints ?? []
    },
    status: 'ACTIVE',
    registeredAt: model.clock.wallNow(),
    registeredBy: `arn:aws:sts::${ctx.accountId}:assumed-role/emulator/emulator`,
    tags: new Map()
  }
  applyTags(record.tags, tags)
  revisions.push(record)
  model.families.set(key, revisions)
  return { taskDefinition: renderTaskDefinition(record), tags: renderTags(record.tags) }
}

/** Validates the containers and fills in what ECS adds when it stores them. */
function readContainers(raw: unknown, awsvpc: boolean): ContainerDefinition[] {
  if (!Array.isArray(raw) || raw.length === 0) throw clientError('Container list cannot be empty.')
  if (raw.length > MAX_CONTAINERS) {
    throw clientError(`Too many containers: a task definition can have at most ${MAX_CONTAINERS}.`)
  }
  const names = new Set<string>()
  return raw.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw clientError('Each container definition must be an object.')
    }
    const container = structuredClone(item) as Record<string, unknown>
    const { name, image } = container
    if (typeof name !== 'string' || name === '')
      throw clientError('Container.name should not be null or empty.')
    if (!CONTAINER_NAME.test(name))
      throw clientError(`Container name '${name}' contains invalid characters.`)
    if (typeof image !== 'string' || image === '')
      throw clientError('Container.image should not be null or empty.')
    // an image reference: letters, digits, and - _ : . / # @ (no spaces)
    if (!IMAGE.test(image))
      throw clientError(`Container.image '${image.slice(0, 80)}' contains invalid characters.`)
    if (names.has(name)) throw clientError(`Duplicate container name '${name}'.`)
    names.add(name)
    const ports = readPortMappings(container.portMappings, name)
    checkContainerFields(container, name)
    if (container.essential !== undefined && typeof container.essential !== 'boolean') {
      throw clientError(`Container.essential of '${name}' must be true or false.`)
    }
    const stored: ContainerDefinition = {
      ...container,
      name,
      image,
      cpu: container.cpu ?? 0,
      portMappings: ports.map((mapping) => ({
        ...mapping,
        hostPort: mapping.hostPort ?? (awsvpc ? mapping.containerPort : 0),
        protocol: mapping.protocol ?? 'tcp'
      })),
      essential: container.essential ?? true,
      environment: container.environment ?? [],
      mountPoints: container.mountPoints ?? [],
      volumesFrom: container.volumesFrom ?? [],
      systemControls: container.systemControls ?? []
    }
    return stored
  })
}

/** ECS's LogDriver enum (API reference: LogConfiguration) */
const LOG_DRIVERS = [
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'awsfirelens'
]

/** What RegisterTaskDefinition refuses about a container's command, secrets, labels and logging. */
function checkContainerFields(container: Record<string, unknown>, name: string): void {
  const command = container.command
  if (command !== undefined && command !== null) {
    if (!Array.isArray(command) || !command.every((word) => typeof word === 'string')) {
      throw clientError(`Container.command of '${name}' must be a list of strings.`)
    }
  }
  const secrets = container.secrets
  if (secrets !== undefined && secrets !== null) {
    if (!Array.isArray(secrets)) throw clientError(`Container.secrets of '${name}' must be a list.`)
    const seen = new Set<string>()
    for (const secret of secrets as unknown[]) {
      const { name: secretName, valueFrom } = (secret ?? {}) as Record<string, unknown>
      if (typeof secretName !== 'string' || secretName === '') {
        throw clientError('Secret.name should not be null or empty.')
      }
      if (typeof valueFrom !== 'string' || valueFrom === '') {
        throw clientError('Secret.valueFrom should not be null or empty.')
      }
      if (seen.has(secretName)) {
        throw clientError(`Duplicate secret names found: ${secretName}`)
      }
      seen.add(secretName)
    }
  }
  const labels = container.dockerLabels
  if (labels !== undefined && labels !== null) {
    if (
      typeof labels !== 'object' ||
      Array.isArray(labels) ||
      !Object.values(labels).every((value) => typeof value === 'string')
    ) {
      throw clientError(`Container.dockerLabels of '${name}' must be a map of strings to strings.`)
    }
  }
  const log = container.logConfiguration
  if (log !== undefined && log !== null) {
    const { logDriver, options } = log as Record<string, unknown>
    if (typeof logDriver !== 'string' || logDriver === '') {
      throw clientError('LogConfiguration.logDriver should not be null or empty.')
    }
    if (!LOG_DRIVERS.includes(logDriver)) {
      throw clientError(
        `Log driver ${logDriver} is not supported; valid values are ${LOG_DRIVERS.join(', ')}.`
      )
    }
    if (
      options !== undefined &&
      options !== null &&
      (typeof options !== 'object' ||
        Array.isArray(options) ||
        !Object.values(options).every((value) => typeof value === 'string'))
    ) {
      throw clientError('LogConfiguration.options must be a map of strings to strings.')
    }
  }
}

function readPortMappings(
  raw: unknown,
  container: string
): ({ containerPort?: number } & Record<string, unknown>)[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw))
    throw clientError(`Container.portMappings of '${container}' must be a list.`)
  return raw.map((mapping: unknown) => {
    const port = (mapping as { containerPort?: unknown } | null)?.containerPort
    if (
      typeof mapping !== 'object' ||
      mapping === null ||
      (port !== undefined && !Number.isInteger(port))
    ) {
      throw clientError(
        `Container.portMappings of '${container}' must be objects with an integer containerPort.`
      )
    }
    return mapping as { containerPort?: number } & Record<string, unknown>
  })
}

export function describeTaskDefinitionOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const record = model.findTaskDefinition(requiredString(params, 'taskDefinition'), ctx)
  if (!record) throw clientError('Unable to describe task definition.')
  const withTags = stringList(params, 'include').includes('TAGS')
  return {
    taskDefinition: renderTaskDefinition(record),
    ...(withTags ? { tags: renderTags(record.tags) } : {})
  }
}

export function deregisterTaskDefinitionOp(
  model: EcsModel,
  params: Params,
  ctx: CallContext
): object {
  const ref = requiredString(params, 'taskDefinition')
  if (!/:[0-9]+$/.test(ref)) {
    throw clientError('The task definition must be given as family:revision or a full ARN.')
  }
  const record = model.findTaskDefinition(ref, ctx)
  if (!record) throw clientError('The specified task definition does not exist.')
  if (record.status === 'ACTIVE') {
    record.status = 'INACTIVE'
    record.deregisteredAt = model.clock.wallNow()
  }
  return { taskDefinition: renderTaskDefinition(record) }
}

export function listTaskDefinitionsOp(model: EcsModel, params: Params, ctx: CallContext): object {
  // despite its name, familyPrefix matches the whole family name, as in ECS
  const family = optionalString(params, 'familyPrefix')
  const status = optionalString(params, 'status') ?? 'ACTIVE'
  if (!LIST_STATUSES.includes(status)) {
    throw invalid(
      `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [${LIST_STATUSES.join(', ')}]`
    )
  }
  const sort = optionalString(params, 'sort') ?? 'ASC'
  const records: TaskDefinitionRecord[] = []
  for (const [key, revisions] of model.families) {
    const [region, name] = key.split('/')
    if (region !== ctx.region || (family !== undefined && name !== family)) continue
    records.push(...revisions.filter((record) => record.status === status))
  }
  records.sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
  if (sort === 'DESC') records.reverse()
  const { items, nextToken } = page(records, params)
  return {
    taskDefinitionArns: items.map((record) => record.arn),
    ...(nextToken ? { nextToken } : {})
  }
}

export function renderTaskDefinition(record: TaskDefinitionRecord): object {
  const { body } = record
  const awsvpc = body.networkMode === 'awsvpc'
  const requiresAttributes = [
    { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
    ...(awsvpc ? [{ name: 'ecs.capability.task-eni' }] : [])
  ]
  const fargateReady = awsvpc && body.cpu !== undefined && body.memory !== undefined
  return {
    taskDefinitionArn: record.arn,
    ...structuredClone(body),
    family: record.family,
    revision: record.revision,
    status: record.status,
    requiresAttributes,
    compatibilities: fargateReady ? ['EC2', 'FARGATE'] : ['EC2'],
    registeredAt: seconds(record.registeredAt),
    ...(record.deregisteredAt === undefined
      ? {}
      : { deregisteredAt: seconds(record.deregisteredAt) }),
    registeredBy: record.registeredBy
  }
}
