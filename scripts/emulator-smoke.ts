/**
 * Talks to a running emulator with nothing but the AWS SDK clients: builds the blue/green
 * topology and times how long the blue tasks take to be healthy in their target group.
 *
 *   npm run emulator -- --port 4599 --time-scale 0.05
 *   AWS_ENDPOINT_URL=http://127.0.0.1:4599 npx tsx scripts/emulator-smoke.ts
 */
import { createBlueGreenTopology, waitForHealthy } from '../emulator/fixtures/topology.js'

const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4599'
const started = Date.now()
const topology = await createBlueGreenTopology({ endpoint, waitForBlue: false })
const healthy = await waitForHealthy(endpoint, topology.targetGroups.blue, 2, 10_000)
console.log(
  `${healthy.length} tasks healthy in ${topology.targetGroups.blue} ` +
    `${Date.now() - started} ms after the first call`
)
