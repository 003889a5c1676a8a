import { InputError } from './rollout/errors.js'
import { migrationContainer } from './rollout/migrate.js'
import type { TaskDefinition } from './rollout/ports.js'
import type { MigrationSettings, ReleaseSpec } from './rollout/settings.js'
import { quote } from './taskdef/quote.js'

/** The inputs of the one-off task run before traffic moves (see src/rollout/migrate.ts). */
export const MIGRATION_DEFAULTS = {
  'migration-command': '',
  'migration-container': ''
} as const

export type MigrationInput = keyof typeof MIGRATION_DEFAULTS
export const MIGRATION_INPUTS = Object.keys(MIGRATION_DEFAULTS) as MigrationInput[]

/** RunTask allows this many characters of `overrides`, its JSON included. */
const MAX_OVERRIDES = 8192
/** a container name: what ECS allows */
const NAME = /^[A-Za-z0-9_-]{1,255}$/

/**
 * `migration-command`: a JSON array of strings (`["npm", "run", "migrate"]`), taken as it is, or
 * else words split on whitespace as the official render action splits its `command` input (no
 * shell quoting: use the JSON form for an argument with spaces). `migration-container` names the
 * container whose command is replaced; it is checked against the task definition file when there
 * is one, else against the rendered revision before anything is changed.
 */
export function parseMigration(
  value: (name: MigrationInput) => string,
  definition: TaskDefinition | undefined,
  release: Pick<ReleaseSpec, 'container'>
): MigrationSettings | undefined {
  const text = value('migration-command')
  const container = value('migration-container')
  if (text === '') {
    if (container !== '') {
      throw new InputError(
        'migration-container',
        `is ${quote(container)} but migration-command is not set; set migration-command to the ` +
          'command to run, or leave migration-container out'
      )
    }
    return undefined
  }
  if (container !== '' && !NAME.test(container)) {
    throw new InputError(
      'migration-container',
      `${quote(container)} is not a container name; a name is 1-255 letters, digits, hyphens or underscores`
    )
  }
  const command = text.startsWith('[') ? jsonCommand(text) : text.split(/\s+/).filter(Boolean)
  const migration: MigrationSettings = { command, ...(container ? { container } : {}) }
  const name = container || release.container || 'x'.repeat(255)
  const size = JSON.stringify({ containerOverrides: [{ name, command }] }).length
  if (size > MAX_OVERRIDES) {
    throw new InputError(
      'migration-command',
      `is ${text.length} characters long, and RunTask allows ${MAX_OVERRIDES} characters of ` +
        'overrides in all (their JSON included); run a script of the image instead'
    )
  }
  if (definition) migrationContainer(definition, migration, release)
  return migration
}

function jsonCommand(text: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new InputError(
      'migration-command',
      `${quote(text)} starts with '[' but is not JSON (${error instanceof Error ? error.message : String(error)}); ` +
        'give a JSON array of strings such as ["npm", "run", "migrate"], or the words of the command'
    )
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((item) => typeof item === 'string')
  ) {
    throw new InputError(
      'migration-command',
      `${quote(text)} is not a non-empty JSON array of strings; give one such as ` +
        '["npm", "run", "migrate"], or the words of the command'
    )
  }
  return parsed as string[]
}
