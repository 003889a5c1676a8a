import { diffTaskDefinitions, sameTaskDefinition } from '../taskdef/compare.js'
import { changesDefinition, renderTaskDefinition } from '../taskdef/render.js'
import { stripReadOnlyFields } from '../taskdef/strip.js'
import { recordTimeline, watchingFor, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { discoverPair } from './discover.js'
import { revisionTag, MAX_RECORDED_FAMILY, MAX_REVISION_DIGITS, MAX_VALUE } from './durable/tags.js'
import { InputError, TopologyError } from './errors.js'
import { forwardsAlone } from './forward.js'
import { revisionOf } from './gates.js'
import { newSideCount, planLines } from './plan.js'
import { taskNeed } from './capacity/need.js'
import { capacityWords, readRoom, type PairCapacity } from './capacity/room.js'
import { migrationContainer } from './migrate.js'
import { readScaling } from './scaling/read.js'
import type { TaskDefinition } from './ports.js'
import type { Pair, RolloutState } from './state.js'

/** Read-only: finds the pair and which side is live, or refuses with a TopologyError. */
export async function discover(run: RunContext): Promise<Observed> {
  const { deps, settings } = run
  deps.observer.phase('Discover')
  const found = await discoverPair(settings, deps.ecs, deps.elb)
  const { live, idle } = found
  deps.observer.info(
    `live: ${live.name} on ${revisionOf(live.taskDefinitionArn)}, ${live.runningCount}/` +
      `${live.desiredCount} running, all traffic on ${found.pair.live.targetGroupName}`
  )
  deps.observer.info(
    `idle: ${idle.name} on ${revisionOf(idle.taskDefinitionArn)}, ${idle.runningCount}/` +
      `${idle.desiredCount} running, no traffic on ${found.pair.idle.targetGroupName}`
  )
  if (forwardsAlone(found.pair.route, found.pair.live.targetGroupArn)) {
    deps.observer.info(
      `the route forwards to ${found.pair.live.targetGroupName} alone: read as 100/0, with ` +
        `${found.pair.idle.targetGroupName} at 0`
    )
  }
  const scaling = await readScaling(found.pair, deps)
  const room = await readRoom(settings.cluster, idle, deps)
  const pair = { ...found.pair, ...(scaling ? { scaling } : {}), ...(room ? { room } : {}) }
  const blocked = await watchingFor(run)?.start()
  if (blocked && settings.dryRun) deps.observer.warn(`a deploy would stop here: ${blocked}`)
  else if (blocked) throw new TopologyError(`${blocked}; nothing was changed`)
  recordTimeline(run, pair, 'discovered', 0)
  return { kind: 'discovered', pair }
}

/**
 * The definition to register: the file, the given revision or the live one, with what the release
 * sets. A given revision with nothing to render is deployed as it is: `existing` names it, and
 * nothing is registered.
 */
export async function render(
  state: Extract<RolloutState, { phase: 'render' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair } = state
  deps.observer.phase('Render task definition')
  const live = await deps.ecs.describeTaskDefinition(pair.live.taskDefinitionArn)
  const { release } = settings
  const given = release.taskDefinitionRevision
  const base = given ? await describeGiven(deps, given) : (release.taskDefinition ?? live)
  if (given && !changesDefinition(release)) return asIs(run, pair, base, live)
  const rendered = renderTaskDefinition(base, release)
  checkRecordable(rendered.family, pair.live.service, pair.live.taskDefinitionArn)
  // the one-off task's container is checked before anything is changed
  if (settings.migration) migrationContainer(rendered, settings.migration, settings.release)
  const same = sameTaskDefinition(rendered, live)
  if (same) {
    deps.observer.info(
      `${pair.live.service} already runs this (${revisionOf(pair.live.taskDefinitionArn)}); nothing to do`
    )
  }
  const diff = settings.dryRun && !same ? diffTaskDefinitions(live, rendered) : undefined
  const capacity = same ? undefined : capacityFor(run, pair, rendered)
  return { kind: 'rendered', rendered, same, diff, ...(capacity ? { capacity } : {}) }
}

/** A revision deployed as it is: unchanged when the live side runs it already. */
function asIs(
  run: RunContext,
  pair: Pair,
  revision: TaskDefinition,
  live: TaskDefinition
): Observed {
  const arn = revision.taskDefinitionArn ?? ''
  const existing = { arn, family: revision.family, revision: revision.revision ?? 0 }
  const label = `${existing.family}:${existing.revision}`
  checkRecordable(revision.family, pair.live.service, pair.live.taskDefinitionArn)
  const same = arn === pair.live.taskDefinitionArn
  run.deps.observer.info(
    same
      ? `${pair.live.service} already runs ${label}; nothing to do`
      : `deploying ${label} as it is (task-definition names a revision and nothing is rendered into it)`
  )
  const diff =
    run.settings.dryRun && !same
      ? diffTaskDefinitions(live, stripReadOnlyFields(revision))
      : undefined
  const capacity = same ? undefined : capacityFor(run, pair, revision)
  return {
    kind: 'rendered',
    rendered: stripReadOnlyFields(revision),
    same,
    diff,
    existing,
    ...(capacity ? { capacity } : {})
  }
}

/** EC2: what the idle side will need of the cluster's free room, said before anything changes. */
function capacityFor(
  run: RunContext,
  pair: Pair,
  definition: TaskDefinition
): PairCapacity | undefined {
  if (!pair.room) return undefined
  const capacity = {
    ...pair.room,
    tasks: newSideCount(run.settings, pair),
    perTask: taskNeed(definition)
  }
  run.deps.observer.info(`capacity: ${capacityWords(pair.idle.service, capacity)}`)
  return capacity
}

/**
 * The revision `task-definition` names. One that does not exist, or that is no longer ACTIVE
 * (ECS starts no new tasks of it), is refused before anything is changed.
 */
async function describeGiven(deps: RunContext['deps'], ref: string): Promise<TaskDefinition> {
  let found: TaskDefinition
  try {
    found = await deps.ecs.describeTaskDefinition(ref)
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ClientException') throw error
    throw new InputError(
      'task-definition',
      `revision ${JSON.stringify(ref)} was not found (${error.message}); give a revision that ` +
        'exists in the region the action works in (aws ecs list-task-definitions lists them)'
    )
  }
  const status = typeof found.status === 'string' ? found.status : 'ACTIVE'
  if (status !== 'ACTIVE') {
    throw new InputError(
      'task-definition',
      `revision ${JSON.stringify(ref)} is ${status}: ECS starts no new tasks of a deregistered ` +
        'revision; give an ACTIVE revision, or a task definition file to register'
    )
  }
  return found
}

export async function register(
  state: Extract<RolloutState, { phase: 'register' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  deps.observer.phase('Register')
  // the state is entered all the same: it is where the rollout's lock is taken
  const revision = state.existing ?? (await deps.ecs.registerTaskDefinition(state.rendered))
  const label = `${revision.family}:${revision.revision}`
  deps.observer.info(
    state.existing ? `nothing registered: deploying ${label}` : `registered ${label}`
  )
  planLines(settings, state.pair, label).forEach((line, i) =>
    deps.observer.info(`${i + 1}. ${line}`)
  )
  return { kind: 'registered', revision }
}

/**
 * The rollout record keeps the new and the previous revision in tags of at most MAX_VALUE
 * characters: as the whole ARN, or as `family:revision` when that is too long. A family that
 * cannot fit even so is refused here, when it is known and nothing has been changed yet:
 * otherwise the run would go on without a record that a later run could act on.
 */
function checkRecordable(family: string, liveService: string, previousRevision: string): void {
  if (family.length > MAX_RECORDED_FAMILY) {
    throw new InputError(
      'task-definition',
      `the family ${shortened(family)} ` +
        `is ${family.length} characters long; the rollout state records the revision in a tag ` +
        `value of at most ${MAX_VALUE} characters as family:revision (a revision number has up ` +
        `to ${MAX_REVISION_DIGITS} digits), so the family can have at most ${MAX_RECORDED_FAMILY}. ` +
        'Give a task definition file with a shorter family'
    )
  }
  if (revisionTag(previousRevision).length > MAX_VALUE) {
    throw new TopologyError(
      `${liveService} runs ${shortened(previousRevision.slice(previousRevision.lastIndexOf('/') + 1))}, ` +
        `whose family is too long to record as family:revision in a tag value of at most ` +
        `${MAX_VALUE} characters; nothing was changed`
    )
  }
}

function shortened(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}...` : name)
}
