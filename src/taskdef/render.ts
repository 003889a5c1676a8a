import { InputError } from '../rollout/errors.js'
import type { ContainerDefinition, KeyValue, TaskDefinition } from '../rollout/ports.js'
import { chooseContainer, listNames } from './container.js'
import { quote } from './quote.js'
import { stripReadOnlyFields } from './strip.js'

/** One line of `images`: a container of the task definition and its new image. */
export interface ContainerImage {
  container: string
  image: string
}

/** One line of `secrets`: an environment variable filled from Secrets Manager or SSM. */
export interface SecretRef {
  name: string
  valueFrom: string
}

/** What a release changes in its base definition. Only what is given is changed. */
export interface Release {
  /**
   * the container that `image` and the other per-container inputs change; undefined or '': the
   * only container
   */
  container?: string
  /** the chosen container's new image; undefined or '': its image is kept */
  image?: string
  /** `images`: several containers' images, each by name */
  images?: ContainerImage[]
  /** set on the chosen container: replaces an entry of the same name in place, else appended */
  environment: KeyValue[]
  /** `secrets`, set on the chosen container the same way */
  secrets?: SecretRef[]
  /** `container-command`: replaces the chosen container's command */
  command?: string[]
  /** `docker-labels`: set on the chosen container, the others kept */
  dockerLabels?: KeyValue[]
  /** `log-configuration-log-driver`: the chosen container's log driver */
  logDriver?: string
  /** `log-configuration-options`: set among the chosen container's log driver options */
  logOptions?: KeyValue[]
  taskRoleArn?: string
  executionRoleArn?: string
}

/** Whether the release changes anything at all in its base (else a revision is deployed as is). */
export function changesDefinition(release: Release): boolean {
  return (
    Boolean(release.image) ||
    (release.images?.length ?? 0) > 0 ||
    changesContainer(release) ||
    Boolean(release.taskRoleArn) ||
    Boolean(release.executionRoleArn)
  )
}

/** Whether the release changes the chosen container (so that one must be chosen). */
function changesContainer(release: Release): boolean {
  return (
    Boolean(release.image) ||
    release.environment.length > 0 ||
    (release.secrets?.length ?? 0) > 0 ||
    release.command !== undefined ||
    (release.dockerLabels?.length ?? 0) > 0 ||
    Boolean(release.logDriver) ||
    (release.logOptions?.length ?? 0) > 0
  )
}

/**
 * The definition to register for a release: `base` (a file, a given revision or the live one)
 * without its read-only fields, with what the release sets. `base` is untouched. Problems are
 * InputErrors naming the input.
 */
export function renderTaskDefinition(base: TaskDefinition, release: Release): TaskDefinition {
  const rendered = stripReadOnlyFields(base)
  for (const [index, { container: name, image }] of (release.images ?? []).entries()) {
    const found = rendered.containerDefinitions.find((container) => container.name === name)
    if (!found) {
      throw new InputError(
        'images',
        `line ${index + 1} names container ${quote(name)}, but task definition ` +
          `'${rendered.family}' has no container of that name; its containers are ` +
          listNames(rendered.containerDefinitions)
      )
    }
    found.image = image
  }
  if (changesContainer(release) || release.container) {
    applyToContainer(chooseContainer(rendered, release.container), release)
  }
  if (release.taskRoleArn) rendered.taskRoleArn = release.taskRoleArn
  if (release.executionRoleArn) rendered.executionRoleArn = release.executionRoleArn
  return rendered
}

function applyToContainer(container: ContainerDefinition, release: Release): void {
  if (release.image) container.image = release.image
  const secrets = release.secrets ?? []
  if (release.environment.length > 0) {
    container.environment = setByName(container.environment ?? [], release.environment)
    // a variable is a value or a secret: the one given now replaces the other kind
    dropNames(container, 'secrets', release.environment)
  }
  if (secrets.length > 0) {
    container.secrets = setSecrets(asSecrets(container.secrets), secrets)
    dropNames(container, 'environment', secrets)
  }
  if (release.command !== undefined) container.command = [...release.command]
  if (release.dockerLabels?.length) {
    const labels = { ...(asRecord(container.dockerLabels) ?? {}) }
    for (const { name, value } of release.dockerLabels) labels[name] = value
    container.dockerLabels = labels
  }
  if (release.logDriver || release.logOptions?.length) setLogConfiguration(container, release)
}

/**
 * The log driver replaced and/or options set. Options (and secret options) of another driver
 * are dropped when the driver changes: they would not mean anything to the new one, and ECS
 * starts no task whose driver is given options it does not know.
 */
function setLogConfiguration(container: ContainerDefinition, release: Release): void {
  const current = asRecord(container.logConfiguration)
  const currentDriver = typeof current?.['logDriver'] === 'string' ? current['logDriver'] : ''
  const driver = release.logDriver || currentDriver
  if (driver === '') {
    throw new InputError(
      'log-configuration-options',
      `container ${quote(container.name)} has no log configuration to add options to; set ` +
        'log-configuration-log-driver too (e.g. "awslogs")'
    )
  }
  const keep = driver === currentDriver ? current : undefined
  const options = { ...(asRecord(keep?.['options']) ?? {}) }
  for (const { name, value } of release.logOptions ?? []) options[name] = value
  const next: Record<string, unknown> = { ...(keep ?? {}), logDriver: driver }
  delete next['options']
  if (Object.keys(options).length > 0) next['options'] = options
  container.logConfiguration = next
}

function setByName(current: KeyValue[], changes: KeyValue[]): KeyValue[] {
  const result = current.map((entry) => ({ ...entry }))
  for (const change of changes) {
    const existing = result.filter((entry) => entry.name === change.name)
    if (existing.length === 0) result.push({ name: change.name, value: change.value })
    for (const entry of existing) entry.value = change.value
  }
  return result
}

function setSecrets(current: SecretRef[], changes: SecretRef[]): SecretRef[] {
  const result = current.map((entry) => ({ ...entry }))
  for (const change of changes) {
    const existing = result.filter((entry) => entry.name === change.name)
    if (existing.length === 0) result.push({ name: change.name, valueFrom: change.valueFrom })
    for (const entry of existing) entry.valueFrom = change.valueFrom
  }
  return result
}

function dropNames(
  container: ContainerDefinition,
  field: 'environment' | 'secrets',
  names: readonly { name: string }[]
): void {
  const list = container[field]
  if (!Array.isArray(list)) return
  const given = new Set(names.map((entry) => entry.name))
  container[field] = list.filter(
    (entry: unknown) => !given.has(String((entry as { name?: unknown } | null)?.name))
  )
}

function asSecrets(value: unknown): SecretRef[] {
  return Array.isArray(value) ? (value as SecretRef[]) : []
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
