/**
 * `npm run local-action -- [--endpoint URL] [--release good|bad|both]`: the action run by GitHub's
 * own local runner for actions, `@github/local-action`, against the emulator, the way the
 * dogfood workflow runs it with `uses: ./`: a good release promoted, then a bad one (healthy at
 * first, failing its health checks mid-rollout) reverted, each result checked.
 *
 * It starts an emulator in this process (or uses the one at --endpoint), builds the demo's
 * topology, and for each release writes scripts/local-action.env with the topology's inputs
 * filled in to a temporary dotenv file, then runs
 *   local-action run . scripts/local-action/main.ts <that file> --post scripts/local-action/post.ts
 * local-action imports the TypeScript entry and stubs @actions/core and @actions/github in it, so
 * this runs src/ (GitHub runs the bundle: scripts/lib/github-runner.ts does that here).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from '../emulator/server.js'
import { createBlueGreenTopology } from '../emulator/fixtures/topology.js'
import { setImage } from '../__tests__/helpers/emulator.js'
import { topologyOutputs, waitForEmulator } from './emulator-topology.js'

const ROOT = resolve(import.meta.dirname, '..')
const ENV_TEMPLATE = join(ROOT, 'scripts/local-action.env')
const LOCAL_ACTION = join(ROOT, 'node_modules/.bin/local-action')
const TIME_SCALE = 0.05

interface Release {
  name: string
  image: string
  behavior: 'healthy' | 'degrade'
  expect: string
}

/** The same two releases as the demo and the dogfood workflow. */
export const RELEASES: Release[] = [
  {
    name: 'good',
    image: 'registry.example.com/web:2.0.0',
    behavior: 'healthy',
    expect: 'promoted'
  },
  {
    name: 'bad',
    image: 'registry.example.com/web:3.0.0-rc1',
    behavior: 'degrade',
    expect: 'reverted'
  }
]

/** `KEY=VALUE` lines of a dotenv file (comments and blank lines skipped; no quoting needed here). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const at = trimmed.indexOf('=')
    if (at > 0) out[trimmed.slice(0, at)] = trimmed.slice(at + 1)
  }
  return out
}

/** The outputs local-action reports, from its `::set-output name=...::value` lines. */
export function parseSetOutputs(log: string): Record<string, string> {
  const out: Record<string, string> = {}
  // eslint-disable-next-line no-control-regex
  const plain = log.replace(/\x1b\[[0-9;]*m/g, '')
  for (const match of plain.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) {
    out[match[1]!] = match[2]!
  }
  return out
}

function runLocalAction(envFile: string): Promise<{ code: number | null; log: string }> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' }
    // the dotenv file is the only source of inputs, as on a runner
    for (const name of Object.keys(env)) if (name.startsWith('INPUT_')) delete env[name]
    const child = spawn(
      LOCAL_ACTION,
      [
        'run',
        '.',
        'scripts/local-action/main.ts',
        envFile,
        '--post',
        'scripts/local-action/post.ts'
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let log = ''
    const take = (chunk: Buffer): void => {
      log += chunk.toString('utf8')
      process.stdout.write(chunk)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, log }))
  })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      release: { type: 'string', default: 'both' }
    },
    strict: true
  })
  const releases = RELEASES.filter((r) => values.release === 'both' || values.release === r.name)
  if (releases.length === 0) throw new Error(`--release must be good, bad or both`)

  const emulator = values.endpoint
    ? undefined
    : await startEmulator({ port: 0, timeScale: TIME_SCALE })
  const endpoint = values.endpoint ?? emulator!.url
  const failures: string[] = []
  try {
    await waitForEmulator(endpoint)
    // a fresh emulator gets the names of scripts/local-action.env; a shared one, names of its own
    const prefix = emulator ? 'web' : `la${Date.now() % 100000}`
    const topology = await createBlueGreenTopology({ endpoint, prefix })
    const found = topologyOutputs(topology)
    console.log(`local-action: emulator ${endpoint}, listener ${found.listener}`)
    const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
    const template = parseDotenv(readFileSync(ENV_TEMPLATE, 'utf8'))

    for (const release of releases) {
      // the bad release passes its health checks at first, then fails them mid-rollout
      await setImage(endpoint, {
        image: release.image,
        behavior: release.behavior,
        afterSeconds: 90
      })
      const summary = join(dir, `summary-${release.name}.md`)
      writeFileSync(summary, '')
      const env = {
        ...template,
        AWS_ENDPOINT_URL: endpoint,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_WORKSPACE: ROOT,
        INPUT_CLUSTER: found.cluster!,
        INPUT_SERVICES: found.services!,
        INPUT_LISTENER: found.listener!,
        INPUT_IMAGE: release.image
      }
      const envFile = join(dir, `${release.name}.env`)
      writeFileSync(
        envFile,
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') + '\n'
      )
      console.log(`\n== local-action: the ${release.name} release ${release.image}`)
      const run = await runLocalAction(envFile)
      const outputs = parseSetOutputs(run.log)
      const verdict =
        run.code === 0 && outputs.result === release.expect
          ? 'as expected'
          : `expected result=${release.expect}`
      console.log(
        `== local-action ${release.name}: exit ${run.code}, result=${outputs.result ?? '(none)'}` +
          `${outputs.reason ? ` reason="${outputs.reason}"` : ''}, live=${outputs['live-service']}` +
          ` (${verdict}); summary ${summary}`
      )
      if (verdict !== 'as expected') failures.push(`${release.name}: ${verdict}`)
    }

    // as the dogfood workflow's last step: `status` reads the record the runs left
    if (releases.length === RELEASES.length) {
      const envFile = join(dir, 'status.env')
      const env = {
        ...template,
        AWS_ENDPOINT_URL: endpoint,
        GITHUB_STEP_SUMMARY: join(dir, 'summary-status.md'),
        GITHUB_WORKSPACE: ROOT,
        INPUT_COMMAND: 'status',
        INPUT_CLUSTER: found.cluster!,
        INPUT_SERVICES: found.services!,
        INPUT_LISTENER: found.listener!
      }
      writeFileSync(env.GITHUB_STEP_SUMMARY, '')
      writeFileSync(
        envFile,
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') + '\n'
      )
      console.log('\n== local-action: status')
      const run = await runLocalAction(envFile)
      const outputs = parseSetOutputs(run.log)
      const seen = `result=${outputs.result}, rollout-phase=${outputs['rollout-phase']}, live=${outputs['live-service']}`
      const ok =
        outputs.result === 'unchanged' &&
        outputs['rollout-phase'] === 'reverted' &&
        outputs['live-service'] === `${prefix}-green`
      console.log(
        `== local-action status: ${seen} (${ok ? 'as expected' : 'expected unchanged, reverted, green live'})`
      )
      if (!ok) failures.push(`status: ${seen}`)
    }
  } finally {
    await emulator?.stop()
  }
  if (failures.length > 0) {
    console.error(`local-action: ${failures.join('; ')}`)
    process.exit(1)
  }
  console.log(
    `local-action: ${releases.map((r) => `${r.name} ${r.expect}`).join(', ')}` +
      (releases.length === RELEASES.length ? ', status reverted' : '')
  )
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(`local-action: ${(error as Error).message ?? String(error)}`)
    process.exit(1)
  })
}
