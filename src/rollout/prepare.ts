import { diffTaskDefinitions, sameTaskDefinition } from '../taskdef/compare.js'
import { renderTaskDefinition } from '../taskdef/render.js'
import { recordTimeline, watchingFor, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { discoverPair } from './discover.js'
import { revisionTag, MAX_RECORDED_FAMILY, MAX_REVISION_DIGITS, MAX_VALUE } from './durable/tags.js'
import { InputError, TopologyError } from './errors.js'
import { revisionOf } from './gates.js'
import { planLines } from './plan.js'
import { migrationContainer } from './migrate.js'
import { readScaling } from './scaling/read.js'
import type { RolloutState } from './state.js'

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
  const scaling = await readScaling(found.pair, deps)
  const pair = scaling ? { ...found.pair, scaling } : found.pair
  const blocked = await watchingFor(run)?.start()
  if (blocked && settings.dryRun) deps.observer.warn(`a deploy would stop here: ${blocked}`)
  else if (blocked) throw new TopologyError(`${blocked}; nothing was changed`)
  recordTimeline(run, pair, 'discovered', 0)
  return { kind: 'discovered', pair }
}

/** The definition to register: the file or the live revision, with the release's image and environment. */
export async function render(
  state: Extract<RolloutState, { phase: 'render' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  const { pair } = state
  deps.observer.phase('Render task definition')
  const live = await deps.ecs.describeTaskDefinition(pair.live.taskDefinitionArn)
  const { taskDefinition, container, image, environment } = settings.release
  const rendered = renderTaskDefinition(taskDefinition ?? live, { container, image, environment })
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
  return { kind: 'rendered', rendered, same, diff }
}

export async function register(
  state: Extract<RolloutState, { phase: 'register' }>,
  run: RunContext
): Promise<Observed> {
  const { deps, settings } = run
  deps.observer.phase('Register')
  const revision = await deps.ecs.registerTaskDefinition(state.rendered)
  const label = `${revision.family}:${revision.revision}`
  deps.observer.info(`registered ${label}`)
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
