import { InputError } from '../rollout/errors.js'
import type { ContainerDefinition, TaskDefinition } from '../rollout/ports.js'
import { quote } from './quote.js'

/**
 * The container whose image a release replaces: the named one, or the only one. Returns the
 * definition's own object (not a copy), so a caller working on a copy can edit it in place.
 * Throws InputError('container') naming the containers that exist when the choice is unclear.
 */
export function chooseContainer(definition: TaskDefinition, name?: string): ContainerDefinition {
  const containers = definition.containerDefinitions
  const where = `task definition '${definition.family}'`
  if (name !== undefined && name !== '') {
    const found = containers.find((container) => container.name === name)
    if (found) return found
    throw new InputError(
      'container',
      `${where} has no container named ${quote(name)}; its containers are ${listNames(containers)}`
    )
  }
  const [only, ...others] = containers
  if (only && others.length === 0) return only
  if (!only) throw new InputError('container', `${where} has no containers`)
  throw new InputError(
    'container',
    `${where} has ${containers.length} containers (${listNames(containers)}); ` +
      'set this input to the one whose image is replaced'
  )
}

export function listNames(containers: readonly { name?: unknown }[]): string {
  return containers.map((container) => quote(String(container.name))).join(', ')
}
