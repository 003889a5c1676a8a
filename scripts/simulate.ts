/**
 * Runs the interleavings property of __tests__/simulation many times: `npm run simulate --
 * --runs 100000 --seed 42 [--all-faults]`. Prints how many schedules were checked, the
 * violations found, and how to reproduce a failure (seed and path).
 */
import fc from 'fast-check'
import { interleavings } from '../__tests__/simulation/property.js'

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? process.argv[at + 1] : undefined
}

const runs = Number(option('runs') ?? 100_000)
const seed = Number(option('seed') ?? Date.now() % 2 ** 31)
const allFaults = process.argv.includes('--all-faults')
let checked = 0
let calls = 0
const started = Date.now()
const result = await fc.check(
  interleavings({
    allFaults,
    onChecked: (checkedResult) => {
      checked++
      calls += checkedResult.calls
      if (checked % 5000 === 0) {
        process.stderr.write(
          `  ${checked} interleavings, ${Math.round((Date.now() - started) / 1000)}s\n`
        )
      }
    }
  }),
  { numRuns: runs, seed, endOnFailure: !option('shrink') }
)
const seconds = ((Date.now() - started) / 1000).toFixed(1)
console.log(
  `seed ${seed}${allFaults ? ' (all faults)' : ''}: ${checked} interleavings checked ` +
    `(${calls} AWS calls) in ${seconds}s; violations found: ${result.failed ? 1 : 0}`
)
if (result.failed) {
  console.log(`reproduce: npm run simulate -- --runs ${runs} --seed ${result.seed}`)
  console.log(`path: ${result.counterexamplePath ?? ''}`)
  console.log(`counterexample: ${JSON.stringify(result.counterexample)}`)
  console.log(String(result.errorInstance))
  process.exitCode = 1
}
