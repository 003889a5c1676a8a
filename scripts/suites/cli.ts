/**
 * Runs a suite at a size of your choosing against an emulator of its own, prints its counts and
 * `violations: N` (what the emulator's safety watch recorded at any instant, GET
 * /_emulator/violations), and exits non-zero when anything went wrong, a violation included:
 *
 *   npx tsx scripts/suites/cli.ts faults --rollouts 40 --seed 7 [--share 0.12]
 *   npx tsx scripts/suites/cli.ts rate-limits --rollouts 20
 *   npx tsx scripts/suites/cli.ts kill --trials 30 --seed 3
 */
import { parseArgs } from 'node:util'
import { startEmulator } from '../../emulator/server.js'
import { violations } from '../../__tests__/helpers/emulator.js'
import { runFaultSuite } from './faults.js'
import { runKillSuite } from './kill.js'
import { REALISTIC, runRateLimitSuite } from './rate-limits.js'
import { suiteFailed, type SuiteReport } from './report.js'
import { formatViolations } from './violations.js'

const USAGE = `usage: tsx scripts/suites/cli.ts <faults|rate-limits|kill> [--rollouts N] [--trials N] [--seed N] [--concurrency N] [--share 0.12] [--step-wait 30s]

  faults       rollouts at once while a share of the action's AWS calls fail (default 40)
  rate-limits  rollouts at once against AWS's documented request rate limits (default 20),
               each 3 steps of --step-wait bakes (default 30s) at the default poll-interval
  kill         SIGKILL the action at seeded points, then the post step and/or the next
               command; every trial must end safe (default 30 trials)`

interface Args {
  rollouts?: number
  trials?: number
  seed: number
  concurrency?: number
  share?: number
  stepWait?: string
}

type Suite = (url: string, args: Args, log: (line: string) => void) => Promise<SuiteReport>

const SUITES: Record<string, Suite> = {
  faults: (url, args, log) =>
    runFaultSuite({
      url,
      rollouts: args.rollouts ?? 40,
      seed: args.seed,
      concurrency: args.concurrency,
      share: args.share,
      log
    }),
  'rate-limits': (url, args, log) =>
    runRateLimitSuite({
      url,
      rollouts: args.rollouts ?? 20,
      seed: args.seed,
      log,
      ...(args.stepWait ? { extra: { ...REALISTIC, 'step-wait': args.stepWait } } : {})
    }),
  kill: (url, args, log) =>
    runKillSuite({
      url,
      trials: args.trials ?? 30,
      seed: args.seed,
      concurrency: args.concurrency,
      log
    })
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    fail(`--${name} must be a whole number of at least 1, got ${value}`)
  return n
}

function share(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!(n >= 0 && n < 1)) fail(`--share must be a number from 0 to below 1, got ${value}`)
  return n
}

function stepWait(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!/^\d+(s|m)$/.test(value))
    fail(`--step-wait must be a duration such as 30s or 2m, got ${value}`)
  return value
}

let parsed
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      rollouts: { type: 'string' },
      trials: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      share: { type: 'string' },
      'step-wait': { type: 'string' }
    }
  })
} catch (error) {
  fail((error as Error).message)
}
const [name] = parsed.positionals
const suite = name === undefined ? undefined : SUITES[name]
if (!suite)
  fail(`no suite ${JSON.stringify(name ?? '')}; choose one of ${Object.keys(SUITES).join(', ')}`)

const emulator = await startEmulator({ port: 0, timeScale: 0.05 })
let failed = true
try {
  const report = await suite(
    emulator.url,
    {
      rollouts: number(parsed.values.rollouts, 'rollouts'),
      trials: number(parsed.values.trials, 'trials'),
      seed: number(parsed.values.seed, 'seed') ?? 1,
      concurrency: number(parsed.values.concurrency, 'concurrency'),
      share: share(parsed.values.share),
      stepWait: stepWait(parsed.values['step-wait'])
    },
    (line) => console.log(line)
  )
  // the suite printed its own; this emulator is the suite's alone, so every violation is its
  const all = await violations(emulator.url)
  if (all.length !== report.violations.length) {
    console.log(`every caller's ${formatViolations(all)}`)
  }
  failed = suiteFailed(report) || all.length > 0
  if (failed) {
    console.error(
      `${report.suite}: FAILED with ${report.problems.length} problems and ${all.length} violations`
    )
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
} finally {
  await emulator.stop()
}
process.exit(failed ? 1 : 0)
