import type { RolloutRecord } from '../../src/rollout/durable/record.js'
import { readState } from '../../src/rollout/durable/store.js'
import {
  decodeRecord,
  encodeRecord,
  MAX_TAGS,
  MAX_VALUE,
  STATE_KEYS,
  tagText
} from '../../src/rollout/durable/tags.js'
import { BlueGreen } from '../support/blue-green.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition'

/** A record at its largest: the longest names AWS allows, the most steps, a long reason. */
function record(overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    rolloutId: 'mh4k2p0-1234567.1.0a1b2c3d',
    kind: 'deploy',
    phase: 'paused',
    cluster: 'prod',
    live: {
      service: 'web-blue',
      targetGroupArn: `${ARN}:targetgroup/web-blue-tg/0000000000000001`
    },
    idle: {
      service: 'web-green',
      targetGroupArn: `${ARN}:targetgroup/web-green-tg/0000000000000002`
    },
    revision: `${TD}/web:42`,
    previousRevision: `${TD}/web:41`,
    steps: [
      { kind: 'weight', percent: 10 },
      { kind: 'pause' },
      { kind: 'weight', percent: 50 },
      { kind: 'weight', percent: 100 }
    ],
    step: 1,
    changed: 'traffic',
    startedAt: Date.UTC(2026, 10, 2, 9, 0, 0),
    scaleDownDelayMs: 305_000,
    owner: {
      token: '1234567.1.0a1b2c3d',
      runId: '1234567',
      runUrl: 'https://github.com/acme/web/actions/runs/1234567'
    },
    heartbeatAt: Date.UTC(2026, 10, 2, 9, 3, 30),
    ...overrides
  }
}

const VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

describe('the rollout state in tags', () => {
  it('reads back exactly what was written, in every phase', () => {
    const records = [
      record(),
      record({ phase: 'register', revision: undefined, step: undefined, changed: 'nothing' }),
      record({ phase: 'shift', step: 2, reason: undefined }),
      record({ phase: 'scale-down', step: 3, promotedAt: Date.UTC(2026, 10, 2, 9, 10) }),
      record({ phase: 'promoted', scaleDownDelayMs: null, reason: 'web-blue kept warm' }),
      record({ phase: 'reverted', kind: 'rollback', owner: { token: 'local.1.ff' } })
    ]
    for (const written of records) {
      expect(decodeRecord(encodeRecord(written))).toEqual({ kind: 'record', record: written })
    }
  })

  it('fits ELBv2 limits at the largest names AWS allows, leaving room for other tags', () => {
    const family = 'f'.repeat(180)
    const big = record({
      cluster: 'c'.repeat(255),
      live: {
        service: 's'.repeat(255),
        targetGroupArn: `${ARN}:targetgroup/${'t'.repeat(32)}/0123456789abcdef`
      },
      idle: {
        service: 'z'.repeat(255),
        targetGroupArn: `${ARN}:targetgroup/${'u'.repeat(32)}/0123456789abcdef`
      },
      revision: `${TD}/${family}:123456`,
      previousRevision: `${TD}/${family}:123455`,
      steps: [
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((percent) => [
          { kind: 'weight' as const, percent: percent * 10 - 1 },
          { kind: 'pause' as const }
        ])
      ].slice(0, 19),
      reason: 'x'.repeat(1000)
    })
    const tags = encodeRecord(big)
    expect(Object.keys(tags)).toEqual(STATE_KEYS)
    expect(STATE_KEYS.length).toBeLessThanOrEqual(MAX_TAGS - 25)
    for (const [key, value] of Object.entries(tags)) {
      expect(key.length).toBeLessThanOrEqual(128)
      expect(value.length).toBeLessThanOrEqual(MAX_VALUE)
      expect(value).toMatch(VALUE)
    }
    expect(decodeRecord(tags)).toMatchObject({ kind: 'record', record: { cluster: big.cluster } })
  })

  it('makes any reason fit a tag value and leaves out a run URL that cannot be one', () => {
    expect(tagText('target 10.0.1.7:8080 unhealthy (Target.ResponseCodeMismatch); "502"')).toBe(
      'target 10.0.1.7:8080 unhealthy Target.ResponseCodeMismatch 502'
    )
    const tags = encodeRecord(
      record({ owner: { token: 'a', runId: '7', runUrl: 'https://ghe.example.com/o/r?run=7' } })
    )
    expect(tags['ecs-blue-green:run-url']).toBe('')
    expect(tags['ecs-blue-green:run-id']).toBe('7')
  })

  it('leaves out a run id that cannot be a tag value instead of failing the write', () => {
    const tags = encodeRecord(record({ owner: { token: 'a', runId: 'local run #7' } }))
    expect(tags['ecs-blue-green:run-id']).toBe('')
    expect(tags['ecs-blue-green:owner']).toBe('a')
  })

  it('refuses, before writing, a value that cannot be a tag', () => {
    const family = 'f'.repeat(255)
    expect(() => encodeRecord(record({ revision: `${TD}/${family}:1` }))).toThrow(
      /revision .* longer than 256 characters/
    )
  })

  it('cuts a reason of astral-plane letters whole, to a value that fits', () => {
    // mathematical bold letters: \p{L}, but two UTF-16 units each, as AWS counts a tag value
    const bold = '\u{1D400}\u{1D401}\u{1D402}'
    for (const reason of [
      bold.repeat(200),
      // one unit ahead, so that a cut by units would fall in the middle of a pair
      `x${bold.repeat(200)}`,
      `xy ${bold.repeat(100)} z ${bold.repeat(100)}`
    ]) {
      const text = tagText(reason)
      expect(text.length).toBeLessThanOrEqual(MAX_VALUE)
      expect(text).toMatch(VALUE)
      expect(text.endsWith('...')).toBe(true)
      expect(reason.startsWith(text.slice(0, -3))).toBe(true)
      const tags = encodeRecord(record({ phase: 'reverted', reason }))
      expect(decodeRecord(tags)).toMatchObject({ kind: 'record', record: { reason: text } })
    }
  })

  it('keeps a revision ARN too long for a tag as family:revision, and reads the ARN back', () => {
    // the longest family whose ARN still fits is kept whole
    const fits = `${TD}/${'f'.repeat(256 - TD.length - 1 - ':42'.length)}:42`
    expect(fits.length).toBe(MAX_VALUE)
    expect(encodeRecord(record({ revision: fits }))['ecs-blue-green:revision']).toBe(fits)

    const family = 'f'.repeat(240)
    const written = record({
      revision: `${TD}/${family}:1234567`,
      previousRevision: `${TD}/${family}:1234566`
    })
    const tags = encodeRecord(written)
    expect(tags['ecs-blue-green:revision']).toBe(`${family}:1234567`)
    expect(tags['ecs-blue-green:previous-revision']).toBe(`${family}:1234566`)
    expect(decodeRecord(tags)).toEqual({ kind: 'record', record: written })
  })

  it('reads family:revision in the partition, region and account of the target groups', () => {
    const cn = 'arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321'
    const written = record({
      live: { service: 'web-blue', targetGroupArn: `${cn}:targetgroup/web-blue-tg/01` },
      idle: { service: 'web-green', targetGroupArn: `${cn}:targetgroup/web-green-tg/02` },
      revision: `arn:aws-cn:ecs:cn-north-1:210987654321:task-definition/${'g'.repeat(250)}:3`,
      previousRevision: 'arn:aws-cn:ecs:cn-north-1:210987654321:task-definition/web:2'
    })
    const tags = encodeRecord(written)
    expect(tags['ecs-blue-green:revision']).toBe(`${'g'.repeat(250)}:3`)
    expect(decodeRecord(tags)).toEqual({ kind: 'record', record: written })
  })

  it('refuses a revision that even as family:revision is longer than a tag value', () => {
    expect(() => encodeRecord(record({ revision: `${TD}/${'f'.repeat(255)}:10` }))).toThrow(
      /revision .* longer than 256 characters/
    )
  })

  it('is nothing when no tag of the action is there, or all were cleared', () => {
    expect(decodeRecord({ team: 'web', 'aws:cloudformation:stack-name': 'x' })).toEqual({
      kind: 'none'
    })
    const cleared = Object.fromEntries(STATE_KEYS.map((key) => [key, '']))
    expect(decodeRecord(cleared)).toEqual({ kind: 'none' })
  })

  it.each([
    [
      'a phase it does not know',
      { 'ecs-blue-green:phase': 'baking' },
      /phase is "baking"; expected one of/
    ],
    ['a missing schema', { 'ecs-blue-green:schema': '' }, /schema is missing/],
    [
      'a newer schema',
      { 'ecs-blue-green:schema': '2' },
      /newer version of the action \(schema 2\)/
    ],
    [
      'a mangled ARN',
      { 'ecs-blue-green:live-target-group': 'web-blue-tg' },
      /live-target-group is "web-blue-tg"; expected a target group ARN/
    ],
    ['steps that decrease', { 'ecs-blue-green:steps': '50 10 100' }, /steps is "50 10 100"/],
    ['a step past the steps', { 'ecs-blue-green:step': '9' }, /step 9 is past the 4 traffic steps/],
    [
      'a pause that is not a pause',
      { 'ecs-blue-green:step': '0' },
      /paused at step 0, which is not a pause/
    ],
    [
      'a time that is not one',
      { 'ecs-blue-green:heartbeat': 'yesterday' },
      /heartbeat is "yesterday"/
    ],
    ['one service on both sides', { 'ecs-blue-green:idle-service': 'web-blue' }, /web-blue as both/]
  ])('reports %s as unreadable, saying which tag', (_what, change, problem) => {
    const decoded = decodeRecord({ ...encodeRecord(record()), ...change })
    expect(decoded.kind).toBe('unreadable')
    expect(decoded.kind === 'unreadable' && decoded.problem).toMatch(problem)
  })

  it('reads the state of another pair on the same listener as foreign', async () => {
    const bg = new BlueGreen()
    bg.aws.elbWorld.writeTags(bg.routeArn, {
      ...encodeRecord(record({ live: { ...record().live, service: 'api-blue' } })),
      'cost-center': 'web'
    })
    const found = await readState(bg.aws.elb, bg.settings())
    expect(found).toMatchObject({ kind: 'unreadable' })
    expect(found.kind === 'unreadable' && found.problem).toBe(
      'it is about services api-blue, web-green of cluster prod, not web-blue, web-green of prod; ' +
        'another pair (or another workflow) uses this listener'
    )
  })
})
