import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  DeleteRuleCommand,
  DescribeListenersCommand,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { CreateServiceCommand } from '@aws-sdk/client-ecs'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { previewEnvironment, previewNames } from '../../src/preview/names.js'
import { runPreview, runPreviewDestroy, runPreviewGc } from '../../src/preview/command.js'
import { calls, clearCalls } from '../helpers/emulator.js'
import { activeRevisions, listenerRules, service, serviceNames, targetGroup } from './aws-state.js'
import {
  depsFor,
  freshPair,
  previewInputs,
  pullRequest,
  settingsFor,
  startHarness,
  type Harness
} from './harness.js'

let h: Harness

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await h.stop()
})

function placeInputs(t: Topology, command: string): Record<string, string> {
  return {
    command,
    cluster: t.cluster,
    services: `${t.services.blue},${t.services.green}`,
    listener: t.routeArn,
    timeout: '20s',
    'poll-interval': '100ms'
  }
}

async function preview(t: Topology, pr: number) {
  const outcome = await runPreview(
    settingsFor(previewInputs(t)),
    depsFor(h, { pullRequest: pullRequest(pr) })
  )
  expect(outcome.result).toBe('created')
  const rule = (await listenerRules(h, t.listenerArn)).find(
    (r) => r.hosts[0] === `pr-${pr}.preview.example.com`
  )
  return { ...outcome, targetGroupArn: rule!.targetGroups[0]! }
}

/** The requests that changed something on GitHub. */
const githubWrites = () => h.github.requests.filter((r) => r.method !== 'GET')

describe('command: preview-destroy', () => {
  it('removes the rule, the service, the target group and the revisions, and nothing else', async () => {
    const t = await freshPair(h)
    const made = await preview(t, 20)
    const otherPr = await preview(t, 21)
    await clearCalls(h.emulator.url)

    const outcome = await runPreviewDestroy(
      settingsFor(placeInputs(t, 'preview-destroy')),
      depsFor(h, { pullRequest: pullRequest(20) })
    )

    expect(outcome.result).toBe('destroyed')
    const rules = await listenerRules(h, t.listenerArn)
    expect(rules.map((r) => r.hosts[0])).toEqual(['pr-21.preview.example.com'])
    expect((await service(h, t.cluster, made.service!))!.status).not.toBe('ACTIVE')
    expect(await targetGroup(h, made.targetGroupArn)).toBeUndefined()
    expect(await activeRevisions(h, made.service!)).toEqual([])
    // the other PR's preview and production are as they were
    expect((await service(h, t.cluster, otherPr.service!))!.status).toBe('ACTIVE')
    expect(await targetGroup(h, otherPr.targetGroupArn)).toBeDefined()
    const blue = await service(h, t.cluster, t.services.blue)
    expect(blue!.desiredCount).toBe(2)
    const listener = await h.elb.send(
      new DescribeListenersCommand({ ListenerArns: [t.listenerArn] })
    )
    expect(listener.Listeners![0]!.DefaultActions![0]!.ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: t.targetGroups.blue, Weight: 100 },
      { TargetGroupArn: t.targetGroups.green, Weight: 0 }
    ])

    // traffic stops first; the service goes last, so a run that dies halfway leaves it for gc
    const order = (await calls(h.emulator.url, { mutating: true })).map((c) => c.operation)
    expect(order[0]).toBe('DeleteRule')
    expect(order.at(-1)).toBe('DeleteService')
    expect(order.indexOf('UpdateService')).toBeLessThan(order.indexOf('DeleteTargetGroup'))

    expect(h.github.commentsOn(20)).toHaveLength(1)
    expect(h.github.commentsOn(20)[0]!.body).toContain('Removed')
    for (const deployment of h.github.deploymentsOf('pr-20')) {
      expect(deployment.statuses.at(-1)!.state).toBe('inactive')
    }
    expect(h.github.deploymentsOf('pr-21')[0]!.statuses.at(-1)!.state).toBe('success')
  })

  it('succeeds without changing anything when run a second time', async () => {
    const t = await freshPair(h)
    await preview(t, 22)
    const settings = settingsFor(placeInputs(t, 'preview-destroy'))
    const first = await runPreviewDestroy(settings, depsFor(h, { pullRequest: pullRequest(22) }))
    expect(first.result).toBe('destroyed')
    await clearCalls(h.emulator.url)
    const writes = githubWrites().length

    const second = await runPreviewDestroy(settings, depsFor(h, { pullRequest: pullRequest(22) }))
    expect(second.result).toBe('unchanged')
    expect(await calls(h.emulator.url, { mutating: true })).toEqual([])
    expect(githubWrites()).toHaveLength(writes)
  })

  it('finds the preview again after a deploy made the other side live', async () => {
    const t = await freshPair(h)
    const made = await preview(t, 24)
    await h.elb.send(
      new ModifyListenerCommand({
        ListenerArn: t.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: t.targetGroups.blue, Weight: 0 },
                { TargetGroupArn: t.targetGroups.green, Weight: 100 }
              ]
            }
          }
        ]
      })
    )
    const outcome = await runPreviewDestroy(
      settingsFor(placeInputs(t, 'preview-destroy')),
      depsFor(h, { pullRequest: pullRequest(24) })
    )
    expect(outcome.result).toBe('destroyed')
    expect(await targetGroup(h, made.targetGroupArn)).toBeUndefined()
  })

  it('comes back on reopen after a destroy, under the same names', async () => {
    const t = await freshPair(h)
    const first = await preview(t, 23)
    await runPreviewDestroy(
      settingsFor(placeInputs(t, 'preview-destroy')),
      depsFor(h, { pullRequest: pullRequest(23) })
    )
    const again = await preview(t, 23)
    expect(again.service).toBe(first.service)
    expect((await service(h, t.cluster, again.service!))!.status).toBe('ACTIVE')
  })
})

describe('what is not a preview', () => {
  it('is never changed, even when it has the name a preview would have', async () => {
    const t = await freshPair(h)
    const names = previewNames(previewEnvironment(settingsFor(previewInputs(t))), 25)
    const blue = await service(h, t.cluster, t.services.blue)
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: t.cluster,
        serviceName: names.service,
        taskDefinition: t.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: blue!.networkConfiguration
      })
    )
    await clearCalls(h.emulator.url)
    const deps = () => depsFor(h, { pullRequest: pullRequest(25) })

    await expect(
      runPreviewDestroy(settingsFor(placeInputs(t, 'preview-destroy')), deps())
    ).rejects.toThrow(/is not this pull request's preview .*it was left alone/)
    await expect(runPreview(settingsFor(previewInputs(t)), deps())).rejects.toThrow(
      /is not this pull request's preview/
    )
    expect(await calls(h.emulator.url, { mutating: true })).toEqual([])
    expect((await service(h, t.cluster, names.service))!.desiredCount).toBe(1)
  })
})

describe('command: preview-gc', () => {
  it('removes the previews of closed PRs, also one whose rule is already gone', async () => {
    const t = await freshPair(h)
    const closed = await preview(t, 30)
    const open = await preview(t, 31)
    const halfRemoved = await preview(t, 32)
    const rules = await listenerRules(h, t.listenerArn)
    const rule32 = rules.find((r) => r.hosts[0] === 'pr-32.preview.example.com')!
    await h.elb.send(new DeleteRuleCommand({ RuleArn: rule32.arn }))
    h.github.openPulls.clear()
    h.github.openPulls.add(31)

    const outcome = await runPreviewGc(settingsFor(placeInputs(t, 'preview-gc')), depsFor(h))

    expect(outcome.result).toBe('destroyed')
    expect(outcome.removedPrs).toEqual([30, 32])
    const names = await serviceNames(h, t.cluster)
    const active = async (name: string) => (await service(h, t.cluster, name))!.status === 'ACTIVE'
    expect(names).toContain(open.service)
    expect(await active(open.service!)).toBe(true)
    expect(await active(closed.service!)).toBe(false)
    expect(await active(halfRemoved.service!)).toBe(false)
    expect(await targetGroup(h, halfRemoved.targetGroupArn)).toBeUndefined()
    expect((await listenerRules(h, t.listenerArn)).map((r) => r.hosts[0])).toEqual([
      'pr-31.preview.example.com'
    ])
    expect(h.github.commentsOn(30)[0]!.body).toContain('Removed')
    expect(h.github.commentsOn(31)[0]!.body).toContain('Ready')
  })

  it('removes nothing when GitHub cannot say which PRs are open', async () => {
    const t = await freshPair(h)
    await preview(t, 33)
    h.github.openPulls.clear()
    h.github.fail('GET', /\/pulls$/, 502, 'Server Error', 10)
    await clearCalls(h.emulator.url)
    await expect(
      runPreviewGc(settingsFor(placeInputs(t, 'preview-gc')), depsFor(h))
    ).rejects.toThrow(/Server Error/)
    h.github.clearFailures()
    expect(await calls(h.emulator.url, { mutating: true })).toEqual([])
  })

  it('needs a token: without one it refuses before reading AWS', async () => {
    const t = await freshPair(h)
    await clearCalls(h.emulator.url)
    await expect(
      runPreviewGc(settingsFor(placeInputs(t, 'preview-gc')), depsFor(h, { github: false }))
    ).rejects.toThrow(/github-token/)
    expect(await calls(h.emulator.url)).toEqual([])
  })
})
