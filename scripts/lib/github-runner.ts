/**
 * Runs the bundled action (dist/index.js) the way a GitHub runner does: inputs as INPUT_*
 * variables, and the GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files, then the
 * `post:` step with the saved state as STATE_* variables. Used by the demo, the benchmark
 * and the integration tests, so all three exercise exactly what GitHub runs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ACTION_ENTRY = resolve(import.meta.dirname, '../../dist/index.js')

export interface ActionRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  stdout: string
  stderr: string
  summaryPath: string
}

export interface RunOptions {
  /** the AWS endpoint (the emulator's URL) */
  endpoint: string
  /** extra environment (overrides) */
  env?: Record<string, string>
  /** STATE_* variables, for a post step */
  state?: Record<string, string>
  /** called with each chunk of stdout; may signal or kill the child */
  onOutput?: (text: string, child: ChildProcess) => void
  /** a folder for the files; default: a new temp folder */
  workDir?: string
  /** node binary; default: $ACTION_NODE, else the one running this (CI sets Node 24, as GitHub runs) */
  node?: string
}

/** Parses a GitHub file-command file (`name<<delimiter` blocks or `name=value` lines). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      out[name!] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      out[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return out
}

export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

export function runAction(inputs: Record<string, string>, options: RunOptions): Promise<ActionRun> {
  const dir = options.workDir ?? mkdtempSync(join(tmpdir(), 'ecs-bg-run-'))
  const files = {
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const stateEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(options.state ?? {})) stateEnv[`STATE_${k}`] = v
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    AWS_ENDPOINT_URL: options.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: process.cwd(),
    RUNNER_TEMP: dir,
    ...inputEnv(inputs),
    ...stateEnv,
    ...options.env
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.node ?? process.env.ACTION_NODE ?? process.execPath, [ACTION_ENTRY], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      options.onOutput?.(chunk, child)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      resolvePromise({
        exitCode,
        signal,
        outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
        state: parseFileCommands(readFileSync(files.state, 'utf8')),
        summary: readFileSync(files.summary, 'utf8'),
        stdout,
        stderr,
        summaryPath: files.summary
      })
    })
  })
}

/** The main step, then the post step with the state the main step saved (as GitHub does). */
export async function runWithPost(
  inputs: Record<string, string>,
  options: RunOptions
): Promise<{ main: ActionRun; post: ActionRun }> {
  const main = await runAction(inputs, options)
  const post = await runAction(inputs, { ...options, onOutput: undefined, state: main.state })
  return { main, post }
}
