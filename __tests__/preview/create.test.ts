import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { runPreview } from '../../src/preview/command.js'
import { calls, clearCalls, setImage } from '../helpers/emulator.js'
import { ACTIONS_BOT } from '../helpers/github-standin.js'
import {
  activeRevisions,
  healthyTargets,
  imageOf,
  listenerRules,
  service,
  targetGroup
} from './aws-state.js'
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

const MARKER = /^<!-- ecs-blue-green-action:preview:[0-9a-f]{8} -->\n/

describe('command: preview', () => {
  it('creates a copy of the live service at its own URL, and says so on the PR', async () => {
    const t = await freshPair(h)
    const pr = pullRequest(7)
    const outcome = await runPreview(settingsFor(previewInputs(t)), depsFor(h, { pullRequest: pr }))

    expect(outcome.result).toBe('created')
    expect(outcome.previewUrl).toBe('http://pr-7.preview.example.com/')

    const rules = await listenerRules(h, t.listenerArn)
    expect(rules).toHaveLength(1)
    const [rule] = rules
    expect(rule!.hosts).toEqual(['pr-7.preview.example.com'])
    expect(Number(rule!.priority)).toBeGreaterThanOrEqual(40000)
    expect(Number(rule!.priority)).toBeLessThanOrEqual(49999)

    // the preview's target group is the live one's copy, and serves the preview's tasks
    const [groupArn] = rule!.targetGroups
    const copy = await targetGroup(h, groupArn!)
    const live = await targetGroup(h, t.targetGroups.blue)
    for (const field of [
      'Protocol',
      'Port',
      'VpcId',
      'TargetType',
      'HealthCheckPath',
      'HealthCheckIntervalSeconds',
      'HealthyThresholdCount',
      'Matcher'
    ] as const) {
      expect(copy![field]).toEqual(live![field])
    }
    expect(copy!.TargetGroupName!.length).toBeLessThanOrEqual(32)

    const created = await service(h, t.cluster, outcome.service!)
    const base = await service(h, t.cluster, t.services.blue)
    expect(created!.status).toBe('ACTIVE')
    expect(created!.desiredCount).toBe(1)
    expect(created!.runningCount).toBe(1)
    expect(created!.launchType).toBe(base!.launchType)
    expect(created!.networkConfiguration).toEqual(base!.networkConfiguration)
    expect(created!.loadBalancers).toEqual([
      { targetGroupArn: groupArn, containerName: 'web', containerPort: 8080 }
    ])
    expect(await imageOf(h, created!.taskDefinition!)).toBe('registry.example.com/app:pr-1')
    // a revision of its own family: production's latest revision is still production's
    expect(created!.taskDefinition).not.toContain(
      `task-definition/${t.services.blue.split('-')[0]}:`
    )
    expect(await healthyTargets(h, groupArn!)).toBe(1)

    const comments = h.github.commentsOn(7)
    expect(comments).toHaveLength(1)
    expect(comments[0]!.author).toEqual(ACTIONS_BOT)
    expect(comments[0]!.body).toMatch(MARKER)
    expect(comments[0]!.body).toContain('Ready')
    expect(comments[0]!.body).toContain('(http://pr-7.preview.example.com/)')
    expect(comments[0]!.body).toContain('`registry.example.com/app:pr-1`')

    const [deployment, ...others] = h.github.deploymentsOf('pr-7')
    expect(others).toHaveLength(0)
    expect(deployment!.ref).toBe(pr.headSha)
    expect(deployment!.transient_environment).toBe(true)
    expect(deployment!.production_environment).toBe(false)
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(deployment!.statuses[1]!.environment_url).toBe('http://pr-7.preview.example.com/')
  })

  it('leaves production alone: no change to its services, listener or target groups', async () => {
    const t = await freshPair(h)
    await clearCalls(h.emulator.url)
    await runPreview(settingsFor(previewInputs(t)), depsFor(h, { pullRequest: pullRequest(8) }))
    const mutating = (await calls(h.emulator.url, { mutating: true })).map((c) => ({
      operation: c.operation,
      params: JSON.stringify(c.params)
    }))
    expect(mutating.map((c) => c.operation).sort()).toEqual(
      ['CreateRule', 'CreateService', 'CreateTargetGroup', 'RegisterTaskDefinition'].sort()
    )
    for (const production of [t.services.blue, t.services.green, t.targetGroups.blue]) {
      for (const call of mutating.filter((c) => c.operation !== 'CreateService')) {
        expect(call.params).not.toContain(`"${production}"`)
      }
    }
  })

  it('updates an existing preview in place: nothing is created twice, the comment is edited', async () => {
    const t = await freshPair(h)
    const deps = depsFor(h, { pullRequest: pullRequest(9) })
    const first = await runPreview(settingsFor(previewInputs(t)), deps)
    const second = await runPreview(
      settingsFor(previewInputs(t, { image: 'registry.example.com/app:pr-2' })),
      depsFor(h, { pullRequest: pullRequest(9, { headSha: 'feedface'.repeat(5) }) })
    )

    expect(second.result).toBe('updated')
    expect(second.service).toBe(first.service)
    expect(second.previousTaskDefinitionArn).toBe(first.taskDefinitionArn)
    const rules = await listenerRules(h, t.listenerArn)
    expect(rules).toHaveLength(1)
    const updated = await service(h, t.cluster, second.service!)
    expect(updated!.taskDefinition).toBe(second.taskDefinitionArn)
    expect(await imageOf(h, updated!.taskDefinition!)).toBe('registry.example.com/app:pr-2')
    const names = await h.elb.send(new DescribeTargetGroupsCommand({}))
    const own = names.TargetGroups!.filter((g) =>
      rules[0]!.targetGroups.includes(g.TargetGroupArn!)
    )
    expect(own).toHaveLength(1)

    const comments = h.github.commentsOn(9)
    expect(comments).toHaveLength(1)
    expect(comments[0]!.body).toContain('app:pr-2')
    expect(comments[0]!.body).toContain('feedfac')
    expect(h.github.deploymentsOf('pr-9').map((d) => d.ref)).toEqual([
      pullRequest(9).headSha,
      'feedface'.repeat(5)
    ])
  })

  it('does nothing to AWS when the preview already runs the image', async () => {
    const t = await freshPair(h)
    const settings = settingsFor(previewInputs(t))
    await runPreview(settings, depsFor(h, { pullRequest: pullRequest(10) }))
    await clearCalls(h.emulator.url)
    const again = await runPreview(settings, depsFor(h, { pullRequest: pullRequest(10) }))
    expect(again.result).toBe('unchanged')
    expect(await calls(h.emulator.url, { mutating: true })).toEqual([])
  })

  it('keeps the previous revision serving when an update does not become healthy', async () => {
    const t = await freshPair(h)
    const first = await runPreview(
      settingsFor(previewInputs(t)),
      depsFor(h, { pullRequest: pullRequest(11) })
    )
    const bad = 'registry.example.com/app:pr-broken'
    await setImage(h.emulator.url, { image: bad, behavior: 'unhealthy' })
    const deps = depsFor(h, { pullRequest: pullRequest(11) })
    const failed = await runPreview(settingsFor(previewInputs(t, { image: bad })), deps)

    expect(failed.result).toBe('failed')
    expect(failed.reason).toMatch(/unhealthy/)
    const after = await service(h, t.cluster, first.service!)
    expect(after!.taskDefinition).toBe(first.taskDefinitionArn)
    const groupArn = after!.loadBalancers![0]!.targetGroupArn!
    expect(await healthyTargets(h, groupArn)).toBeGreaterThanOrEqual(1)
    const body = h.github.commentsOn(11)[0]!.body
    expect(body).toContain('Failed')
    expect(body).toContain('still serves the previous revision')
    expect(h.github.deploymentsOf('pr-11').at(-1)!.statuses.at(-1)!.state).toBe('failure')
  })

  it('stops a first start that crashes, and starts again on the next push', async () => {
    const t = await freshPair(h)
    const crashing = 'registry.example.com/app:pr-crash'
    await setImage(h.emulator.url, { image: crashing, behavior: 'crash', exitCode: 3 })
    const failed = await runPreview(
      settingsFor(previewInputs(t, { image: crashing })),
      depsFor(h, { pullRequest: pullRequest(17) })
    )
    expect(failed.result).toBe('failed')
    expect(failed.reason).toMatch(/exit code 3/)
    expect((await service(h, t.cluster, failed.service!))!.desiredCount).toBe(0)
    expect(h.github.commentsOn(17)[0]!.body).toContain('stopped until the next push')

    const fixed = await runPreview(
      settingsFor(previewInputs(t)),
      depsFor(h, { pullRequest: pullRequest(17) })
    )
    expect(fixed.result).toBe('updated')
    const running = await service(h, t.cluster, fixed.service!)
    expect(running!.desiredCount).toBe(1)
    expect(running!.runningCount).toBe(1)
  })

  it('keeps working when the token may not comment, and says which permission is missing', async () => {
    const t = await freshPair(h)
    h.github.fail(
      'GET',
      /\/issues\/12\/comments$/,
      403,
      'Resource not accessible by integration',
      2
    )
    const deps = depsFor(h, { pullRequest: pullRequest(12) })
    const outcome = await runPreview(settingsFor(previewInputs(t)), deps)
    expect(outcome.result).toBe('created')
    expect(deps.observer.warnings.join('\n')).toMatch(/pull-requests: write/)
    expect(h.github.commentsOn(12)).toHaveLength(0)
  })

  it('finds its own revisions again: one family per preview, one revision per image', async () => {
    const t = await freshPair(h)
    const deps = () => depsFor(h, { pullRequest: pullRequest(13) })
    const first = await runPreview(settingsFor(previewInputs(t)), deps())
    await runPreview(
      settingsFor(previewInputs(t, { image: 'registry.example.com/app:pr-3' })),
      deps()
    )
    const family = first.service!
    expect(await activeRevisions(h, family)).toHaveLength(2)
  })

  it("answers under a path prefix on the load balancer's own name when no host is given", async () => {
    const t = await freshPair(h)
    const outcome = await runPreview(
      settingsFor(previewInputs(t, { 'preview-host': '', 'preview-path': '/pr-{number}' })),
      depsFor(h, { pullRequest: pullRequest(14) })
    )
    expect(outcome.result).toBe('created')
    expect(outcome.previewUrl).toBe(`http://${t.dnsName.toLowerCase()}/pr-14/`)
    const [rule] = await listenerRules(h, t.listenerArn)
    expect(rule!.hosts).toEqual([])
    expect(rule!.paths.sort()).toEqual(['/pr-14', '/pr-14/*'])
  })

  it('puts the rule on the listener of a rule-routed pair, and warns when a catch-all comes first', async () => {
    const t = await freshPair(h, { useRule: true })
    const deps = depsFor(h, { pullRequest: pullRequest(15) })
    const outcome = await runPreview(settingsFor(previewInputs(t)), deps)
    expect(outcome.result).toBe('created')
    const rules = await listenerRules(h, t.listenerArn)
    expect(rules.map((r) => r.hosts[0] ?? r.paths[0])).toContain('pr-15.preview.example.com')
    expect(deps.observer.warnings.join('\n')).toMatch(
      /rule at priority 10 matches every path.*set preview-rule-priorities below 10/
    )
  })

  it('changes nothing in a dry run, and says what it would do', async () => {
    const t = await freshPair(h)
    await clearCalls(h.emulator.url)
    const deps = depsFor(h, { pullRequest: pullRequest(16) })
    const outcome = await runPreview(settingsFor(previewInputs(t, { 'dry-run': 'true' })), deps)
    expect(outcome.result).toBe('planned')
    expect(outcome.changes.join('\n')).toMatch(/create service .*pr16.* with 1 tasks/)
    expect(await calls(h.emulator.url, { mutating: true })).toEqual([])
    expect(h.github.commentsOn(16)).toEqual([])
  })

  it('needs a PR number outside pull_request events, and asks before touching AWS', async () => {
    const t = await freshPair(h)
    await clearCalls(h.emulator.url)
    await expect(runPreview(settingsFor(previewInputs(t)), depsFor(h))).rejects.toThrow(
      /Input 'pr-number': is required when the workflow does not run for a pull request/
    )
    expect(await calls(h.emulator.url)).toEqual([])
  })
})
