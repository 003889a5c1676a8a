import { formatDuration, parseDuration } from '../duration.js'
import { trafficSteps } from '../plan.js'
import type { TrafficStep } from '../settings.js'
import { decodeScaling, encodeScaling } from '../scaling/found.js'
import { RECORD_PHASES, type RolloutRecord } from './record.js'

/**
 * The record as tags of the route: one readable value a tag, so that the console shows what is
 * going on. ELBv2 allows 50 tags a resource, keys up to 128 characters, values up to 256 of
 * letters, digits, spaces and `_.:/=+-@`.
 */

export const TAG_PREFIX = 'ecs-blue-green:'
export const SCHEMA_VERSION = 1
export const MAX_TAGS = 50
export const MAX_VALUE = 256
const VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

const FIELDS = [
  'schema',
  'rollout',
  'kind',
  'phase',
  'cluster',
  'live-service',
  'live-target-group',
  'idle-service',
  'idle-target-group',
  'revision',
  'previous-revision',
  'steps',
  'step',
  'changed',
  'started',
  'promoted',
  'scale-down-delay',
  'owner',
  'run-id',
  'run-url',
  'heartbeat',
  'reason',
  'scaling',
  'migration',
  'scale-down'
] as const

type Field = (typeof FIELDS)[number]

/** Every tag key the action writes, in a stable order. */
export const STATE_KEYS: readonly string[] = FIELDS.map((field) => key(field))

export function key(field: Field): string {
  return `${TAG_PREFIX}${field}`
}

export type DecodedState =
  | { kind: 'none' }
  | { kind: 'record'; record: RolloutRecord }
  /** corrupt, or written by a newer version: reported, never acted on */
  | { kind: 'unreadable'; problem: string }

/**
 * Every key of the state, '' for what the record does not have, so that one write replaces
 * whatever an earlier record left. Throws when a value cannot be stored as a tag.
 */
export function encodeRecord(record: RolloutRecord): Record<string, string> {
  const values: Record<Field, string> = {
    schema: String(SCHEMA_VERSION),
    rollout: record.rolloutId,
    kind: record.kind,
    phase: record.phase,
    cluster: record.cluster,
    'live-service': record.live.service,
    'live-target-group': record.live.targetGroupArn,
    'idle-service': record.idle.service,
    'idle-target-group': record.idle.targetGroupArn,
    revision: record.revision === undefined ? '' : revisionTag(record.revision),
    'previous-revision': revisionTag(record.previousRevision),
    steps: encodeSteps(record.steps),
    step: record.step === undefined ? '' : String(record.step),
    changed: record.changed,
    started: time(record.startedAt),
    promoted: record.promotedAt === undefined ? '' : time(record.promotedAt),
    'scale-down-delay':
      record.scaleDownDelayMs === null ? 'never' : formatDuration(record.scaleDownDelayMs),
    owner: record.owner.token,
    // likewise a run id a tag cannot hold (not GitHub's digits): the owner token names the run
    'run-id': record.owner.runId && fits(record.owner.runId) ? record.owner.runId : '',
    // a URL that cannot be a tag value is left out: the run id still names the run
    'run-url': record.owner.runUrl && fits(record.owner.runUrl) ? record.owner.runUrl : '',
    heartbeat: time(record.heartbeatAt),
    reason: record.reason === undefined ? '' : tagText(record.reason),
    scaling: encodeScaling(record.scaling),
    // the ID alone when the ARN (a long cluster name) does not fit: DescribeTasks takes either
    migration:
      record.migrationTask === undefined
        ? ''
        : record.migrationTask.length <= MAX_VALUE
          ? record.migrationTask
          : record.migrationTask.slice(record.migrationTask.lastIndexOf('/') + 1),
    'scale-down': encodeScaleDown(record)
  }
  const tags: Record<string, string> = {}
  for (const field of FIELDS) {
    const value = values[field]
    if (!fits(value)) {
      throw new Error(
        `the rollout state cannot be stored in tags: ${field} ${JSON.stringify(value.slice(0, 80))} ` +
          `is longer than ${MAX_VALUE} characters or has characters a tag value cannot hold`
      )
    }
    tags[key(field)] = value
  }
  return tags
}

/** Just the heartbeat, for the writes in between phases. */
export function encodeHeartbeat(at: number): Record<string, string> {
  return { [key('heartbeat')]: time(at) }
}

/**
 * Text made fit for a tag value: other characters become spaces, and it is cut to length. The
 * length is counted as AWS counts it, in UTF-16 units, and the cut never splits a character:
 * an astral-plane letter (two units) is kept whole or left out.
 */
export function tagText(text: string): string {
  const cleaned = [...text]
    .map((char) => (VALUE.test(char) ? char : ' '))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
  if (cleaned.length <= MAX_VALUE) return cleaned
  let cut = ''
  for (const char of cleaned) {
    if (cut.length + char.length > MAX_VALUE - 3) break
    cut += char
  }
  return `${cut}...`
}

/** Whether a value can be stored as a tag value: its length in UTF-16 units, as AWS counts. */
export function fits(value: string): boolean {
  return value.length <= MAX_VALUE && VALUE.test(value)
}

const TASK_DEFINITION = ':task-definition/'

/**
 * A task definition ARN as a tag value: the whole ARN when it fits, else `family:revision`
 * (a family of up to 255 characters makes an ARN longer than a tag value). Read back in the
 * partition, region and account of the record's target groups: those of the service.
 */
export function revisionTag(arn: string): string {
  if (arn.length <= MAX_VALUE) return arn
  const at = arn.indexOf(TASK_DEFINITION)
  return at < 0 ? arn : arn.slice(at + TASK_DEFINITION.length)
}

/**
 * How many digits a revision number can have: ECS allows 1,000,000 revisions of a family.
 * With the colon, a family longer than MAX_VALUE - 8 characters may not fit a tag even as
 * `family:revision`.
 */
export const MAX_REVISION_DIGITS = 7
export const MAX_RECORDED_FAMILY = MAX_VALUE - 1 - MAX_REVISION_DIGITS

function time(ms: number): string {
  return new Date(ms).toISOString()
}

function encodeSteps(steps: TrafficStep[]): string {
  return steps.map((step) => (step.kind === 'pause' ? 'pause' : String(step.percent))).join(' ')
}

/** How many tags of the route are not the action's: they count against the 50 too. */
export function otherTagCount(tags: Record<string, string>): number {
  return Object.keys(tags).filter((name) => !name.startsWith(TAG_PREFIX)).length
}

/** Reads the record back, checking every value: a corrupt state is reported, never trusted. */
export function decodeRecord(tags: Record<string, string>): DecodedState {
  const own = Object.entries(tags).filter(([name]) => name.startsWith(TAG_PREFIX))
  if (own.every(([, value]) => value === '')) return { kind: 'none' }
  try {
    return { kind: 'record', record: readRecord(tags) }
  } catch (error) {
    return { kind: 'unreadable', problem: error instanceof Error ? error.message : String(error) }
  }
}

class Corrupt extends Error {}

function readRecord(tags: Record<string, string>): RolloutRecord {
  const raw = (field: Field): string => tags[key(field)] ?? ''
  const schema = raw('schema')
  if (schema === '') throw new Corrupt(`tag ${key('schema')} is missing`)
  if (schema !== String(SCHEMA_VERSION)) {
    throw new Corrupt(
      /^\d+$/.test(schema) && Number(schema) > SCHEMA_VERSION
        ? `it was written by a newer version of the action (schema ${schema}); use that version`
        : `tag ${key('schema')} is ${JSON.stringify(schema)}, expected ${SCHEMA_VERSION}`
    )
  }
  const read = <T>(field: Field, parse: (value: string) => T | undefined, what: string): T => {
    const value = raw(field)
    const parsed = parse(value)
    if (parsed === undefined) {
      throw new Corrupt(
        `tag ${key(field)} is ${value === '' ? 'missing' : JSON.stringify(value.slice(0, 80))}; expected ${what}`
      )
    }
    return parsed
  }
  const optional = <T>(field: Field, parse: (value: string) => T | undefined, what: string) =>
    raw(field) === '' ? undefined : read(field, parse, what)

  const phase = read('phase', oneOf(RECORD_PHASES), `one of ${RECORD_PHASES.join(', ')}`)
  const steps = read('steps', parseSteps, 'traffic steps such as "10 pause 50 100"')
  const step = optional('step', integer, 'a step number')
  const revisionArn = taskDefinitionArnIn(raw('live-target-group'))
  const revision = optional('revision', revisionArn, 'a task definition ARN or family:revision')
  const record: RolloutRecord = {
    rolloutId: read('rollout', token, 'a rollout id'),
    kind: read('kind', oneOf(['deploy', 'rollback'] as const), 'deploy or rollback'),
    phase,
    cluster: read('cluster', name, 'a cluster name'),
    live: {
      service: read('live-service', name, 'a service name'),
      targetGroupArn: read('live-target-group', targetGroupArn, 'a target group ARN')
    },
    idle: {
      service: read('idle-service', name, 'a service name'),
      targetGroupArn: read('idle-target-group', targetGroupArn, 'a target group ARN')
    },
    ...(revision === undefined ? {} : { revision }),
    previousRevision: read(
      'previous-revision',
      revisionArn,
      'a task definition ARN or family:revision'
    ),
    steps,
    ...(step === undefined ? {} : { step }),
    changed: read(
      'changed',
      oneOf(['nothing', 'idle', 'traffic'] as const),
      'nothing, idle or traffic'
    ),
    startedAt: read('started', parseTime, 'an ISO 8601 time'),
    scaleDownDelayMs: read('scale-down-delay', parseDelay, 'a duration or never'),
    owner: {
      token: read('owner', token, 'an owner id'),
      ...(raw('run-id') === '' ? {} : { runId: read('run-id', token, 'a run id') }),
      ...(raw('run-url') === '' ? {} : { runUrl: read('run-url', url, 'an http(s) URL') })
    },
    heartbeatAt: read('heartbeat', parseTime, 'an ISO 8601 time')
  }
  const promotedAt = optional('promoted', parseTime, 'an ISO 8601 time')
  if (promotedAt !== undefined) record.promotedAt = promotedAt
  if (raw('reason') !== '') record.reason = raw('reason')
  const scaling = optional(
    'scaling',
    (value) => decodeScaling(value) ?? undefined,
    'auto scaling as found, such as "live:2:8:none idle:-"'
  )
  if (scaling !== undefined) record.scaling = scaling
  const migrationTask = optional('migration', taskArn, 'a task ARN')
  if (migrationTask !== undefined) record.migrationTask = migrationTask
  const scaleDown = optional(
    'scale-down',
    parseScaleDown,
    'when the old side is due to be scaled to 0 and when it was, such as "due 2026-11-29T05:00:00.000Z"'
  )
  if (scaleDown?.due !== undefined) record.scaleDownAt = scaleDown.due
  if (scaleDown?.done !== undefined) record.scaledDownAt = scaleDown.done
  checkConsistent(record)
  return record
}

/** What each phase needs to be acted on. */
function checkConsistent(record: RolloutRecord): void {
  const { phase } = record
  if (record.live.service === record.idle.service) {
    throw new Corrupt(`it names ${record.live.service} as both the live and the idle side`)
  }
  if (record.live.targetGroupArn === record.idle.targetGroupArn) {
    throw new Corrupt('it names one target group for both sides')
  }
  if (phase !== 'register' && record.revision === undefined) {
    throw new Corrupt(`phase ${phase} without tag ${key('revision')}`)
  }
  const count = trafficSteps(record.steps).length
  if ((phase === 'shift' || phase === 'paused') && record.step === undefined) {
    throw new Corrupt(`phase ${phase} without tag ${key('step')}`)
  }
  if (record.step !== undefined && record.step >= count) {
    throw new Corrupt(`step ${record.step} is past the ${count} traffic steps`)
  }
  if (phase === 'paused' && trafficSteps(record.steps)[record.step ?? 0]?.kind !== 'pause') {
    throw new Corrupt(`phase paused at step ${record.step}, which is not a pause`)
  }
  if (phase === 'scale-down' && record.promotedAt === undefined) {
    throw new Corrupt(`phase scale-down without tag ${key('promoted')}`)
  }
}

// ---------- value parsers: undefined when the value is not one ----------

function oneOf<T extends string>(values: readonly T[]): (value: string) => T | undefined {
  return (value) => values.find((known) => known === value)
}

function integer(value: string): number | undefined {
  return /^\d{1,3}$/.test(value) ? Number(value) : undefined
}

function token(value: string): string | undefined {
  return /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : undefined
}

function name(value: string): string | undefined {
  return /^[A-Za-z0-9_-]{1,255}$/.test(value) ? value : undefined
}

function url(value: string): string | undefined {
  return /^https?:\/\/\S+$/.test(value) ? value : undefined
}

function targetGroupArn(value: string): string | undefined {
  return /^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]*:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/.test(
    value
  )
    ? value
    : undefined
}

/** a task ARN of the new form, `arn:aws:ecs:region:account:task/cluster/id`, or the task ID */
function taskArn(value: string): string | undefined {
  return /^(arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:task\/[A-Za-z0-9_-]{1,255}\/)?[0-9a-f]{32}$/.test(
    value
  )
    ? value
    : undefined
}

function taskDefinitionArn(value: string): string | undefined {
  return /^arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/.test(value)
    ? value
    : undefined
}

/**
 * Reads a task definition ARN, or `family:revision` as the full ARN in the partition, region
 * and account of `targetGroup` (an ARN of the record's own target groups).
 */
function taskDefinitionArnIn(targetGroup: string): (value: string) => string | undefined {
  const where = /^arn:([a-z-]+):elasticloadbalancing:([a-z0-9-]+):(\d{12}):/.exec(targetGroup)
  return (value) => {
    if (value.startsWith('arn:')) return taskDefinitionArn(value)
    if (!where || !/^[A-Za-z0-9_-]{1,255}:\d+$/.test(value)) return undefined
    const [, partition, region, account] = where
    return taskDefinitionArn(`arn:${partition}:ecs:${region}:${account}${TASK_DEFINITION}${value}`)
  }
}

function parseTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}

function parseDelay(value: string): number | null | undefined {
  return value === 'never' ? null : parseDuration(value)
}

/** The same rules as the traffic-steps input: increasing weights, pauses between them. */
function parseSteps(value: string): TrafficStep[] | undefined {
  const items = value.split(' ')
  const steps: TrafficStep[] = []
  let last = 0
  for (const item of items) {
    if (item === 'pause') {
      if (steps.at(-1)?.kind === 'pause') return undefined
      steps.push({ kind: 'pause' })
      continue
    }
    const percent = /^\d{1,3}$/.test(item) ? Number(item) : NaN
    if (!(percent > last && percent <= 100)) return undefined
    steps.push({ kind: 'weight', percent })
    last = percent
  }
  return steps.length > 0 && steps.length <= 21 ? steps : undefined
}

/**
 * When the old side is due to be scaled to 0, and when it was, in one tag (the record leaves
 * room for the user's own tags): `due <time>`, `due <time> done <time>` or `done <time>`.
 */
function encodeScaleDown(record: RolloutRecord): string {
  const parts = [
    record.scaleDownAt === undefined ? '' : `due ${time(record.scaleDownAt)}`,
    record.scaledDownAt === undefined ? '' : `done ${time(record.scaledDownAt)}`
  ]
  return parts.filter(Boolean).join(' ')
}

function parseScaleDown(value: string): { due?: number; done?: number } | undefined {
  const match = /^(?:due (\S+))?(?:^| )?(?:done (\S+))?$/.exec(value)
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined
  const due = match[1] === undefined ? undefined : parseTime(match[1])
  const done = match[2] === undefined ? undefined : parseTime(match[2])
  if (
    (match[1] !== undefined && due === undefined) ||
    (match[2] !== undefined && done === undefined)
  )
    return undefined
  return { ...(due === undefined ? {} : { due }), ...(done === undefined ? {} : { done }) }
}
