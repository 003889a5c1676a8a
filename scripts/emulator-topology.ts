/**
 * `npm run emulator:topology -- [--endpoint URL] [--prefix web] [--image IMAGE] [--count 2]`:
 * builds a blue/green pair on a running emulator (the demo's: cluster, ALB, two target groups,
 * a listener forwarding blue=100/green=0, two Fargate services) and prints what the action's
 * inputs need as `name=value` lines. In a workflow the lines are also appended to
 * $GITHUB_OUTPUT, so later steps read `steps.<id>.outputs.listener`. Waits up to 30 s for
 * the emulator to answer first, so it can follow `npm run emulator &` directly.
 */
import { appendFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createBlueGreenTopology, type Topology } from '../emulator/fixtures/topology.js'

const USAGE = `usage: npm run emulator:topology -- [--endpoint URL] [--prefix web] [--image IMAGE] [--count 2]

  --endpoint  the emulator's URL (default: $AWS_ENDPOINT_URL, else http://127.0.0.1:4599)
  --prefix    names the cluster, services and family (default web)
  --image     the image blue runs at first (default registry.example.com/web:1.0.0)
  --count     blue's desired count (default 2)`

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}

/** The `name=value` lines a workflow step writes to $GITHUB_OUTPUT. */
export function topologyOutputs(topology: Topology): Record<string, string> {
  return {
    cluster: topology.cluster,
    services: `${topology.services.blue},${topology.services.green}`,
    listener: topology.routeArn,
    'blue-service': topology.services.blue,
    'green-service': topology.services.green,
    'blue-target-group': topology.targetGroups.blue,
    'green-target-group': topology.targetGroups.green,
    'task-definition-arn': topology.taskDefinitionArn,
    'dns-name': topology.dnsName
  }
}

/** Resolves once anything answers on the emulator's control API, or fails after `timeoutMs`. */
export async function waitForEmulator(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('/_emulator/config', endpoint))
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`the emulator at ${endpoint} did not answer within ${timeoutMs} ms (${last})`)
}

async function main(): Promise<void> {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        endpoint: { type: 'string' },
        prefix: { type: 'string', default: 'web' },
        image: { type: 'string', default: 'registry.example.com/web:1.0.0' },
        count: { type: 'string', default: '2' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true
    }))
  } catch (error) {
    fail((error as Error).message)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const desiredCount = Number(values.count)
  if (!Number.isInteger(desiredCount) || desiredCount < 1 || desiredCount > 20) {
    fail(`--count must be an integer from 1 to 20, got ${values.count}`)
  }
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4599'
  await waitForEmulator(endpoint)
  const topology = await createBlueGreenTopology({
    endpoint,
    prefix: values.prefix,
    image: values.image,
    desiredCount
  })
  const lines = Object.entries(topologyOutputs(topology)).map(([name, value]) => `${name}=${value}`)
  process.stdout.write(`${lines.join('\n')}\n`)
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join('\n')}\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    process.stderr.write(`emulator:topology: ${(error as Error).message ?? String(error)}\n`)
    process.exit(1)
  })
}
