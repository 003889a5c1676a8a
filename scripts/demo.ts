/**
 * The main job on the built-in emulator: starts it, builds a blue/green topology through the
 * AWS SDK, and runs the bundled action (dist/index.js) as GitHub would, for a good release
 * (promoted) and a bad one (reverted). Prints the action's log and where its summaries are.
 *
 * `npm run demo -- --launch-type ec2`: the same on an EC2 pair (bridge mode, dynamic host ports,
 * instance target groups). `npm run demo -- --native`: a service that ECS itself deploys (LINEAR
 * with a PAUSE hook), paused by the action and then promoted.
 */
import { mkdirSync, copyFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator } from '../emulator/server.js'
import { createBlueGreenTopology } from '../emulator/fixtures/topology.js'
import { setImage } from '../__tests__/helpers/emulator.js'
import { ec2Demo } from './demo-ec2.js'
import { nativeDemo } from './demo-native.js'
import { runAction } from './lib/github-runner.js'
import { logViewer } from './lib/log-view.js'

const USAGE = `usage: npm run demo -- [--launch-type fargate|ec2] [--native]

  --launch-type  fargate (default): a Fargate pair; ec2: a pair of bridge-mode services on
                 EC2 container instances, behind instance target groups
  --native       a service that ECS deploys itself (LINEAR, with a PAUSE hook): the action
                 follows it, pauses, then promotes`

function options(): { launchType: 'fargate' | 'ec2'; native: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        'launch-type': { type: 'string', default: 'fargate' },
        native: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true
    })
    if (values.help) {
      console.log(USAGE)
      process.exit(0)
    }
    const launchType = values['launch-type'].toLowerCase()
    if (launchType !== 'fargate' && launchType !== 'ec2') {
      throw new Error(`--launch-type must be fargate or ec2, not '${values['launch-type']}'`)
    }
    return { launchType, native: values.native }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`)
    process.exit(2)
  }
}

const TIME_SCALE = 0.05
const outDir = resolve(import.meta.dirname, '../.demo')
mkdirSync(outDir, { recursive: true })

const say = (text: string): void => console.log(`\n\x1b[1m== ${text}\x1b[0m`)

async function fargateDemo(url: string): Promise<void> {
  const topology = await createBlueGreenTopology({
    endpoint: url,
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
    await setImage(url, {
      image: release.image,
      behavior: release.behavior,
      afterSeconds: 90
    })
    say(`Deploying the ${release.name} release ${release.image} (${release.behavior})`)
    const run = await runAction(
      { ...inputs, image: release.image },
      { endpoint: url, onOutput: logViewer((text) => process.stdout.write(text)) }
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
}

const chosen = options()
const emulator = await startEmulator({ port: 0, timeScale: TIME_SCALE })
try {
  say(`Emulator (ECS + ELBv2) listening on ${emulator.url}, simulated time x${1 / TIME_SCALE}`)
  if (chosen.native) await nativeDemo(emulator.url, say, outDir)
  else if (chosen.launchType === 'ec2') await ec2Demo(emulator.url, say, outDir)
  else await fargateDemo(emulator.url)
} finally {
  await emulator.stop()
}
