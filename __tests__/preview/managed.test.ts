/**
 * A preview of a service that ECS deploys itself (BLUE_GREEN): a per-PR service cloned from it
 * with the ROLLING strategy and no alternate target group, on its own host rule of the production
 * listener; the service itself, its rules and its deployments are left alone; and
 * preview-destroy takes it all away.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { ListServiceDeploymentsCommand } from '@aws-sdk/client-ecs'
import {
  createManagedTopology,
  type ManagedTopology
} from '../../emulator/fixtures/managed-topology.js'
import { runPreview, runPreviewDestroy } from '../../src/preview/command.js'
import { listenerRules, service, serviceNames } from './aws-state.js'
import { depsFor, HOST, pullRequest, settingsFor, startHarness, type Harness } from './harness.js'

let h: Harness
let t: ManagedTopology

beforeAll(async () => {
  h = await startHarness()
  t = await createManagedTopology({
    endpoint: h.emulator.url,
    prefix: 'pvm',
    strategy: 'BLUE_GREEN',
    desiredCount: 1
  })
}, 60_000)

afterAll(async () => {
  await h.stop()
})

function inputs(command: string): Record<string, string> {
  return {
    command,
    cluster: t.cluster,
    services: t.service,
    listener: t.productionListenerArn,
    image: 'registry.example.com/app:pr-3',
    'preview-host': HOST,
    timeout: '20s',
    'poll-interval': '100ms'
  }
}

async function deploymentsOf(name: string): Promise<number> {
  const out = await h.ecs.send(
    new ListServiceDeploymentsCommand({ cluster: t.cluster, service: name })
  )
  return out.serviceDeployments?.length ?? 0
}

it('clones the service as a ROLLING one of its own, and destroys it again', async () => {
  const pr = pullRequest(3)
  const before = await service(h, t.cluster, t.service)
  const deploymentsBefore = await deploymentsOf(t.service)

  const outcome = await runPreview(settingsFor(inputs('preview')), depsFor(h, { pullRequest: pr }))
  expect(outcome.result).toBe('created')
  expect(outcome.previewUrl).toBe('http://pr-3.preview.example.com/')

  const created = await service(h, t.cluster, outcome.service!)
  expect(created!.runningCount).toBe(1)
  expect(created!.deploymentConfiguration?.strategy ?? 'ROLLING').toBe('ROLLING')
  expect(created!.loadBalancers).toHaveLength(1)
  expect(created!.loadBalancers![0]).not.toHaveProperty('advancedConfiguration')
  const hostRule = (await listenerRules(h, t.productionListenerArn)).find((r) =>
    r.hosts.includes('pr-3.preview.example.com')
  )
  expect(hostRule?.targetGroups).toEqual([created!.loadBalancers![0]!.targetGroupArn])

  // the service ECS deploys is as it was: same revision, strategy and no new deployment
  const after = await service(h, t.cluster, t.service)
  expect(after!.taskDefinition).toBe(before!.taskDefinition)
  expect(after!.deploymentConfiguration?.strategy).toBe('BLUE_GREEN')
  expect(await deploymentsOf(t.service)).toBe(deploymentsBefore)

  const destroyed = await runPreviewDestroy(
    settingsFor(inputs('preview-destroy')),
    depsFor(h, { pullRequest: pr })
  )
  expect(destroyed.result).toBe('destroyed')
  expect(await serviceNames(h, t.cluster)).not.toContain(outcome.service)
  const left = await listenerRules(h, t.productionListenerArn)
  expect(left.some((r) => r.hosts.includes('pr-3.preview.example.com'))).toBe(false)
}, 60_000)
