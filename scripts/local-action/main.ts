/**
 * The main step's entry for `@github/local-action`, which imports a module and calls its exported
 * `run()` (src/index.ts runs on import, as GitHub runs dist/index.js). local-action stubs
 * @actions/core and @actions/github in the source, so this runs src/, not the bundle.
 */
import { run as runAction } from '../../src/main.js'

export async function run(): Promise<void> {
  await runAction(false)
}
