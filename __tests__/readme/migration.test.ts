import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { OFFICIAL_INPUTS, type OfficialAction } from './official-actions.js'

/*
 * The README's "Moving from AWS's ECS actions" section: one table per official action, a row for
 * each of its inputs (first column), and in the second column the inputs of this action that take
 * its place (each in backticks), or `—`. Every input the table names must be one action.yml
 * declares, read when the test runs: a row cannot promise an input that does not exist.
 */

const root = resolve(import.meta.dirname, '../..')
const SECTION = "## Moving from AWS's ECS actions"

/** The section's text, up to the next top-level heading. */
function section(): string {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8')
  const start = readme.indexOf(`${SECTION}\n`)
  if (start < 0) throw new Error(`README.md has no section "${SECTION}"`)
  const end = readme.indexOf('\n## ', start + SECTION.length)
  return readme.slice(start, end < 0 ? undefined : end)
}

/** The cells of a markdown table row. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim())
}

/** `a`, `b` -> ['a', 'b'] */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '')
}

interface Row {
  official: string
  here: string[]
  how: string
}

/** The table whose header names the official action: its rows. */
function table(action: OfficialAction): Row[] {
  const lines = section().split('\n')
  const header = lines.findIndex(
    (line) => line.startsWith('|') && codeSpans(cells(line)[0] ?? '').includes(action)
  )
  if (header < 0) throw new Error(`the migration section has no table for ${action}`)
  const rows: Row[] = []
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const [official = '', here = '', how = ''] = cells(line)
    const [name, ...more] = codeSpans(official)
    if (!name || more.length > 0) throw new Error(`a row without one input first: ${line}`)
    if (here !== '—' && codeSpans(here).length === 0) {
      throw new Error(`the row of ${name} names no input of this action and no —: ${line}`)
    }
    rows.push({ official: name, here: codeSpans(here), how })
  }
  return rows
}

/** The inputs action.yml declares (the keys two spaces in, under `inputs:`). */
function actionInputs(): Set<string> {
  const yml = readFileSync(resolve(root, 'action.yml'), 'utf8')
  const start = yml.indexOf('\ninputs:\n')
  const end = yml.indexOf('\noutputs:\n')
  const block = yml.slice(start, end < 0 ? undefined : end)
  return new Set([...block.matchAll(/^ {2}([A-Za-z0-9_-]+):/gm)].map((match) => match[1] ?? ''))
}

describe("README: moving from AWS's ECS actions", () => {
  const actions = Object.keys(OFFICIAL_INPUTS) as OfficialAction[]

  it.each(actions)('has a row for every input of %s, once, in its order', (action) => {
    expect(table(action).map((row) => row.official)).toEqual([...OFFICIAL_INPUTS[action]])
  })

  it.each(actions)('says how, on every row of %s', (action) => {
    for (const row of table(action)) expect(row.how).not.toBe('')
  })

  // the inputs issue 14 adds (images, secrets, container-command, docker-labels,
  // log-configuration-*, task-role-arn, execution-role-arn, desired-count, propagate-tags,
  // enable-ecs-managed-tags, migration-command, migration-container) are listed here as missing
  // until they are in action.yml: nothing is skipped
  it('names only inputs that action.yml declares', () => {
    const declared = actionInputs()
    expect(declared.has('image')).toBe(true)
    const named = actions.flatMap((action) =>
      table(action).flatMap((row) =>
        row.here.map((input) => `${input} (for ${action} ${row.official})`)
      )
    )
    const missing = named.filter((entry) => !declared.has(entry.split(' ')[0] ?? ''))
    expect(missing).toEqual([])
  })

  it('shows the two official steps, then this action, with inputs that exist', () => {
    const text = section()
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
    expect(blocks).toHaveLength(2)
    const [before = '', after = ''] = blocks
    expect(before).toContain('uses: aws-actions/amazon-ecs-render-task-definition@')
    expect(before).toContain('uses: aws-actions/amazon-ecs-deploy-task-definition@')
    expect(after).not.toContain('aws-actions/amazon-ecs-')
    // every `with:` key of the after step is an input here; of the before steps, an official one
    const keys = (block: string) =>
      [...block.matchAll(/^ {10}([a-zA-Z0-9-]+):/gm)].map((match) => match[1] ?? '')
    const declared = actionInputs()
    expect(keys(after).filter((key) => !declared.has(key))).toEqual([])
    const official = new Set<string>(actions.flatMap((action) => [...OFFICIAL_INPUTS[action]]))
    expect(keys(before).filter((key) => !official.has(key))).toEqual([])
  })
})
