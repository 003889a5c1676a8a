// step.js first: it marks the main step before anything heavy loads
import { isPostStep } from './step.js'
import { run } from './main.js'

await run(isPostStep)
