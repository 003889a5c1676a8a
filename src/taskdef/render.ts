import type { KeyValue, TaskDefinition } from '../rollout/ports.js'
import { chooseContainer } from './container.js'
import { stripReadOnlyFields } from './strip.js'

export interface Release {
  /** the container whose image is replaced; undefined or '': the only container */
  container?: string
  image: string
  /** set on that container: replaces an entry of the same name in place, else appended */
  environment: KeyValue[]
}

/**
 * The definition to register for a release: `base` (a file or the live revision) without its
 * read-only fields, with the chosen container's image and environment set. `base` is untouched.
 */
export function renderTaskDefinition(base: TaskDefinition, release: Release): TaskDefinition {
  const rendered = stripReadOnlyFields(base)
  const container = chooseContainer(rendered, release.container)
  container.image = release.image
  if (release.environment.length > 0) {
    container.environment = setEnvironment(container.environment ?? [], release.environment)
  }
  return rendered
}

function setEnvironment(current: KeyValue[], changes: KeyValue[]): KeyValue[] {
  const result = current.map((entry) => ({ ...entry }))
  for (const change of changes) {
    const existing = result.filter((entry) => entry.name === change.name)
    if (existing.length === 0) result.push({ name: change.name, value: change.value })
    for (const entry of existing) entry.value = change.value
  }
  return result
}
