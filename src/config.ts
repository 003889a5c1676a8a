import type { KeyValue } from './rollout/ports.js'
import type {
  Command,
  PreviewSettings,
  ReleaseSpec,
  Settings,
  TrafficStep
} from './rollout/settings.js'
import type { ContainerImage, SecretRef } from './taskdef/render.js'
import { listenerOf } from './rollout/discover.js'
import { InputError } from './rollout/errors.js'
import { parseWatch, WATCH_DEFAULTS, WATCH_INPUTS } from './config-watch.js'
import { MIGRATION_DEFAULTS, MIGRATION_INPUTS, parseMigration } from './config-migration.js'
import { formatDuration, parseDuration } from './rollout/duration.js'
import { parseEnvironmentLines } from './taskdef/environment.js'
import { readTaskDefinitionFile } from './taskdef/file.js'
import { renderTaskDefinition } from './taskdef/render.js'
import {
  parseCommand as parseContainerCommand,
  parseImages,
  parseKeyValues,
  parseLogDriver,
  parseRoleArn,
  parseSecrets
} from './taskdef/render-inputs.js'
import { parseRevisionRef } from './taskdef/revision.js'
import { checkImageReference, IMAGE_FORM } from './taskdef/image.js'
import { quote } from './taskdef/quote.js'

/**
 * Every input is parsed and checked here, before anything talks to AWS, and every problem is an
 * InputError that names the input, quotes what was given (shortened) and says what is valid.
 */

export interface SettingsOptions {
  /** reads a whole file as UTF-8; default: node:fs */
  readFile?: (path: string) => string
  /** the region the AWS clients use; ARNs of another region are refused when it is known */
  region?: string
  /** what the task-definition path is relative to; default: the current directory */
  workspace?: string
}

/** The inputs of AWS's render and deploy actions (issue 14): all empty by default. */
const RENDER_DEFAULTS = {
  images: '',
  secrets: '',
  'container-command': '',
  'docker-labels': '',
  'log-configuration-log-driver': '',
  'log-configuration-options': '',
  'task-role-arn': '',
  'execution-role-arn': '',
  'desired-count': '',
  'propagate-tags': '',
  'enable-ecs-managed-tags': ''
} as const

/** action.yml's defaults, applied to '' so that parsing works the same outside GitHub. */
const DEFAULTS = {
  command: 'deploy',
  cluster: '',
  services: '',
  listener: '',
  'task-definition': '',
  container: '',
  image: '',
  environment: '',
  'traffic-steps': '10,50,100',
  'step-wait': '1m',
  timeout: '30m',
  'scale-down-delay': 'auto',
  'poll-interval': '5s',
  'github-token': '',
  'dry-run': 'false',
  'preview-base-service': '',
  'preview-listener': '',
  'preview-host': '',
  'preview-path': '',
  'preview-task-count': '1',
  'preview-rule-priorities': '40000-49999',
  'pr-number': '',
  'stale-after': '5m',
  'lock-priority': '',
  'on-interrupted': 'revert',
  'straight-to-100': 'false',
  'keep-revisions': '',
  ...WATCH_DEFAULTS,
  ...RENDER_DEFAULTS,
  ...MIGRATION_DEFAULTS
} as const

type InputName = keyof typeof DEFAULTS

const COMMANDS: readonly Command[] = [
  'deploy',
  'promote',
  'abort',
  'rollback',
  'status',
  'preview',
  'preview-destroy',
  'preview-gc',
  'tidy'
]

const RELEASE: readonly InputName[] = [
  'task-definition',
  'container',
  'image',
  'environment',
  'images',
  'secrets',
  'container-command',
  'docker-labels',
  'log-configuration-log-driver',
  'log-configuration-options',
  'task-role-arn',
  'execution-role-arn'
]
/** how the new side's service is run: deploy's only (a preview has preview-task-count) */
const NEW_SIDE: readonly InputName[] = [
  'desired-count',
  'propagate-tags',
  'enable-ecs-managed-tags'
]
const ROLLOUT: readonly InputName[] = [
  'traffic-steps',
  'step-wait',
  'timeout',
  'scale-down-delay',
  'poll-interval'
]
const WAITING: readonly InputName[] = ['timeout', 'poll-interval']
/** where the previews are; enough to find and remove them */
const PREVIEW_PLACE: readonly InputName[] = ['preview-listener']
const PREVIEW: readonly InputName[] = [
  ...PREVIEW_PLACE,
  'preview-base-service',
  'preview-host',
  'preview-path',
  'preview-task-count',
  'preview-rule-priorities',
  'pr-number'
]

/**
 * The inputs each command reads besides cluster, services, listener, dry-run and github-token.
 * The others are left at their defaults, unchecked: an urgent rollback must not fail because an
 * image or step list shared with the deploy step is wrong.
 */
const READS: Record<Command, readonly InputName[]> = {
  deploy: [
    ...RELEASE,
    ...NEW_SIDE,
    ...ROLLOUT,
    'stale-after',
    'on-interrupted',
    'lock-priority',
    'keep-revisions',
    ...WATCH_INPUTS,
    ...MIGRATION_INPUTS
  ],
  // a preview is not shifted step by step: it is up once healthy
  preview: [...RELEASE, ...WAITING, ...PREVIEW],
  // the steps a promote walks are watched as a deploy's are (its test traffic ran before them)
  promote: [
    ...ROLLOUT,
    'stale-after',
    'straight-to-100',
    'lock-priority',
    'keep-revisions',
    ...WATCH_INPUTS,
    'desired-count'
  ],
  abort: [...WAITING, 'scale-down-delay', 'lock-priority'],
  rollback: [...WAITING, 'scale-down-delay', 'lock-priority'],
  status: ['stale-after'],
  // a scale-down a promotion left to a later run, and nothing else
  tidy: [...WAITING, 'stale-after', 'lock-priority'],
  'preview-destroy': [...WAITING, ...PREVIEW_PLACE, 'pr-number'],
  'preview-gc': [...WAITING, ...PREVIEW_PLACE]
}

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov']
const NAME = /^[A-Za-z0-9_-]{1,255}$/
const NAME_RULE = '1-255 letters, digits, hyphens or underscores'
const ARN = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/
const ACCOUNT = /^\d{12}$/
const MAX_STEPS = 20
/** longer than any GitHub job runs (5 days on a self-hosted runner); also keeps timers exact */
const MAX_DURATION_MS = 120 * 3_600_000

export function parseSettings(
  input: (name: string) => string,
  options: SettingsOptions = {}
): Settings {
  const given = (name: InputName): string => input(name).trim()
  const command = parseCommand(given('command') || DEFAULTS.command)
  const value = (name: InputName): string =>
    (READS[command].includes(name) ? given(name) : '') || DEFAULTS[name]
  const region = options.region || undefined

  const cluster = parseCluster(required('cluster', given('cluster')), region)
  const servicesText = required('services', given('services'))
  // one service: ECS deploys it itself (its strategy is checked once AWS is asked), and its
  // listener rules come from its own advancedConfiguration
  const one = oneService(servicesText, cluster, region)
  const services = one
    ? ([one, one] as [string, string])
    : parseServices(servicesText, cluster.name, region)
  // a preview's host rule goes on a listener: previews of such a service still need one
  const route =
    one && given('listener') === '' && !command.startsWith('preview')
      ? { arn: '', kind: 'rule' as const }
      : parseRoute(required('listener', given('listener')), region)

  const path = value('task-definition')
  const revision = path === '' ? undefined : parseRevisionRef(path, region)
  const taskDefinition = path === '' || revision ? undefined : readTaskDefinitionFile(path, options)
  const container = parseContainer(value('container'))
  const render = parseRenderInputs(value)
  const image = parseImage(command, value('image'), path, render.images)
  const environment = parseEnvironmentLines(value('environment'))
  checkVariables(environment, render.secrets)
  // a file is known now: what it lacks (a container, a log driver) is refused before AWS is asked
  if (taskDefinition)
    renderTaskDefinition(taskDefinition, { container, image, environment, ...render })

  const steps = parseSteps(value('traffic-steps'))
  const stepWaitMs = parseDurationInput('step-wait', value('step-wait'), STEP_WAIT)
  const timeoutMs = parseDurationInput('timeout', value('timeout'), TIMEOUT)
  // ECS bakes a managed deployment on its own schedule (the service's deploymentConfiguration)
  if (READS[command].includes('traffic-steps') && !one) {
    checkTimeout(value('timeout'), timeoutMs, steps, stepWaitMs)
  }
  const scaleDownDelayMs = parseScaleDownDelay(value('scale-down-delay'))
  const pollIntervalMs = parseDurationInput('poll-interval', value('poll-interval'), POLL_INTERVAL)
  const watch = parseWatch(value, (text, input) => parseRoute(text, region, input), route.arn)
  const migration = parseMigration(value, taskDefinition, { container })
  const preview = command.startsWith('preview')
    ? parsePreview(command, value, cluster.name, route, region)
    : undefined

  return {
    command,
    cluster: cluster.given,
    services,
    routeArn: route.arn,
    routeKind: route.kind,
    release: {
      ...(taskDefinition ? { taskDefinition, taskDefinitionPath: path } : {}),
      ...(container ? { container } : {}),
      image,
      environment,
      ...(revision ? { taskDefinitionRevision: revision.ref } : {}),
      ...render
    },
    steps,
    stepWaitMs,
    timeoutMs,
    scaleDownDelayMs,
    pollIntervalMs,
    dryRun: parseBoolean('dry-run', given('dry-run') || DEFAULTS['dry-run']),
    githubToken: given('github-token'),
    ...(one
      ? {
          managed: {
            service: one,
            stepsGiven: READS[command].includes('traffic-steps') && given('traffic-steps') !== ''
          }
        }
      : {}),
    ...(preview ? { preview } : {}),
    ...(watch ? { watch } : {}),
    ...(migration ? { migration } : {}),
    ...parseDurableInputs(command, given),
    ...parseNewSide(value),
    ...parseKeepRevisions(READS[command].includes('keep-revisions') ? given('keep-revisions') : '')
  }
}

// ---------- keep-revisions ----------

/** ECS allows 1,000,000 revisions of a family. */
const MAX_KEEP_REVISIONS = 1_000_000

/** `keep-revisions`: a positive whole number, or empty (keep every revision). */
function parseKeepRevisions(text: string): Pick<Settings, 'keepRevisions'> {
  if (text === '') return {}
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > MAX_KEEP_REVISIONS) {
    throw new InputError(
      'keep-revisions',
      `${quote(text)} is not valid; use a whole number from 1 to ${MAX_KEEP_REVISIONS} (how many ` +
        "of the family's newest ACTIVE revisions to keep after a promotion), or leave it empty " +
        'to keep them all'
    )
  }
  return { keepRevisions: Number(text) }
}

// ---------- the rollout kept in tags: stale-after, on-interrupted, straight-to-100 ----------

const STALE_AFTER: Range = { min: 1000, max: MAX_DURATION_MS, words: 'from 1s to 120h' }
const ON_INTERRUPTED = ['revert', 'resume'] as const

/**
 * Only the inputs the command reads and the workflow set: left out, the domain's defaults
 * (action.yml's) apply.
 */
function parseDurableInputs(
  command: Command,
  given: (name: InputName) => string
): Pick<Settings, 'staleAfterMs' | 'onInterrupted' | 'straightTo100' | 'lockPriority'> {
  const set = (name: InputName): string | undefined =>
    READS[command].includes(name) && given(name) !== '' ? given(name) : undefined
  const staleAfter = set('stale-after')
  const onInterrupted = set('on-interrupted')
  const straight = set('straight-to-100')
  const lock = set('lock-priority')
  const mode = ON_INTERRUPTED.find((known) => known === onInterrupted)
  if (onInterrupted !== undefined && !mode) {
    throw new InputError(
      'on-interrupted',
      `${quote(onInterrupted)} is not valid; use "revert" (return an interrupted rollout's ` +
        'traffic to its previous side, then deploy) or "resume" (carry it on from its step)'
    )
  }
  return {
    ...(staleAfter === undefined
      ? {}
      : { staleAfterMs: parseDurationInput('stale-after', staleAfter, STALE_AFTER) }),
    ...(mode ? { onInterrupted: mode } : {}),
    ...(straight === undefined ? {} : { straightTo100: parseBoolean('straight-to-100', straight) }),
    ...(lock === undefined ? {} : { lockPriority: parseLockPriority(lock) })
  }
}

/** A listener rule priority, as ELBv2 allows them. */
function parseLockPriority(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 50_000) {
    throw new InputError(
      'lock-priority',
      `${quote(text)} is not a listener rule priority; use a whole number from 1 to 50000 that ` +
        'no rule of the listener uses (left empty, the action picks one from 49001-50000)'
    )
  }
  return Number(text)
}

function required(name: InputName, text: string): string {
  if (text !== '') return text
  const what: Partial<Record<InputName, string>> = {
    cluster: 'the ECS cluster name or ARN, e.g. "production"',
    services: 'the two ECS services of the pair, comma-separated, e.g. "web-blue,web-green"',
    listener:
      'the ARN of the ALB listener or listener rule that forwards to the pair, e.g. ' +
      '"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/0123456789abcdef"',
    image:
      `the new image for deploy and preview, ${IMAGE_FORM} ` +
      "(or 'images' for several containers, or a 'task-definition' to deploy as it is)"
  }
  throw new InputError(name, `is required: ${what[name] ?? 'give a value'}`)
}

// ---------- command ----------

function parseCommand(text: string): Command {
  const command = COMMANDS.find((known) => known === text)
  if (command) return command
  throw new InputError(
    'command',
    `${quote(text)} is not a command; use one of ${COMMANDS.join(', ')}`
  )
}

// ---------- ARNs: cluster, services, listener ----------

interface Arn {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

function splitArn(text: string): Arn | undefined {
  const match = ARN.exec(text)
  if (!match) return undefined
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match
  return { partition, service, region, account, resource }
}

/** Problems every ARN input shares: partition, account, and a region other than the action's. */
function checkArn(name: InputName, text: string, arn: Arn, region: string | undefined): void {
  if (!PARTITIONS.includes(arn.partition)) {
    throw new InputError(
      name,
      `${quote(text, 200)} has partition ${quote(arn.partition)}; expected one of ${PARTITIONS.join(', ')}`
    )
  }
  if (!ACCOUNT.test(arn.account)) {
    throw new InputError(
      name,
      `${quote(text, 200)} has account ${quote(arn.account)}; an account ID is 12 digits`
    )
  }
  if (region !== undefined && arn.region !== region) {
    throw new InputError(
      name,
      `${quote(text, 200)} is in region ${quote(arn.region)}, but the action works in region ` +
        `${quote(region)}; give an ARN in ${region}, or set AWS_REGION to ${arn.region}`
    )
  }
}

function parseCluster(text: string, region: string | undefined): { given: string; name: string } {
  const expected = `a cluster name (${NAME_RULE}) or a cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)`
  if (NAME.test(text)) return { given: text, name: text }
  const arn = splitArn(text)
  const name = arn?.resource.match(/^cluster\/(.+)$/)?.[1]
  if (!arn || arn.service !== 'ecs' || name === undefined || !NAME.test(name)) {
    throw new InputError('cluster', `${quote(text, 200)} is not ${expected}`)
  }
  checkArn('cluster', text, arn, region)
  return { given: text, name }
}

/** `services` naming one service, by name; undefined when it names more (or none). */
function oneService(
  text: string,
  cluster: { name: string },
  region: string | undefined
): string | undefined {
  const items = text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return items.length === 1
    ? serviceName('services', items[0] ?? '', cluster.name, region)
    : undefined
}

function parseServices(
  text: string,
  cluster: string,
  region: string | undefined
): [string, string] {
  const expected = 'two ECS service names (or ARNs), comma-separated, e.g. "web-blue,web-green"'
  const items = text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (items.length !== 2) {
    const count = items.length === 1 ? 'one service' : `${items.length} services`
    throw new InputError('services', `${quote(text, 200)} names ${count}; expected ${expected}`)
  }
  const [first = '', second = ''] = items.map((item) =>
    serviceName('services', item, cluster, region)
  )
  if (first === second) {
    throw new InputError(
      'services',
      `${quote(text, 200)} names ${quote(first)} twice; the pair is two different services, e.g. "web-blue,web-green"`
    )
  }
  return [first, second]
}

function serviceName(
  input: InputName,
  text: string,
  cluster: string,
  region: string | undefined
): string {
  if (NAME.test(text)) return text
  const arn = splitArn(text)
  // the long ARN format names the cluster; the old short one does not
  const match = arn?.resource.match(/^service\/(?:([^/]+)\/)?([^/]+)$/)
  const name = match?.[2]
  if (!arn || arn.service !== 'ecs' || name === undefined || !NAME.test(name)) {
    throw new InputError(
      input,
      `${quote(text, 200)} is not a service name (${NAME_RULE}) or a service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<name>)`
    )
  }
  checkArn(input, text, arn, region)
  const arnCluster = match?.[1]
  if (arnCluster !== undefined && arnCluster !== cluster) {
    throw new InputError(
      input,
      `${quote(text, 200)} is a service of cluster ${quote(arnCluster)}, but input 'cluster' is ${quote(cluster)}; ${input === 'services' ? 'both services' : 'it'} must be in that cluster`
    )
  }
  return name
}

const LISTENER_FORMS =
  'the ARN of an Application Load Balancer listener ' +
  '(arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<load-balancer>/<16 hex>/<16 hex>) ' +
  'or listener rule (...:listener-rule/app/<load-balancer>/<16 hex>/<16 hex>/<16 hex>)'
const LB_NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?'
const HEX = '[0-9a-f]{16}'
const LISTENER = new RegExp(`^listener/app/${LB_NAME}/${HEX}/${HEX}$`)
const LISTENER_RULE = new RegExp(`^listener-rule/app/${LB_NAME}/${HEX}/${HEX}/${HEX}$`)

function parseRoute(
  text: string,
  region: string | undefined,
  input: InputName = 'listener'
): { arn: string; kind: 'listener' | 'rule' } {
  const arn = splitArn(text)
  if (!arn)
    throw new InputError(input, `${quote(text, 200)} is not an ARN; expected ${LISTENER_FORMS}`)
  if (arn.service !== 'elasticloadbalancing') {
    throw new InputError(
      input,
      `${quote(text, 200)} is an ARN of service ${quote(arn.service)}, not of a load balancer listener; expected ${LISTENER_FORMS}`
    )
  }
  const wrongKind = wrongResourceKind(arn.resource)
  if (wrongKind)
    throw new InputError(input, `${quote(text, 200)} ${wrongKind}; expected ${LISTENER_FORMS}`)
  const kind = LISTENER.test(arn.resource)
    ? 'listener'
    : LISTENER_RULE.test(arn.resource)
      ? 'rule'
      : undefined
  if (!kind) {
    throw new InputError(
      input,
      `${quote(text, 200)} is not a well-formed listener or rule ARN; expected ${LISTENER_FORMS}`
    )
  }
  checkArn(input, text, arn, region)
  return { arn: text, kind }
}

/** Says what a load balancing ARN that is not an ALB listener or rule is, so the fix is clear. */
function wrongResourceKind(resource: string): string | undefined {
  const [type, lbType] = resource.split('/')
  const lbKind =
    lbType === 'net'
      ? 'Network Load Balancer'
      : lbType === 'gwy'
        ? 'Gateway Load Balancer'
        : 'load balancer'
  if (type === 'targetgroup') {
    return 'is a target group ARN; give the listener (or rule) that forwards to the two target groups instead'
  }
  if (type === 'loadbalancer') {
    return lbType === 'app'
      ? "is an Application Load Balancer's ARN; give the ARN of its listener (or listener rule) that forwards to the pair"
      : `is a ${lbKind}'s ARN; this action needs an Application Load Balancer listener`
  }
  if ((type === 'listener' || type === 'listener-rule') && lbType !== 'app') {
    return `is a ${lbKind} listener; only Application Load Balancer listeners forward to two target groups by weight`
  }
  return undefined
}

// ---------- the release: task definition file, container, image, environment ----------

function parseContainer(text: string): string | undefined {
  if (text === '') return undefined
  if (!NAME.test(text)) {
    throw new InputError(
      'container',
      `${quote(text)} is not a container name; a name is ${NAME_RULE}`
    )
  }
  return text
}

/**
 * `image`: required unless `images` or a `task-definition` says what to deploy; not together
 * with `images` (one is the other's short form for the chosen container).
 */
function parseImage(
  command: Command,
  text: string,
  taskDefinition: string,
  images: ContainerImage[] | undefined
): string {
  if (!READS[command].includes('image')) return ''
  if (text !== '' && images) {
    throw new InputError(
      'images',
      `is set together with input 'image' (${quote(text, 80)}); give each container's image ` +
        'in images (container=image lines), or one image with image (and container), not both'
    )
  }
  if (text === '' && (images || taskDefinition !== '')) return ''
  return checkImageReference(required('image', text))
}

/** The render inputs of the official render action, each set only when given. */
function parseRenderInputs(value: (name: InputName) => string): Partial<ReleaseSpec> {
  const images = parseImages(value('images'))
  const secrets = parseSecrets(value('secrets'))
  const command = parseContainerCommand(value('container-command'))
  const dockerLabels = parseKeyValues('docker-labels', value('docker-labels'))
  const logDriver = parseLogDriver(value('log-configuration-log-driver'))
  const logOptions = parseKeyValues('log-configuration-options', value('log-configuration-options'))
  const taskRoleArn = parseRoleArn('task-role-arn', value('task-role-arn'))
  const executionRoleArn = parseRoleArn('execution-role-arn', value('execution-role-arn'))
  return {
    ...(images.length > 0 ? { images } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(command ? { command } : {}),
    ...(dockerLabels.length > 0 ? { dockerLabels } : {}),
    ...(logDriver ? { logDriver } : {}),
    ...(logOptions.length > 0 ? { logOptions } : {}),
    ...(taskRoleArn ? { taskRoleArn } : {}),
    ...(executionRoleArn ? { executionRoleArn } : {})
  }
}

/** A variable is a plain value or a secret, not both. */
function checkVariables(environment: KeyValue[], secrets: SecretRef[] | undefined): void {
  const both = (secrets ?? []).find((secret) => environment.some((e) => e.name === secret.name))
  if (both) {
    throw new InputError(
      'secrets',
      `sets ${quote(both.name)}, which input 'environment' sets too; a variable is either a ` +
        'plain value (environment) or a secret (secrets), not both'
    )
  }
}

// ---------- the new side's service: desired-count, propagate-tags, enable-ecs-managed-tags ----------

/** ECS runs at most 5,000 tasks in one service (a quota that cannot be raised). */
const MAX_SERVICE_TASKS = 5000
const PROPAGATE_TAGS = ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const

function parseNewSide(
  value: (name: InputName) => string
): Pick<Settings, 'desiredCount' | 'propagateTags' | 'enableEcsManagedTags'> {
  const count = value('desired-count')
  const propagate = value('propagate-tags')
  const managed = value('enable-ecs-managed-tags')
  const desiredCount = /^\d{1,4}$/.test(count) ? Number(count) : NaN
  if (count !== '' && !(desiredCount >= 1 && desiredCount <= MAX_SERVICE_TASKS)) {
    throw new InputError(
      'desired-count',
      `${quote(count, 40)} is not a task count; use a whole number from 1 to ${MAX_SERVICE_TASKS} ` +
        "(the new side's tasks), or leave it empty for the live side's count"
    )
  }
  const propagateTags = PROPAGATE_TAGS.find((known) => known === propagate)
  if (propagate !== '' && !propagateTags) {
    throw new InputError(
      'propagate-tags',
      `${quote(propagate, 40)} is not valid; use TASK_DEFINITION (tasks get the task ` +
        "definition's tags), SERVICE (the service's tags) or NONE"
    )
  }
  return {
    ...(count === '' ? {} : { desiredCount }),
    ...(propagateTags ? { propagateTags } : {}),
    ...(managed === ''
      ? {}
      : { enableEcsManagedTags: parseBoolean('enable-ecs-managed-tags', managed) })
  }
}

// ---------- the rollout: steps, durations ----------

const STEPS_RULE =
  'weights for the new side (integers 1-100, strictly increasing, the last one 100), separated by commas, with optional \'pause\' items between them, e.g. "10,25,50,100" or "pause,10,pause,50,100"'

function parseSteps(text: string): TrafficStep[] {
  const refuse = (problem: string) =>
    new InputError('traffic-steps', `${problem}; expected ${STEPS_RULE}`)
  const items = text
    .replace(/,[ \t]*\r?\n/g, '\n')
    .split(/[,\n]/)
    .map((item) => item.trim())
  if (items.length > MAX_STEPS)
    throw refuse(`${quote(text)} has ${items.length} items, more than ${MAX_STEPS}`)
  const steps: TrafficStep[] = []
  let lastPercent = 0
  items.forEach((item, index) => {
    const where = `item ${index + 1}`
    const previous = steps[steps.length - 1]
    if (item === '') throw refuse(`${quote(text)} has an empty ${where}`)
    if (item.toLowerCase() === 'pause') {
      if (previous?.kind === 'pause')
        throw refuse(`${quote(text)} has two pauses in a row at ${where}`)
      steps.push({ kind: 'pause' })
      return
    }
    const match = /^(\d{1,3})%?$/.exec(item)
    const percent = match ? Number(match[1]) : NaN
    if (!(percent >= 1 && percent <= 100)) {
      throw refuse(
        `${quote(text)} has ${where} ${quote(item)}, which is neither a weight from 1 to 100 nor 'pause'`
      )
    }
    if (lastPercent === 100) throw refuse(`${quote(text)} goes on after 100`)
    if (percent <= lastPercent) {
      throw refuse(`${quote(text)} has ${percent} after ${lastPercent}; weights must increase`)
    }
    steps.push({ kind: 'weight', percent })
    lastPercent = percent
  })
  if (steps[steps.length - 1]?.kind === 'pause') {
    throw refuse(
      `${quote(text)} ends with a pause; a run pauses before a weight, and the last item is 100`
    )
  }
  if (lastPercent !== 100) throw refuse(`${quote(text)} ends at ${lastPercent}, not 100`)
  return steps
}

interface Range {
  min: number
  max: number
  words: string
}

const STEP_WAIT: Range = { min: 0, max: MAX_DURATION_MS, words: 'from 0s to 120h' }
const TIMEOUT: Range = { min: 1, max: MAX_DURATION_MS, words: 'longer than 0s, up to 120h' }
const POLL_INTERVAL: Range = { min: 100, max: 300_000, words: 'from 100ms to 5m' }

function parseDurationInput(name: InputName, text: string, range: Range): number {
  const ms = parseDuration(text)
  if (ms === undefined) {
    throw new InputError(
      name,
      `${quote(text)} is not a duration; write a number with a unit (ms, s, m or h), e.g. "30s", "5m" or "1m30s", ${range.words}`
    )
  }
  if (ms < range.min || ms > range.max) {
    throw new InputError(name, `${quote(text)} is out of range; use a duration ${range.words}`)
  }
  return ms
}

/** Each weight step bakes for step-wait, so a timeout shorter than all of them always fires. */
function checkTimeout(
  text: string,
  timeoutMs: number,
  steps: TrafficStep[],
  stepWaitMs: number
): void {
  const weights = steps.filter((step) => step.kind === 'weight').length
  const bakingMs = weights * stepWaitMs
  if (timeoutMs > bakingMs) return
  throw new InputError(
    'timeout',
    `${quote(text)} is not longer than the baking it must include ` +
      `(${weights} steps × step-wait ${formatDuration(stepWaitMs)} = ${formatDuration(bakingMs)}); ` +
      `use more than ${formatDuration(bakingMs)}, with room for the new side to start`
  )
}

function parseScaleDownDelay(text: string): number | null | undefined {
  if (text === 'auto') return undefined
  if (text === 'never') return null
  const ms = parseDuration(text)
  if (ms === undefined || ms > MAX_DURATION_MS) {
    throw new InputError(
      'scale-down-delay',
      `${quote(text)} is not valid; use a duration up to 120h (e.g. "10m"), ` +
        '"auto" (the target group\'s deregistration delay) or "never" (keep the old side running)'
    )
  }
  return ms
}

// ---------- previews ----------

const PLACEHOLDER = '{number}'
/** A pattern must still fit AWS's limits with the longest PR number there will be. */
const WIDEST_NUMBER = '9999999999'
/** ALB host-header and path-pattern condition values are at most 128 characters. */
const CONDITION_MAX = 128
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const PATH_PREFIX = /^(?:\/[A-Za-z0-9._~-]+)+$/
const MAX_PREVIEW_TASKS = 100
const PRIORITY_MAX = 50000

function parsePreview(
  command: Command,
  value: (name: InputName) => string,
  cluster: string,
  route: { arn: string; kind: 'listener' | 'rule' },
  region: string | undefined
): PreviewSettings {
  const listenerText = value('preview-listener')
  const listenerArn =
    listenerText === '' ? listenerOf(route.arn) : parsePreviewListener(listenerText, region)
  const baseText = value('preview-base-service')
  const host = parsePreviewHost(value('preview-host'))
  const path = parsePreviewPath(value('preview-path'))
  if (command === 'preview') checkPreviewAddress(host, path)
  const prText = value('pr-number')
  return {
    listenerArn,
    ...(baseText === ''
      ? {}
      : { baseService: serviceName('preview-base-service', baseText, cluster, region) }),
    ...(host === undefined ? {} : { host }),
    ...(path === undefined ? {} : { path }),
    taskCount: parseTaskCount(value('preview-task-count')),
    priorities: parsePriorities(value('preview-rule-priorities')),
    ...(prText === '' ? {} : { prNumber: parsePrNumber(prText) })
  }
}

function parsePreviewListener(text: string, region: string | undefined): string {
  const route = parseRoute(text, region, 'preview-listener')
  if (route.kind === 'rule') {
    throw new InputError(
      'preview-listener',
      `${quote(text, 200)} is a listener rule; give the listener that the preview rules are added to ` +
        '(arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<load-balancer>/<16 hex>/<16 hex>)'
    )
  }
  return route.arn
}

function otherPlaceholder(input: InputName, text: string, sample: string): void {
  if (/[{}]/.test(sample)) {
    throw new InputError(
      input,
      `${quote(text)} has a placeholder other than ${PLACEHOLDER}; ${PLACEHOLDER} is where the pull request number goes`
    )
  }
}

function parsePreviewHost(text: string): string | undefined {
  if (text === '') return undefined
  const host = text.toLowerCase()
  const sample = host.replaceAll(PLACEHOLDER, WIDEST_NUMBER)
  otherPlaceholder('preview-host', text, sample)
  const labels = sample.split('.')
  if (labels.length < 2 || !labels.every((label) => HOST_LABEL.test(label))) {
    throw new InputError(
      'preview-host',
      `${quote(text)} is not a host name pattern; expected dot-separated labels of letters, digits ` +
        `and hyphens with ${PLACEHOLDER} where the PR number goes, and no wildcard, scheme, port or ` +
        'path, e.g. "pr-{number}.preview.example.com"'
    )
  }
  if (sample.length > CONDITION_MAX) {
    throw new InputError(
      'preview-host',
      `${quote(text)} is too long: with a 10-digit PR number it is ${sample.length} characters, ` +
        `and a load balancer matches host names of at most ${CONDITION_MAX}`
    )
  }
  return host
}

function parsePreviewPath(text: string): string | undefined {
  if (text === '') return undefined
  const sample = text.replaceAll(PLACEHOLDER, WIDEST_NUMBER)
  otherPlaceholder('preview-path', text, sample)
  if (!PATH_PREFIX.test(sample)) {
    throw new InputError(
      'preview-path',
      `${quote(text)} is not a path prefix pattern; expected '/' and segments of letters, digits, ` +
        `'.', '_', '~' or '-', with ${PLACEHOLDER} where the PR number goes, no trailing '/' and ` +
        'no wildcard, e.g. "/pr-{number}"'
    )
  }
  // the rule matches the prefix itself and everything below it: `<prefix>/*`
  if (sample.length + 2 > CONDITION_MAX) {
    throw new InputError(
      'preview-path',
      `${quote(text)} is too long: with a 10-digit PR number and '/*' it is ${sample.length + 2} ` +
        `characters, and a load balancer matches paths of at most ${CONDITION_MAX}`
    )
  }
  return text
}

/** Each preview needs an address of its own, so the PR number has to be in one of them. */
function checkPreviewAddress(host: string | undefined, path: string | undefined): void {
  if (host === undefined && path === undefined) {
    throw new InputError(
      'preview-host',
      'is required for command: preview, unless preview-path is set: the host name each preview ' +
        `answers on, with ${PLACEHOLDER} for the PR number, e.g. "pr-{number}.preview.example.com"`
    )
  }
  if (!host?.includes(PLACEHOLDER) && !path?.includes(PLACEHOLDER)) {
    throw new InputError(
      host === undefined ? 'preview-path' : 'preview-host',
      `${quote(host ?? path ?? '')} has no ${PLACEHOLDER}, so every pull request would get the same ` +
        `address; put ${PLACEHOLDER} in preview-host or preview-path, e.g. "pr-{number}.preview.example.com"`
    )
  }
}

function parseTaskCount(text: string): number {
  const count = /^\d{1,3}$/.test(text) ? Number(text) : NaN
  if (!(count >= 1 && count <= MAX_PREVIEW_TASKS)) {
    throw new InputError(
      'preview-task-count',
      `${quote(text)} is not a task count; use a whole number from 1 to ${MAX_PREVIEW_TASKS}`
    )
  }
  return count
}

function parsePriorities(text: string): { min: number; max: number } {
  const match = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(text)
  const min = Number(match?.[1])
  const max = Number(match?.[2])
  if (!match || min < 1 || max > PRIORITY_MAX || min > max) {
    throw new InputError(
      'preview-rule-priorities',
      `${quote(text)} is not a range of listener rule priorities; write the lowest and the highest ` +
        `(1 to ${PRIORITY_MAX}) with a hyphen between, e.g. "40000-49999"`
    )
  }
  return { min, max }
}

function parsePrNumber(text: string): number {
  const number = /^\d{1,10}$/.test(text) ? Number(text) : NaN
  if (!(number >= 1)) {
    throw new InputError(
      'pr-number',
      `${quote(text)} is not a pull request number; use the number only, e.g. "42"`
    )
  }
  return number
}

// ---------- flags ----------

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

function parseBoolean(name: InputName, text: string): boolean {
  if (TRUE.includes(text)) return true
  if (FALSE.includes(text)) return false
  throw new InputError(name, `${quote(text)} is not a boolean; use true or false`)
}
