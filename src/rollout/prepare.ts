import { diffTaskDefinitions, sameTaskDefinition } from '../taskdef/compare.js'
import { renderTaskDefinition } from '../taskdef/render.js'
import { recordTimeline, watchingFor, type RunContext } from './context.js'
import type { Observed } from './decide.js'
import { discoverPair } from './discover.js'
import { TopologyError } from './errors.js'
import { revisionOf } from './gates.js'
import { planLines } from './plan.js'
import type { RolloutState } from './state.js'

/** Read-only: finds the pair and which side is live, or refuses with a TopologyError. */
export async function discover(run: RunContext): Promise<Observed> {
  const { deps, settings } = run
  deps.observer.phase('Discover')
  const { pair, live, idle } = await discoverPair(settings, deps.ecs, deps.elb)
  deps.observer.info(
    `live: ${live.name} on ${revisionOf(live.taskDefinitionArn)}, ${live.runningCount}/` +
      `${live.desiredCount} running, all traffic on ${pair.live.targetGroupName}`
  )
  deps.observer.info(
    `idle: ${idle.name} on ${revisionOf(idle.taskDefinitionArn)}, ${idle.runningCount}/` +
      `${idle.desiredCount} running, no traffic on ${pair.idle.targetGroupName}`
  )
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
