import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateRuleCommand,
  DescribeTargetGroupsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { runPreview } from '../../src/preview/command.js'
import { PreviewLimitError } from '../../src/preview/errors.js'
import { previewEnvironment, previewNames } from '../../src/preview/names.js'
import type { NewRule, PreviewDeps } from '../../src/preview/ports.js'
import { addFault, removeFault } from '../helpers/emulator.js'
import { activeRevisions, listenerRules, service } from './aws-state.js'
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

/** A rule someone else made, at `priority`, for a host nobody previews. */
async function otherRule(t: Topology, priority: number): Promise<void> {
  await h.elb.send(
    new CreateRuleCommand({
      ListenerArn: t.listenerArn,
      Priority: priority,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: [`other-${priority}.example.com`] } }
      ],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '204' } }]
    })
  )
}

/** Whatever a preview of this PR made, read back by its names and tags. */
async function leftovers(t: Topology, pr: number): Promise<string[]> {
  const names = previewNames(previewEnvironment(settingsFor(previewInputs(t))), pr)
  const found: string[] = []
  const groups = (await h.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!
  if (groups.some((g) => g.TargetGroupName === names.targetGroup)) found.push(names.targetGroup)
  const svc = await service(h, t.cluster, names.service)
  if (svc && svc.status !== 'INACTIVE') found.push(names.service)
  found.push(...(await activeRevisions(h, names.family)))
  const rules = await listenerRules(h, t.listenerArn)
  found.push(...rules.filter((r) => r.tags['ecs-blue-green:pr'] === String(pr)).map((r) => r.arn))
  return found
}

describe('previews side by side', () => {
  it('gives two PRs started at the same moment a rule each, at different priorities', async () => {
    const t = await freshPair(h)
    const inputs = previewInputs(t, { 'preview-rule-priorities': '100-101' })
    const [a, b] = await Promise.all([
      runPreview(settingsFor(inputs), depsFor(h, { pullRequest: pullRequest(41) })),
      runPreview(settingsFor(inputs), depsFor(h, { pullRequest: pullRequest(42) }))
    ])
    expect([a.result, b.result]).toEqual(['created', 'created'])
    expect(a.service).not.toBe(b.service)
    const rules = await listenerRules(h, t.listenerArn)
    expect(rules.map((r) => r.priority).sort()).toEqual(['100', '101'])
    expect(new Set(rules.map((r) => r.targetGroups[0])).size).toBe(2)
    const hostOf = (pr: number) => rules.find((r) => r.hosts[0] === `pr-${pr}.preview.example.com`)
    expect(hostOf(41)!.tags['ecs-blue-green:pr']).toBe('41')
    expect(hostOf(42)!.tags['ecs-blue-green:pr']).toBe('42')
    expect(h.github.commentsOn(41)).toHaveLength(1)
    expect(h.github.commentsOn(42)).toHaveLength(1)
  })

  it('takes another priority when a run for another PR takes its one first', async () => {
    const t = await freshPair(h)
    const deps = depsFor(h, { pullRequest: pullRequest(43) })
    let raced = 0
    const racing: PreviewDeps = {
      ...deps,
      elb: Object.assign(Object.create(deps.elb) as typeof deps.elb, {
        async createRule(rule: NewRule): Promise<string> {
          if (raced === 0) {
            raced = rule.priority
            await otherRule(t, rule.priority)
          }
          return deps.elb.createRule(rule)
        }
      })
    }
    const outcome = await runPreview(
      settingsFor(previewInputs(t, { 'preview-rule-priorities': '300-309' })),
      racing
    )
    expect(outcome.result).toBe('created')
    const own = (await listenerRules(h, t.listenerArn)).find(
      (r) => r.tags['ecs-blue-green:pr'] === '43'
    )
    expect(raced).toBeGreaterThanOrEqual(300)
    expect(Number(own!.priority)).not.toBe(raced)
    expect(Number(own!.priority)).toBeGreaterThanOrEqual(300)
    expect(Number(own!.priority)).toBeLessThanOrEqual(309)
  })
})

describe('limits', () => {
  it('refuses at the listener rule limit, says what to clean up, and leaves nothing behind', async () => {
    const t = await freshPair(h)
    await runPreview(settingsFor(previewInputs(t)), depsFor(h, { pullRequest: pullRequest(44) }))
    for (let priority = 1; priority <= 99; priority++) await otherRule(t, priority)

    const refused = runPreview(
      settingsFor(previewInputs(t)),
      depsFor(h, { pullRequest: pullRequest(45) })
    )
    await expect(refused).rejects.toThrow(PreviewLimitError)
    const message = await refused.catch((error: Error) => error.message)
    expect(message).toMatch(/no room for another rule: it has 100 rules/)
    expect(message).toMatch(/1 of them is a preview of this pair \(PRs #44\)/)
    expect(message).toMatch(/command: preview-gc/)
    expect(message).toMatch(/quota/)

    expect(await leftovers(t, 45)).toEqual([])
    expect(await leftovers(t, 44)).toHaveLength(4)
    expect(h.github.commentsOn(45)).toEqual([])
    expect(h.github.deploymentsOf('pr-45')).toEqual([])
  })

  it('takes back what it made when the service cannot be created', async () => {
    const t = await freshPair(h)
    const fault = await addFault(h.emulator.url, {
      service: 'ecs',
      operation: 'CreateService',
      fault: 'error500'
    })
    try {
      await expect(
        runPreview(settingsFor(previewInputs(t)), depsFor(h, { pullRequest: pullRequest(47) }))
      ).rejects.toThrow()
    } finally {
      await removeFault(h.emulator.url, fault)
    }
    expect(await leftovers(t, 47)).toEqual([])
  })

  it('refuses when every priority of the range is taken, naming the range', async () => {
    const t = await freshPair(h)
    await otherRule(t, 200)
    await otherRule(t, 201)
    const refused = runPreview(
      settingsFor(previewInputs(t, { 'preview-rule-priorities': '200-201' })),
      depsFor(h, { pullRequest: pullRequest(46) })
    )
    await expect(refused).rejects.toThrow(
      /no free rule priority in preview-rule-priorities 200-201/
    )
    expect(await leftovers(t, 46)).toEqual([])
  })
})
