import { errorText, recordTimeline, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { formatDuration } from './duration.js'
import { InputError } from './errors.js'
import { failed } from './idle-side.js'
import { pollUntil } from './poll.js'
import type { ContainerDefinition, TaskDefinition, TaskView } from './ports.js'
import type { MigrationReport, MigrationSettings, ReleaseSpec } from './settings.js'
import type { RolloutState } from './state.js'

/**
 * The one-off task ("migration") of a deploy: one task of the new revision with the container's
 * command replaced, started once the idle side is healthy and before any weight moves, on the
 * idle service's network and launch type (or capacity provider strategy). The rollout goes on
 * only when that container exits 0; anything else reverts with nothing shifted.
 *
 * Run once, even across runs: the task's ARN is recorded in the rollout record (phase `migrate`,
 * tag `migration`) as soon as RunTask answers, before it is waited for. A run that picks the
 * rollout up again follows that task to its end instead of starting another one, and a record in
 * `shift` or `paused` means the migration exited 0 already, so a promote or a resume never runs it
 * again. What cannot be known is a run that died between recording `migrate` and RunTask's
 * answer: the task may or may not have started, so such a rollout is reverted, never resumed into
 * a second migration that could run beside the first (see durable/resume.ts). RunTask carries a
 * client token, so the SDK's own retries of it start one task at most.
 */

/** ECS keeps a stopped task about an hour; right after RunTask it may not be listed yet. */
const MISSING_GRACE_MS = 60_000
const STARTED_BY_PREFIX = 'ecs-blue-green/migration/'
/** RunTask's startedBy: up to 128 letters, digits, hyphens, slashes and underscores */
const STARTED_BY_MAX = 128

/** The container the one-off task's command replaces: the input, the release's, or the only one. */
export function migrationContainer(
  definition: TaskDefinition,
  migration: MigrationSettings,
  release: Pick<ReleaseSpec, 'container'>
): ContainerDefinition {
  const containers = definition.containerDefinitions
  const names = containers.map((container) => `'${container.name}'`).join(', ')
  const where = `task definition '${definition.family}'`
  const wanted = migration.container ?? release.container
  if (wanted !== undefined) {
    const found = containers.find((container) => container.name === wanted)
    if (found) return found
    throw new InputError(
      migration.container !== undefined ? 'migration-container' : 'container',
      `${where} has no container named '${wanted}'; its containers are ${names}`
    )
  }
  const [only, ...others] = containers
  if (only && others.length === 0) return only
  throw new InputError(
    'migration-container',
    `${where} has ${containers.length} containers (${names}); set this input to the one whose ` +
      'command runs the migration'
  )
}

/** `ecs-blue-green/migration/web-green`: recognisable in the console and in ListTasks. */
export function migrationStartedBy(service: string): string {
  return `${STARTED_BY_PREFIX}${service}`.slice(0, STARTED_BY_MAX)
}

/** The command as one line, for messages. */
export function commandWords(command: string[]): string {
  const text = command.map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part)).join(' ')
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

export async function migrate(
  state: Extract<RolloutState, { phase: 'migrate' }>,
  run: RunContext
): Promise<Observed> {
  run.deps.observer.phase('Run migration task')
  return state.taskArn === undefined ? start(state, run) : follow(state, state.taskArn, run)
}

async function start(
  state: Extract<RolloutState, { phase: 'migrate' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair, release, startedAt } = state
  const migration = settings.migration
  if (!migration) {
    return failed(run, startedAt, 'idle', 'rollout bug: a migration to run without its command')
  }
  const definition = await deps.ecs.describeTaskDefinition(release.taskDefinitionArn)
  const container = migrationContainer(definition, migration, settings.release)
  const [view] = await deps.ecs.describeServices(pair.cluster, [pair.idle.service])
  if (!view || 'missing' in view) {
    return failed(run, startedAt, 'idle', `${pair.idle.service} was not found to run the migration`)
  }
  run.migration = {
    container: container.name,
    command: migration.command,
    result: 'failed'
  }
  deps.observer.info(
    `running ${container.name}: ${commandWords(migration.command)} in one task of ` +
      `${release.label}, placed as ${pair.idle.service}'s tasks are`
  )
  try {
    const taskArn = await deps.ecs.runTask({
      cluster: pair.cluster,
      taskDefinitionArn: release.taskDefinitionArn,
      container: container.name,
      command: migration.command,
      placement: view.placement ?? {},
      startedBy: migrationStartedBy(pair.idle.service)
    })
    run.migration.taskArn = taskArn
    deps.observer.info(`started task ${taskId(taskArn)}`)
    return { kind: 'migration-started', taskArn }
  } catch (error) {
    return failed(
      run,
      startedAt,
      'idle',
      `the migration (${commandWords(migration.command)}) could not start: ${errorText(error)}`
    )
  }
}

async function follow(
  state: Extract<RolloutState, { phase: 'migrate' }>,
  taskArn: string,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair, release, startedAt } = state
  const id = taskId(taskArn)
  const definition = await deps.ecs
    .describeTaskDefinition(release.taskDefinitionArn)
    .catch(() => undefined)
  const wanted =
    definition && settings.migration
      ? tryContainer(definition, settings.migration, settings.release)
      : undefined
  const report: MigrationReport = run.migration ?? {
    container: wanted?.name ?? '',
    command: settings.migration?.command ?? [],
    taskArn,
    result: 'failed'
  }
  run.migration = report
  let lastStatus = ''
  let missingSince: number | undefined
  const ran = report.command.length > 0 ? ` (${commandWords(report.command)})` : ''
  const where = `while the migration${ran} ran in task ${id}`
  const result = await pollUntil(run, {
    what: `migration task ${id}`,
    where,
    read: () => deps.ecs.describeTasks(pair.cluster, [taskArn]),
    judge: (tasks): { task?: TaskView } | undefined => {
      const task = tasks.find((candidate) => candidate.arn === taskArn) ?? tasks[0]
      if (!task) {
        missingSince ??= deps.clock.now()
        return deps.clock.now() - missingSince >= MISSING_GRACE_MS ? {} : undefined
      }
      missingSince = undefined
      if (task.lastStatus !== lastStatus) {
        lastStatus = task.lastStatus
        deps.observer.info(`task ${id}: ${task.lastStatus}`)
      }
      return task.lastStatus === 'STOPPED' ? { task } : undefined
    }
  })
  if (!result.ok) {
    return failed(run, startedAt, 'idle', `${result.reason}; the task is stopped`)
  }
  const task = result.value.task
  if (!task) {
    return failed(
      run,
      startedAt,
      'idle',
      `migration task ${id} is not known to ECS (it keeps stopped tasks about an hour), so ` +
        'whether it succeeded cannot be told'
    )
  }
  const container =
    task.containers.find((entry) => entry.name === (wanted?.name ?? report.container)) ??
    (task.containers.length === 1 ? task.containers[0] : undefined)
  report.container = container?.name ?? report.container
  report.taskArn = taskArn
  if (container?.exitCode !== undefined) report.exitCode = container.exitCode
  if (task.stoppedReason) report.stoppedReason = task.stoppedReason
  if (task.stopCode) report.stopCode = task.stopCode
  if (task.startedAt && task.stoppedAt) report.ranMs = task.stoppedAt - task.startedAt
  const logsUrl =
    definition && container ? logsLink(definition, container.name, taskArn) : undefined
  if (logsUrl) report.logsUrl = logsUrl
  const how = stopWords(report)
  deps.observer.info(`migration task ${id} ${how}${logsUrl ? `; logs: ${logsUrl}` : ''}`)
  if (report.exitCode === 0) {
    report.result = 'succeeded'
    recordTimeline(run, pair, 'migration succeeded', 0)
    return { kind: 'migrated' }
  }
  const command = report.command.length > 0 ? ` (${commandWords(report.command)})` : ''
  return failed(run, startedAt, 'idle', `the migration${command} ${how}`)
}

function tryContainer(
  definition: TaskDefinition,
  migration: MigrationSettings,
  release: Pick<ReleaseSpec, 'container'>
): ContainerDefinition | undefined {
  try {
    return migrationContainer(definition, migration, release)
  } catch {
    return undefined
  }
}

/** "exited with code 1 (Essential container in task exited)", or why there is no code. */
export function stopWords(
  report: Pick<MigrationReport, 'exitCode' | 'stoppedReason' | 'ranMs'>
): string {
  const why = report.stoppedReason ? ` (${report.stoppedReason})` : ''
  const took =
    report.ranMs !== undefined
      ? ` after ${formatDuration(Math.round(report.ranMs / 1000) * 1000)}`
      : ''
  return report.exitCode !== undefined
    ? `exited with code ${report.exitCode}${took}${why}`
    : `stopped without an exit code${why}`
}

/**
 * The CloudWatch Logs console page of the container's log stream, when the container logs with
 * the awslogs driver: the stream is `prefix/container/task-id` (without a prefix ECS names it
 * otherwise, so the link is to the group). The console escapes `%` of the encoded path as `$25`.
 */
export function logsLink(
  definition: TaskDefinition,
  container: string,
  taskArn: string
): string | undefined {
  const found = definition.containerDefinitions.find((entry) => entry.name === container)
  const config = found?.logConfiguration as
    { logDriver?: string; options?: Record<string, string> } | undefined
  if (config?.logDriver !== 'awslogs') return undefined
  const group = config.options?.['awslogs-group']
  if (!group) return undefined
  const arn = /^arn:([a-z-]+):ecs:([a-z0-9-]+):/.exec(taskArn)
  const partition = arn?.[1] ?? 'aws'
  const region = config.options?.['awslogs-region'] ?? arn?.[2]
  if (!region) return undefined
  const host =
    partition === 'aws-cn'
      ? `${region}.console.amazonaws.cn`
      : partition === 'aws-us-gov'
        ? `${region}.console.amazonaws-us-gov.com`
        : `${region}.console.aws.amazon.com`
  const escape = (text: string): string => encodeURIComponent(text).replaceAll('%', '$25')
  const prefix = config.options?.['awslogs-stream-prefix']
  const base = `https://${host}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${escape(group)}`
  return prefix ? `${base}/log-events/${escape(`${prefix}/${container}/${taskId(taskArn)}`)}` : base
}

function taskId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}
