/**
 * The main job on the built-in emulator: starts it, builds a blue/green topology through the
 * AWS SDK, and runs the bundled action (dist/index.js) as GitHub would, for a good release
 * (promoted) and a bad one (reverted). Prints the action's log and where its summaries are.
 */
import { mkdirSync, copyFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { startEmulator } from '../emulator/server.js'
import { createBlueGreenTopology } from '../emulator/fixtures/topology.js'
import { setImage } from '../__tests__/helpers/emulator.js'
import { runAction } from './lib/github-runner.js'
import { logViewer } from './lib/log-view.js'

const TIME_SCALE = 0.05
const outDir = resolve(import.meta.dirname, '../.demo')
mkdirSync(outDir, { recursive: true })

const say = (text: string): void => console.log(`\n\x1b[1m== ${text}\x1b[0m`)

const emulator = await startEmulator({ port: 0, timeScale: TIME_SCALE })
try {
  say(`Emulator (ECS + ELBv2) listening on ${emulator.url}, simulated time x${1 / TIME_SCALE}`)
  const topology = await createBlueGreenTopology({
    endpoint: emulator.url,
    prefix: 'web',
    image: 'registry.example.com/web:1.0.0',
    desiredCount: 2
  })
  say(
    `Topology: cluster ${topology.cluster}, services ${topology.services.blue} (live, 100%) and ` +
      `${topology.services.green} (idle, 0%)`
  )

  const inputs = {
    cluster: topology.cluster,
    services: `${topology.services.blue},${topology.services.green}`,
    listener: topology.routeArn,
    'traffic-steps': '10,50,100',
    'step-wait': '3s',
    'poll-interval': '500ms',
    timeout: '5m',
    'scale-down-delay': '2s'
  }

  const releases = [
    { name: 'good', image: 'registry.example.com/web:2.0.0', behavior: 'healthy' as const },
    { name: 'bad', image: 'registry.example.com/web:3.0.0-rc1', behavior: 'degrade' as const }
  ]
  for (const release of releases) {
    // the bad release passes its health checks at first, then starts failing them mid-rollout
    await setImage(emulator.url, {
      image: release.image,
      behavior: release.behavior,
      afterSeconds: 90
    })
    say(`Deploying the ${release.name} release ${release.image} (${release.behavior})`)
    const run = await runAction(
      { ...inputs, image: release.image },
      { endpoint: emulator.url, onOutput: logViewer((text) => process.stdout.write(text)) }
    )
    const summary = resolve(outDir, `summary-${release.name}.md`)
    copyFileSync(run.summaryPath, summary)
    say(
      `result=${run.outputs.result} exit=${run.exitCode}` +
        (run.outputs.reason ? ` reason="${run.outputs.reason}"` : '') +
        `\n   live=${run.outputs['live-service']} revision=${run.outputs['task-definition-arn']}` +
        `\n   job summary: ${summary}`
    )
  }
} finally {
  await emulator.stop()
}
