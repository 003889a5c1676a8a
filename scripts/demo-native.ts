/**
 * The demo of a service that ECS deploys itself: a LINEAR service (25% a step) with a PAUSE hook
 * after its test traffic shift, built through the AWS SDK on a running emulator, then the bundled
 * action run as GitHub would: deploy (ends paused at the hook), status, promote (ECS shifts the
 * rest, step by step). Prints the action's log, the stage and result of each run, and where the
 * job summaries are.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { continueFirstDeployment } from '../emulator/fixtures/managed-first-deployment.js'
import { createManagedTopology } from '../emulator/fixtures/managed-topology.js'
import { runAction, type ActionRun } from './lib/github-runner.js'
import { logViewer } from './lib/log-view.js'

export async function nativeDemo(
  emulatorUrl: string,
  say: (text: string) => void,
  outDir: string
): Promise<void> {
  mkdirSync(outDir, { recursive: true })
  const topology = await createManagedTopology({
    endpoint: emulatorUrl,
    prefix: 'native',
    image: 'registry.example.com/native:1.0.0',
    strategy: 'LINEAR',
    deploymentConfiguration: {
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' }
        }
      ]
    },
    waitForService: false
  })
  // the service's own first deployment stops at the hook too: its owner lets it through
  await continueFirstDeployment({
    endpoint: emulatorUrl,
    cluster: topology.cluster,
    service: topology.service
  })
  say(
    `Topology: cluster ${topology.cluster}, one service ${topology.service} that ECS deploys ` +
      'itself (LINEAR, 25% a step, 1 simulated minute apart), a PAUSE hook at ' +
      'POST_TEST_TRAFFIC_SHIFT, a production and a test listener rule'
  )

  const inputs = {
    cluster: topology.cluster,
    services: topology.service,
    listener: topology.productionRuleArn,
    'poll-interval': '500ms',
    timeout: '10m'
  }
  const step = async (
    name: string,
    extra: Record<string, string>,
    explain: string
  ): Promise<ActionRun> => {
    say(explain)
    const run = await runAction(
      { ...inputs, ...extra },
      { endpoint: emulatorUrl, onOutput: logViewer((text) => process.stdout.write(text)) }
    )
    const summary = resolve(outDir, `summary-native-${name}.md`)
    copyFileSync(run.summaryPath, summary)
    const o = run.outputs
    say(
      `result=${o.result ?? ''} exit=${run.exitCode}` +
        (o['lifecycle-stage'] ? ` stage=${o['lifecycle-stage']}` : '') +
        (o.reason ? ` reason="${o.reason}"` : '') +
        (o['paused-hook']
          ? `\n   paused at hook ${o['paused-hook']} until ${o['paused-hook-expires-at'] ?? '?'}`
          : '') +
        (o['task-definition-arn'] ? `\n   revision=${o['task-definition-arn']}` : '') +
        (o['previous-task-definition-arn']
          ? ` previous=${o['previous-task-definition-arn']}`
          : '') +
        `\n   job summary: ${summary}`
    )
    return run
  }

  const image = 'registry.example.com/native:2.0.0'
  const deploy = await step(
    'deploy',
    { command: 'deploy', image },
    `Deploying ${image}: ECS starts the new tasks, shifts test traffic, then waits at the hook`
  )
  if (deploy.outputs.result !== 'paused') {
    throw new Error(`the deploy ended ${deploy.outputs.result ?? 'without a result'}, not paused`)
  }
  await step('status', { command: 'status' }, 'Status: what ECS is doing now (reads only)')
  const promote = await step(
    'promote',
    { command: 'promote' },
    'Promoting: ContinueServiceDeployment CONTINUE; ECS shifts production traffic 25% at a time'
  )
  if (promote.outputs.result !== 'promoted') {
    throw new Error(`the promote ended ${promote.outputs.result ?? 'without a result'}`)
  }
}
