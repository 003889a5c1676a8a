/**
 * The repository's GitHub workflows and Dependabot settings, checked here since GitHub is the only
 * place that runs them: each parses, has the shape GitHub accepts, runs only npm scripts and files
 * that exist, pins third-party actions by commit, and calls this action (`uses: ./`) only with
 * inputs action.yml declares and reads only outputs it (or the step it names) sets.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse, parseDocument } from 'yaml'
import { topologyOutputs } from '../../scripts/emulator-topology.js'
import { parseDotenv, RELEASES } from '../../scripts/local-action.js'
import type { Topology } from '../../emulator/fixtures/topology.js'

const ROOT = resolve(import.meta.dirname, '../..')
const WORKFLOWS = join(ROOT, '.github/workflows')

type Mapping = Record<string, unknown>

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Mapping
  env?: Mapping
  if?: string
  'continue-on-error'?: boolean
}

interface Job {
  'runs-on'?: unknown
  steps?: Step[]
  permissions?: unknown
  [key: string]: unknown
}

interface Workflow {
  name?: string
  on?: unknown
  permissions?: unknown
  env?: Mapping
  jobs?: Record<string, Job>
}

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>
  outputs: Record<string, unknown>
}

const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
const text = (file: string): string => readFileSync(join(WORKFLOWS, file), 'utf8')
const load = (file: string): Workflow => parse(text(file)) as Workflow
const packageScripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
).scripts
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
const steps = (workflow: Workflow): Array<{ job: string; step: Step; index: number }> =>
  Object.entries(workflow.jobs ?? {}).flatMap(([job, body]) =>
    (body.steps ?? []).map((step, index) => ({ job, step, index }))
  )
const label = (file: string, job: string, step: Step, index: number): string =>
  `${file} ${job} step ${index + 1}${step.name ? ` (${step.name})` : ''}`

/** The npm commands a script runs: `npm run X`, `npm test`, `npm ci`... */
function npmCommands(script: string): Array<{ command: string; script?: string }> {
  const found: Array<{ command: string; script?: string }> = []
  for (const match of script.matchAll(/\bnpm\s+(run(?:-script)?\s+(?:-s\s+)?([\w:.-]+)|\w+)/g)) {
    found.push({ command: match[0], script: match[2] })
  }
  return found
}

/** Paths in a script that name a file of this repository (a top-level folder of it, then more). */
function repoPaths(script: string): string[] {
  const tops = readdirSync(ROOT).filter(
    (entry) =>
      !['node_modules', '.git', 'lib', 'coverage'].includes(entry) &&
      statSync(join(ROOT, entry)).isDirectory()
  )
  const pattern = new RegExp(
    `(?<![\\w$./-])(?:\\./)?((?:${tops.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./-]*)`,
    'g'
  )
  return [...script.matchAll(pattern)].map((m) => m[1]!.replace(/[.]$/, ''))
}

/** `${{ ... }}` expressions of any value in a step (with, env, if, run). */
function expressions(value: unknown): string[] {
  if (typeof value === 'string')
    return [...value.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1]!)
  if (Array.isArray(value)) return value.flatMap(expressions)
  if (value && typeof value === 'object') return Object.values(value).flatMap(expressions)
  return []
}

describe('.github/workflows', () => {
  it('has the workflows a well-kept action has', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'ci.yml',
        'check-dist.yml',
        'dogfood.yml',
        'codeql.yml',
        'release.yml'
      ])
    )
  })

  it.each(files)('%s parses, with a name, triggers and jobs of steps', (file) => {
    const document = parseDocument(text(file))
    expect(document.errors.map((e) => e.message)).toEqual([])
    const workflow = load(file)
    expect(typeof workflow.name).toBe('string')
    expect(workflow.on).toBeTruthy()
    // least privilege: the token's permissions are set, not left to the repository's default
    expect(workflow.permissions).toBeTruthy()
    const jobs = Object.entries(workflow.jobs ?? {})
    expect(jobs.length).toBeGreaterThan(0)
    for (const [name, job] of jobs) {
      expect([name, typeof job['runs-on']]).toEqual([name, 'string'])
      expect([name, typeof job['timeout-minutes']]).toEqual([name, 'number'])
      expect(Array.isArray(job.steps) && job.steps.length > 0).toBe(true)
    }
    for (const { job, step, index } of steps(workflow)) {
      const where = label(file, job, step, index)
      // each step does one thing: an action, or a script
      expect([where, 'uses' in step !== 'run' in step]).toEqual([where, true])
      if (step.run !== undefined) expect([where, typeof step.run]).toEqual([where, 'string'])
      if (step.uses !== undefined) expect([where, typeof step.uses]).toEqual([where, 'string'])
    }
  })

  it.each(files)('%s: step ids are unique within each job', (file) => {
    for (const [job, body] of Object.entries(load(file).jobs ?? {})) {
      const ids = (body.steps ?? []).map((s) => s.id).filter((id) => id !== undefined)
      expect([job, ids]).toEqual([job, [...new Set(ids)]])
    }
  })

  it.each(files)('%s runs only npm scripts that package.json has', (file) => {
    const missing: string[] = []
    for (const { job, step, index } of steps(load(file))) {
      for (const { command, script } of npmCommands(step.run ?? '')) {
        if (script !== undefined && !(script in packageScripts)) {
          missing.push(`${label(file, job, step, index)}: '${command}' (no script '${script}')`)
        }
        if (script === undefined && /^npm\s+(test|start)$/.test(command)) {
          const name = command.split(/\s+/)[1]!
          if (!(name in packageScripts))
            missing.push(`${label(file, job, step, index)}: ${command}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it.each(files)('%s references only files that exist', (file) => {
    const missing: string[] = []
    for (const { job, step, index } of steps(load(file))) {
      for (const path of repoPaths(step.run ?? '')) {
        if (!existsSync(join(ROOT, path))) missing.push(`${label(file, job, step, index)}: ${path}`)
      }
      if (step.uses?.startsWith('./')) {
        const dir = join(ROOT, step.uses)
        if (!existsSync(join(dir, 'action.yml')) && !existsSync(join(dir, 'action.yaml'))) {
          missing.push(`${label(file, job, step, index)}: ${step.uses} has no action.yml`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it.each(files)(
    '%s pins every third-party action by commit, with its version beside it',
    (file) => {
      const loose: string[] = []
      for (const line of text(file).split('\n')) {
        const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line)
        if (!match || match[1]!.startsWith('./')) continue
        const [, ref, rest] = match
        if (
          !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref!) ||
          !/#\s*v\d+(\.\d+){0,2}\s*$/.test(rest!)
        ) {
          loose.push(line.trim())
        }
      }
      expect(loose).toEqual([])
    }
  )

  it.each(files)('%s calls this action only with inputs action.yml declares', (file) => {
    const problems: string[] = []
    for (const { job, step, index } of steps(load(file))) {
      if (step.uses !== './') continue
      const where = label(file, job, step, index)
      const given = Object.keys(step.with ?? {})
      for (const name of given) {
        if (!(name in action.inputs))
          problems.push(`${where}: input '${name}' is not in action.yml`)
      }
      for (const [name, input] of Object.entries(action.inputs)) {
        if (input.required && !given.includes(name)) {
          problems.push(`${where}: required input '${name}' is missing`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it.each(files)('%s reads only outputs that a step before sets', (file) => {
    const workflow = load(file)
    const fakeTopology: Topology = {
      cluster: 'c',
      clusterArn: 'arn',
      services: { blue: 'b', green: 'g' },
      targetGroups: { blue: 'tb', green: 'tg' },
      listenerArn: 'l',
      routeArn: 'l',
      loadBalancerArn: 'lb',
      dnsName: 'd',
      taskDefinitionArn: 't'
    }
    const topologyNames = Object.keys(topologyOutputs(fakeTopology))
    const problems: string[] = []
    for (const [job, body] of Object.entries(workflow.jobs ?? {})) {
      const earlier = new Map<string, Step>()
      for (const [index, step] of (body.steps ?? []).entries()) {
        for (const expression of expressions(step)) {
          for (const ref of expression.matchAll(
            /\bsteps\.([\w-]+)\.(outputs\.([\w-]+)|outcome|conclusion)/g
          )) {
            const [, id, , output] = ref
            const source = earlier.get(id!)
            const where = label(file, job, step, index)
            if (!source) {
              problems.push(`${where}: steps.${id} is not an earlier step of ${job}`)
              continue
            }
            if (output === undefined) continue
            const sets =
              source.uses === './'
                ? Object.keys(action.outputs)
                : /npm run (-s )?emulator:topology\b/.test(source.run ?? '')
                  ? topologyNames
                  : [
                      ...(source.run ?? '').matchAll(/\b([\w-]+)=[^\n]*>>\s*"?\$GITHUB_OUTPUT/g)
                    ].map((m) => m[1]!)
            if (!sets.includes(output!)) {
              problems.push(`${where}: steps.${id} sets no output '${output}'`)
            }
          }
        }
        if (step.id) earlier.set(step.id, step)
      }
    }
    expect(problems).toEqual([])
  })

  it('ci.yml runs .ci/run itself, so that it checks what CI here checks', () => {
    const runs = steps(load('ci.yml')).map(({ step }) => step.run ?? '')
    expect(runs).toContain('bash .ci/run')
    const on = load('ci.yml').on as Mapping
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['push', 'pull_request']))
  })

  it('check-dist.yml builds and fails on a stale dist/', () => {
    const script = steps(load('check-dist.yml'))
      .map(({ step }) => step.run ?? '')
      .join('\n')
    expect(script).toContain('npm run build')
    expect(script).toMatch(/git status --porcelain -- dist\/[\s\S]*exit 1/)
  })

  it('dogfood.yml deploys with `uses: ./`, a good release and a bad one, and asserts the outputs', () => {
    const workflow = load('dogfood.yml')
    const all = steps(workflow).map(({ step }) => step)
    const own = all.filter((s) => s.uses === './')
    expect(own.map((s) => s.with?.command ?? 'deploy')).toEqual(['deploy', 'deploy', 'status'])
    expect(all.some((s) => /npm run emulator -- .*&/.test(s.run ?? ''))).toBe(true)
    const asserted = all
      .flatMap((s) => Object.values(s.env ?? {}))
      .filter((v): v is string => typeof v === 'string')
    for (const id of own.map((s) => s.id)) {
      expect(asserted.some((v) => v.includes(`steps.${id}.outputs.result`))).toBe(true)
    }
    // the reverted deploy fails its step: the workflow goes on to check it
    expect(own[1]?.['continue-on-error']).toBe(true)
  })

  it('npm run local-action runs what dogfood.yml runs: the same releases, inputs and expected results', () => {
    const all = steps(load('dogfood.yml')).map(({ step }) => step)
    const deploys = all.filter((s) => s.uses === './' && (s.with?.command ?? 'deploy') === 'deploy')
    const env = parseDotenv(readFileSync(join(ROOT, 'scripts/local-action.env'), 'utf8'))
    expect(deploys.map((s) => s.with?.image)).toEqual(RELEASES.map((r) => r.image))
    for (const [i, deploy] of deploys.entries()) {
      const release = RELEASES[i]!
      for (const [name, value] of Object.entries(deploy.with ?? {})) {
        // the topology's names come from the job's own topology step; local-action fills them in
        if (String(value).includes('${{') || name === 'image') continue
        expect([name, env[`INPUT_${name.toUpperCase()}`]]).toEqual([name, String(value)])
      }
      // the image behaviour set before the deploy, and the result checked after it
      const at = all.indexOf(deploy)
      const before = all
        .slice(0, at)
        .reverse()
        .find((s) => /_emulator\/images/.test(s.run ?? ''))
      expect(before?.run).toContain(`"image":"${release.image}","behavior":"${release.behavior}"`)
      const check = all.slice(at + 1).find((s) => /test "\$RESULT"/.test(s.run ?? ''))
      expect(check?.run).toContain(`test "$RESULT" = ${release.expect}`)
    }
  })

  it('release.yml checks dist/ and moves the major tag to the release', () => {
    const workflow = load('release.yml')
    const on = workflow.on as Mapping
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['release', 'push']))
    const script = steps(workflow)
      .map(({ step }) => step.run ?? '')
      .join('\n')
    expect(script).toContain('npm run build')
    expect(script).toMatch(/git tag -fa? "\$MAJOR"/)
    expect(script).toMatch(/git push --force origin "refs\/tags\/\$MAJOR"/)
    const job = Object.values(workflow.jobs ?? {})[0]
    expect(job?.permissions).toEqual({ contents: 'write' })
  })
})

describe('.github/dependabot.yml', () => {
  const config = parse(readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')) as {
    version: number
    updates: Array<{
      'package-ecosystem': string
      directory: string
      schedule: { interval: string }
    }>
  }

  it('parses as version 2, updating npm and the workflows’ actions', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual([
      'github-actions',
      'npm'
    ])
  })

  it('names folders that exist and schedules GitHub accepts', () => {
    for (const update of config.updates) {
      expect(existsSync(join(ROOT, update.directory))).toBe(true)
      expect(['daily', 'weekly', 'monthly']).toContain(update.schedule.interval)
    }
    const npm = config.updates.find((u) => u['package-ecosystem'] === 'npm')
    expect(existsSync(join(ROOT, npm!.directory, 'package.json'))).toBe(true)
  })
})
