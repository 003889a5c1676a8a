/**
 * The demo on ECS on EC2: a cluster of two container instances, a bridge-mode pair with dynamic
 * host ports on `instance` target groups, and the bundled action (dist/index.js) run as GitHub
 * runs it for a good release (promoted) and a bad one (reverted). After each run it prints where
 * each task of both sides runs (instance and host port) as the target groups see them.
 *
 * `scripts/demo.ts` calls ec2Demo with its emulator for `npm run demo -- --launch-type ec2`; run
 * alone (`tsx scripts/demo-ec2.ts`) it starts an emulator of its own.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand
} from '@aws-sdk/client-ecs'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { startEmulator } from '../emulator/server.js'
import { createEc2BlueGreenTopology, type Ec2Topology } from '../emulator/fixtures/ec2-topology.js'
import { clientConfig, setImage } from '../__tests__/helpers/emulator.js'
import { runAction } from './lib/github-runner.js'
import { logViewer } from './lib/log-view.js'

const TIME_SCALE = 0.05

/**
 * Builds the EC2 pair on the emulator at `emulatorUrl`, deploys a good and a bad release with the
 * bundled action, and writes each run's job summary to `outDir` (summary-ec2-good.md,
 * summary-ec2-bad.md). `say` prints a headline; the action's log goes to stdout.
 */
export async function ec2Demo(
  emulatorUrl: string,
  say: (text: string) => void,
  outDir: string
): Promise<void> {
  mkdirSync(outDir, { recursive: true })
  const topology = await createEc2BlueGreenTopology({
    endpoint: emulatorUrl,
    prefix: 'web-ec2',
    image: 'registry.example.com/web:1.0.0',
    desiredCount: 2,
    instances: 2
  })
  say(
    `Topology on EC2: cluster ${topology.cluster} with container instances ` +
      `${topology.instanceIds.join(', ')}; bridge-mode services ${topology.services.blue} ` +
      `(live, 100%) and ${topology.services.green} (idle, 0%) on instance target groups, ` +
      `each task on a dynamic host port`
  )
  say(`Where the tasks run\n${await placementWords(emulatorUrl, topology)}`)

  const inputs = {
    cluster: topology.cluster,
    services: `${topology.services.blue},${topology.services.green}`,
    listener: topology.routeArn,
    'traffic-steps': '10,50,100',
    'step-wait': '3s',
    'poll-interval': '500ms',
    // instances may have to be added before the new side fits: EC2 gets a longer timeout
    timeout: '10m',
    'scale-down-delay': '2s'
  }
  const releases = [
    { name: 'good', image: 'registry.example.com/web:2.0.0', behavior: 'healthy' as const },
    { name: 'bad', image: 'registry.example.com/web:3.0.0-rc1', behavior: 'degrade' as const }
  ]
  for (const release of releases) {
    // the bad release passes its health checks at first, then starts failing them mid-rollout
    await setImage(emulatorUrl, {
      image: release.image,
      behavior: release.behavior,
      afterSeconds: 90
    })
    say(`Deploying the ${release.name} release ${release.image} (${release.behavior}) on EC2`)
    const run = await runAction(
      { ...inputs, image: release.image },
      { endpoint: emulatorUrl, onOutput: logViewer((text) => process.stdout.write(text)) }
    )
    const summary = resolve(outDir, `summary-ec2-${release.name}.md`)
    copyFileSync(run.summaryPath, summary)
    say(
      `result=${run.outputs.result} exit=${run.exitCode}` +
        (run.outputs.reason ? ` reason="${run.outputs.reason}"` : '') +
        `\n   live=${run.outputs['live-service']} revision=${run.outputs['task-definition-arn']}` +
        `\n   job summary: ${summary}`
    )
    say(`Where the tasks run\n${await placementWords(emulatorUrl, topology)}`)
  }
}

/**
 * Each side's running tasks, one line each: the EC2 instance, the host port Docker published the
 * container port on, the revision, and the health of the `instance:port` target.
 */
async function placementWords(url: string, topology: Ec2Topology): Promise<string> {
  const ecs = new ECSClient(clientConfig(url))
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url))
  try {
    const lines: string[] = []
    for (const side of ['blue', 'green'] as const) {
      const service = topology.services[side]
      const arns =
        (await ecs.send(new ListTasksCommand({ cluster: topology.cluster, serviceName: service })))
          .taskArns ?? []
      if (arns.length === 0) {
        lines.push(`   ${service}: no tasks`)
        continue
      }
      const tasks =
        (await ecs.send(new DescribeTasksCommand({ cluster: topology.cluster, tasks: arns })))
          .tasks ?? []
      const instanceArns = [...new Set(tasks.map((task) => task.containerInstanceArn ?? ''))]
      const instances =
        (
          await ecs.send(
            new DescribeContainerInstancesCommand({
              cluster: topology.cluster,
              containerInstances: instanceArns.filter(Boolean)
            })
          )
        ).containerInstances ?? []
      const ec2Id = new Map(instances.map((i) => [i.containerInstanceArn, i.ec2InstanceId]))
      const health =
        (
          await elb.send(
            new DescribeTargetHealthCommand({ TargetGroupArn: topology.targetGroups[side] })
          )
        ).TargetHealthDescriptions ?? []
      lines.push(`   ${service} (${tasks.length} tasks):`)
      for (const task of tasks) {
        const instance = ec2Id.get(task.containerInstanceArn) ?? '?'
        const port = task.containers?.[0]?.networkBindings?.[0]?.hostPort
        const state = health.find((h) => h.Target?.Id === instance && h.Target?.Port === port)
          ?.TargetHealth?.State
        const revision = task.taskDefinitionArn?.split('/').at(-1) ?? '?'
        lines.push(
          `     ${instance}:${port ?? '?'}  ${revision}  ${task.lastStatus}  target ${state ?? 'not registered'}`
        )
      }
    }
    return lines.join('\n')
  } finally {
    ecs.destroy()
    elb.destroy()
  }
}

// run alone: an emulator of its own
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const emulator = await startEmulator({ port: 0, timeScale: TIME_SCALE })
  try {
    const say = (text: string): void => console.log(`\n\x1b[1m== ${text}\x1b[0m`)
    say(`Emulator listening on ${emulator.url}, simulated time x${1 / TIME_SCALE}`)
    await ec2Demo(emulator.url, say, resolve(import.meta.dirname, '../.demo'))
  } finally {
    await emulator.stop()
  }
}
