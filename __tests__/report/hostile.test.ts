import type { TimelineEntry } from '../../src/rollout/ports.js'
import type { RolloutOutcome, RolloutResultKind, Settings } from '../../src/rollout/settings.js'
import { renderSummary } from '../../src/report/summary.js'
import { T0, entry, settings } from './fixtures.js'
import { parseMarkdown, tables } from './gfm-model.js'
import { parseXyChart } from './xychart-grammar.js'

/*
 * Names, images, reasons and events come from outside: a PR branch or title from a fork, an image
 * tag, whatever ECS or a container wrote. Each is rendered once with hostile text and once with
 * plain text; the hostile render must hold exactly the markup of the plain one.
 */

const PAYLOADS: Record<string, string> = {
  html: '<img src=x onerror=alert(1)> <script>alert(1)</script>',
  mentions: '@org/team cc @octocat',
  backticks: 'a`b``c` <img src=x>',
  pipes: 'x | y || z',
  links: '](http://evil) [click](http://evil) ![i](http://evil/i.png) <http://evil>',
  newlines: 'line\n# injected heading\n- [x] injected item\n\n| a | b |\n| - | - |\n```',
  'a PR title': 'fix(deps): **bump** _lodash_ ~~old~~ $x$ from #123 by @dependabot &lt;b&gt;',
  controls: 'red\u001b[31m text\u202e reversed\r\n::error::forged'
}

/** Every piece of outside text in one run, made by `text(field)`. */
function world(text: (field: string) => string, result: RolloutResultKind) {
  const blue = text('blue')
  const green = text('green')
  const runSettings: Settings = settings({
    cluster: text('cluster'),
    services: [blue, green],
    release: { image: text('image'), environment: [] }
  })
  const timeline: TimelineEntry[] = [
    { ...entry(0, text('scaling up'), 0, 0) },
    { ...entry(30, text('shifted'), 10) },
    { ...entry(60, text('unhealthy'), 10, 1) }
  ]
  const outcome: RolloutOutcome = {
    result,
    reason: text('reason'),
    taskDefinitionArn: `arn:aws:ecs:us-east-1:1:task-definition/${text('family')}:42`,
    previousTaskDefinitionArn: text('previous'),
    liveService: blue,
    idleService: green,
    liveTargetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/${text('tg')}/abc`,
    idleTargetGroupArn: text('tg-arn'),
    image: text('image'),
    stoppedTasks: [
      {
        taskArn: `arn:aws:ecs:us-east-1:1:task/prod/${text('task')}`,
        stoppedReason: text('stopped'),
        stopCode: text('code'),
        containers: [{ name: text('container'), exitCode: 1, reason: text('exit') }]
      }
    ],
    serviceEvents: [text('event')],
    plan: [text('plan')],
    taskDefinitionDiff: `- "image": "${text('old image')}"\n+ "image": "${text('image')}"`,
    scaleDown: text('scale-down')
  }
  return { settings: runSettings, outcome, timeline, startedAt: T0, finishedAt: T0 + 90_000 }
}

// `!` is left out: it only makes an image in front of a `[`
const MARKUP = /[<>[\]*_~$|`]/g
const BLOCK_PREFIX = /^(#{1,6}(?= |$)|[-+*] |\d+[.)] |>|\||<\/?[a-z]+)/
const MENTION = /(^|[^A-Za-z0-9_])@[A-Za-z0-9]/

const markupOf = (line: string): string => (line.match(MARKUP) ?? []).join('')

describe.each(['reverted', 'paused', 'planned'] as const)('a %s summary', (result) => {
  const plain = renderSummary(world((field) => field, result))
  const plainParts = parseMarkdown(plain)

  describe.each(Object.entries(PAYLOADS))('with %s in every outside text', (_, payload) => {
    const hostile = renderSummary(world((field) => `${field} ${payload}`, result))
    const parts = parseMarkdown(hostile)

    it('has the same lines, blocks and markup as the plain one', () => {
      expect(parts.active.map((line) => BLOCK_PREFIX.exec(line)?.[0] ?? '')).toEqual(
        plainParts.active.map((line) => BLOCK_PREFIX.exec(line)?.[0] ?? '')
      )
      expect(parts.active.map(markupOf)).toEqual(plainParts.active.map(markupOf))
      expect(parts.blocks.map((block) => block.info)).toEqual(
        plainParts.blocks.map((block) => block.info)
      )
    })

    it('pings nobody and holds no HTML or link outside code', () => {
      const active = parts.active.join('\n')
      expect(active).not.toMatch(MENTION)
      expect(active).not.toMatch(/<(img|script|http)/)
      expect(active).not.toContain('](')
    })

    it('keeps every table row to its header', () => {
      const found = tables(hostile)
      expect(found).toHaveLength(tables(plain).length)
      for (const rows of found) for (const row of rows) expect(row).toHaveLength(rows[0]!.length)
    })

    it('keeps the chart parseable and the diff whole', () => {
      const diff = world((field) => `${field} ${payload}`, result).outcome.taskDefinitionDiff!
      const diffLines = diff.split(/\r\n?|\n/).length
      for (const block of parts.blocks) {
        if (block.info === 'mermaid')
          expect(parseXyChart(`\`\`\`mermaid\n${block.content}\n\`\`\``).lines).toHaveLength(2)
        if (block.info === 'diff') expect(block.content.split('\n')).toHaveLength(diffLines)
      }
    })

    it('carries no control characters', () => {
      // eslint-disable-next-line no-control-regex
      expect(hostile).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/)
    })
  })
})
