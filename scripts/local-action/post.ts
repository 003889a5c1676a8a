/** The `post:` step's entry for `@github/local-action` (`--post`): the state the main step saved. */
import { run as runAction } from '../../src/main.js'

export async function run(): Promise<void> {
  await runAction(true)
}
