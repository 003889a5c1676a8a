import { checkAwsvpcConfiguration } from './awsvpc.js'
import type { CallContext } from '../core/contracts.js'
import { isArn, parseEcsArn } from './ids.js'
import type { EcsModel } from './model.js'
import {
  clientError,
  invalid,
  objectList,
  optionalInt,
  optionalObject,
  optionalString,
  type Params,
  requiredString
} from './params.js'
import { assignProvider } from './capacity/placement.js'
import { readPlacement as readStrategy } from './capacity/strategy.js'
import { StepNotes } from './step-notes.js'
import { newTask, stopTask } from './lifecycle.js'
import { bindTask } from './instances/bind.js'
import { answersOnOwnAddress } from './instances/endpoints.js'
import type { ContainerInstance } from './instances/state.js'
import { runsOnInstances } from './placement/launch.js'
import { checkLaunch } from './placement/launch-rules.js'
import { placeStandalone, type RunTaskFailure } from './placement/standalone.js'
import type { Cluster, Task, TaskDefinitionRecord } from './state.js'
import { applyTags, readTags } from './tags.js'
import { renderTask } from './tasks.js'

/**
 * RunTask and StopTask: standalone tasks, which belong to no service. They start as a service's
 * tasks do; one whose container command is overridden (a one-off task, e.g. a migration) runs to
 * completion and exits as its image's `oneOff` behaviour says (PUT /_emulator/images), so that
 * the same image can serve healthy behind a service while its one-off task fails.
 *
 * Checked as ECS checks them: count 1-10, launchType or capacityProviderStrategy (not both),
 * the network configuration an awsvpc task definition needs, startedBy of up to 128 letters,
 * digits, hyphens, slashes and underscores, overrides of containers the definition has, and at
 * most 8192 characters of overrides; clientToken makes a repeated request start nothing new.
 */

const MAX_COUNT = 10
const STARTED_BY = /^[A-Za-z0-9_/-]{0,128}$/
const GROUP = /^[A-Za-z0-9_:./-]{1,255}$/
const MAX_OVERRIDES = 8192
const CLIENT_TOKEN = /^[\x21-\x7e]{1,64}$/
const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']
const MAX_REASON = 255

/** clientToken -> what it started, per cluster */
const started = new WeakMap<Cluster, Map<string, { request: string; arns: string[] }>>()

export function runTaskOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const definition = model.findTaskDefinition(requiredString(params, 'taskDefinition'), ctx)
  if (!definition) throw clientError('TaskDefinition not found.')
  if (definition.status !== 'ACTIVE') throw clientError('TaskDefinition is inactive')
  const count = optionalInt(params, 'count', 1, MAX_COUNT) ?? 1
  const placement = readPlacement(params, cluster)
  const launchType = placement.launchType
  checkLaunch(params, definition, launchType)
  checkNetwork(definition, optionalObject(params, 'networkConfiguration'))
  const startedBy = optionalString(params, 'startedBy') ?? ''
  if (!STARTED_BY.test(startedBy)) {
    throw invalid(
      'startedBy can have up to 128 letters (uppercase and lowercase), numbers, hyphens, forward slashes and underscores.'
    )
  }
  const group = optionalString(params, 'group') ?? `family:${definition.family}`
  if (!GROUP.test(group)) {
    throw invalid(
      'group can have up to 255 letters, numbers, hyphens, colons, periods, forward slashes and underscores.'
    )
  }
  const overrides = readOverrides(params, definition)
  if (optionalString(params, 'propagateTags') === 'SERVICE') {
    throw invalid('The SERVICE option of propagateTags is not supported when running a task.')
  }
  const tags = readTags(params)
  const clientToken = optionalString(params, 'clientToken')
  if (clientToken !== undefined && !CLIENT_TOKEN.test(clientToken)) {
    throw invalid('clientToken must be 1-64 characters in the range of 33-126, inclusive.')
  }
  const request = JSON.stringify({ ...params, clientToken: undefined })
  const tokens = started.get(cluster) ?? new Map<string, { request: string; arns: string[] }>()
  started.set(cluster, tokens)
  if (clientToken !== undefined) {
    const earlier = tokens.get(clientToken)
    if (earlier && earlier.request !== request) {
      throw invalid('The clientToken was already used with different parameters.')
    }
    if (earlier) {
      const tasks = earlier.arns.flatMap((arn) => {
        const task = cluster.tasks.get(arn.slice(arn.lastIndexOf('/') + 1))
        return task ? [renderTask(task, false)] : []
      })
      return { tasks, failures: [] }
    }
  }
  const simAt = model.clock.simNow()
  const tasks: Task[] = []
  const failures: RunTaskFailure[] = []
  for (let i = 0; i < count; i++) {
    // on EC2 each task needs an instance with room for it; one that fits nowhere is a failure
    let instance: ContainerInstance | undefined
    // a capacity provider's task is placed by its provider (or waits in PROVISIONING for room)
    if (!placement.strategy && runsOnInstances(launchType)) {
      const placed = placeStandalone(model, cluster, definition, params, group)
      if ('failure' in placed) {
        if (
          !failures.some((f) => f.arn === placed.failure.arn && f.reason === placed.failure.reason)
        )
          failures.push(placed.failure)
        continue
      }
      instance = placed.instance
    }
    const task = launchStandalone(model, cluster, definition, simAt, {
      instance,
      launchType,
      network: optionalObject(params, 'networkConfiguration'),
      startedBy,
      group,
      overrides
    })
    if (placement.strategy) {
      const provider = model.capacity.pickProvider(placement.strategy, providerCounts(tasks))
      assignProvider(model, task, definition, provider)
    }
    applyTags(task.tags, tags)
    tasks.push(task)
  }
  if (clientToken !== undefined) {
    tokens.set(clientToken, { request, arns: tasks.map((task) => task.arn) })
  }
  return { tasks: tasks.map((task) => renderTask(task, false)), failures }
}

export function stopTaskOp(model: EcsModel, params: Params, ctx: CallContext): object {
  const cluster = model.cluster(optionalString(params, 'cluster'), ctx)
  const ref = requiredString(params, 'task')
  const reason = optionalString(params, 'reason')
  if (reason !== undefined && reason.length > MAX_REASON) {
    throw invalid(`reason can have at most ${MAX_REASON} characters.`)
  }
  const id = isArn(ref) ? (parseEcsArn(ref)?.path.at(-1) ?? '') : ref
  const task = cluster.tasks.get(id)
  if (!task || (isArn(ref) && task.arn !== ref)) {
    throw invalid('The referenced task was not found.')
  }
  if (task.desiredStatus === 'RUNNING') {
    const notes = new StepNotes()
    const simNow = model.clock.simNow()
    // SIGTERM, as `docker stop` sends it: a container that had started exits 143
    task.exitOnStop = 143
    stopTask(model, task, simNow, notes, {
      reason: reason ?? 'Task stopped by user',
      stopCode: 'UserInitiated',
      failed: false
    })
    if (task.service) notes.post(model, task.service, simNow)
  }
  return { task: renderTask(task, false) }
}

function readPlacement(
  params: Params,
  cluster: Cluster
): { launchType: string; strategy?: ReturnType<typeof readStrategy>['strategy'] } {
  const launchType = optionalString(params, 'launchType')
  if (launchType !== undefined && !LAUNCH_TYPES.includes(launchType)) {
    throw invalid(`launchType must be one of ${LAUNCH_TYPES.join(', ')}.`)
  }
  const { launchType: placed, strategy } = readStrategy(cluster, params)
  return { launchType: placed ?? 'FARGATE', ...(strategy ? { strategy } : {}) }
}

/** how many of this request's tasks each provider has, for the strategy's base and weights */
function providerCounts(tasks: Task[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const task of tasks) {
    const name = task.capacityProviderName
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return counts
}

function checkNetwork(definition: TaskDefinitionRecord, network: Params | undefined): void {
  const awsvpc = network ? optionalObject(network, 'awsvpcConfiguration') : undefined
  if (definition.body.networkMode === 'awsvpc' && !awsvpc) {
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
  }
  checkAwsvpcConfiguration(network)
}

function readOverrides(params: Params, definition: TaskDefinitionRecord): Task['overrides'] {
  const given = optionalObject(params, 'overrides')
  const names = definition.body.containerDefinitions.map((container) => container.name)
  if (!given) return { containerOverrides: [] }
  if (JSON.stringify(given).length > MAX_OVERRIDES) {
    throw invalid(`Container Overrides length must be at most ${MAX_OVERRIDES}`)
  }
  const containerOverrides = objectList(given, 'containerOverrides').map((override) => {
    const name = requiredString(override, 'name')
    if (!names.includes(name)) {
      throw invalid(
        `Override for container named ${name} is not a container in the TaskDefinition.`
      )
    }
    if (override.command !== undefined) {
      const command = override.command
      if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) {
        throw invalid('command must be a list of strings.')
      }
    }
    return structuredClone(override)
  })
  return { ...structuredClone(given), containerOverrides }
}

/** Starts a standalone task at simulated time `simAt`: PROVISIONING, then PENDING, then RUNNING. */
function launchStandalone(
  model: EcsModel,
  cluster: Cluster,
  definition: TaskDefinitionRecord,
  simAt: number,
  how: {
    /** the container instance an EC2 task was placed on */
    instance: ContainerInstance | undefined
    launchType: string
    network: Params | undefined
    startedBy: string
    group: string
    overrides: Task['overrides']
  }
): Task {
  const task = newTask(model, cluster, definition, simAt, {
    deploymentId: how.startedBy,
    group: how.group,
    overrides: how.overrides,
    oneOff: how.overrides?.containerOverrides.some((o) => Array.isArray(o.command)) ?? false,
    launchType: how.launchType,
    network: how.network,
    tags: new Map()
  })
  if (how.instance) bindTask(task, how.instance, definition)
  cluster.standalone.set(task.id, task)
  cluster.tasks.set(task.id, task)
  if (answersOnOwnAddress(task)) model.tasksByIp.set(task.ip, task)
  return task
}
