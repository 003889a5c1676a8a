import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { InputError } from '../rollout/errors.js'
import type { TaskDefinition } from '../rollout/ports.js'
import { locateJsonError } from './json-error.js'
import { quote } from './quote.js'
import { familyHint, REVISION_FORMS } from './revision.js'
import { stripReadOnlyFields, unwrapTaskDefinitionFile } from './strip.js'

/** ECS refuses a task definition with more containers than this. */
export const MAX_CONTAINERS = 10

const NAME = /^[A-Za-z0-9_-]{1,255}$/
const NAME_RULE = '1-255 letters, digits, hyphens or underscores'

export interface FileAccess {
  /** reads a whole file as UTF-8; default: node:fs */
  readFile?: (path: string) => string
  /** what a relative path is relative to; default: the current directory */
  workspace?: string
}

/**
 * Reads a task definition file: the bare definition, or the `{ "taskDefinition": ... }` that
 * `aws ecs describe-task-definition` prints. Returns it without read-only fields. Every problem
 * is an InputError('task-definition') that names the path as the user wrote it.
 */
export function readTaskDefinitionFile(path: string, access: FileAccess = {}): TaskDefinition {
  const fullPath = resolve(access.workspace ?? process.cwd(), path)
  const refuse = (problem: string) =>
    new InputError('task-definition', `${quote(path, 200)} ${problem}`)

  let text: string
  try {
    text = (access.readFile ?? readUtf8)(fullPath).replace(/^\uFEFF/, '')
  } catch (error) {
    throw refuse(unreadable(error, fullPath, path))
  }
  const syntax = locateJsonError(text)
  if (syntax) {
    throw refuse(
      `is not valid JSON: ${syntax.problem} at line ${syntax.line}, column ${syntax.column}`
    )
  }
  const json = unwrapTaskDefinitionFile(JSON.parse(text) as unknown)
  if (!isRecord(json)) throw refuse(`holds ${kindOf(json)}, not a task definition object`)
  const shapeProblem = checkShape(json)
  if (shapeProblem) throw refuse(shapeProblem)
  return stripReadOnlyFields(json as TaskDefinition)
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8')
}

function unreadable(error: unknown, fullPath: string, path: string): string {
  const code = (error as { code?: unknown }).code
  if (code === 'ENOENT') {
    return (
      `does not exist (looked for ${fullPath}); give the path of a task definition JSON file, ` +
      `relative to the workspace, or ${REVISION_FORMS}${familyHint(path)}`
    )
  }
  if (code === 'EISDIR') return 'is a directory; give the path of a task definition JSON file'
  return `cannot be read (${typeof code === 'string' ? code : String(error)})`
}

/** What RegisterTaskDefinition would refuse about the family and containers, if anything. */
function checkShape(json: Record<string, unknown>): string | undefined {
  const family = json['family']
  if (typeof family !== 'string' || family === '') {
    return 'has no "family" (the task definition family name, e.g. "web")'
  }
  if (!NAME.test(family)) return `has "family" ${quote(family)}; a family is ${NAME_RULE}`

  const containers: unknown = json['containerDefinitions']
  if (!Array.isArray(containers)) {
    return 'has no "containerDefinitions" array (a task definition lists its containers there)'
  }
  if (containers.length === 0) {
    return 'has an empty "containerDefinitions"; a task definition needs at least one container'
  }
  if (containers.length > MAX_CONTAINERS) {
    return `has ${containers.length} containers; ECS allows at most ${MAX_CONTAINERS} in a task definition`
  }
  const names: string[] = []
  for (const [index, container] of containers.entries()) {
    const where = `containerDefinitions[${index}]`
    if (!isRecord(container)) {
      return `has ${kindOf(container)} at ${where}; each container is an object with a "name"`
    }
    const name = container['name']
    if (typeof name !== 'string' || name === '') {
      return `has a container without a "name" at ${where}; every container needs one`
    }
    if (!NAME.test(name)) return `has a container named ${quote(name)}; a name is ${NAME_RULE}`
    if (names.includes(name)) {
      return `has two containers named ${quote(name)}; container names must be unique`
    }
    names.push(name)
  }
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  return `a ${typeof value}`
}
