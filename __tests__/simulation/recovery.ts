import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import type { DurableDeps } from '../../src/rollout/durable/keeper.js'
import { staleAfter } from '../../src/rollout/durable/lock.js'
import { readState } from '../../src/rollout/durable/store.js'
import type { ServiceView } from '../../src/rollout/ports.js'
import type { RolloutOutcome, Settings } from '../../src/rollout/settings.js'
import type { BlueGreen } from '../support/blue-green.js'
import { simSettings } from './sim-settings.js'

export const RECOVERY_IMAGE = 'registry.example.com/web:9.0.0'

/** Phases of a rollout that is still open: someone has to finish or undo it. */
const OPEN = new Set(['register', 'bring-up', 'shift', 'paused', 'aborting'])

/** How long after the last actor the operator comes back: every silent run is stale by then. */
export function recoveryDelay(settings: Settings): number {
  return staleAfter(settings) + 60_000
}

/**
 * What an operator does after the dust settles, with ordinary commands only (never a hand edit
 * of tags, rules or weights), once stale-after has passed so that no dead run looks alive:
 *
 *   1. `abort`, if the record shows a rollout still open (register, bring-up, shift, paused,
 *      aborting). A deploy refuses a paused rollout (promote or abort are the ways out), and a
 *      half-finished abort is finished by aborting again; abort takes the lock by force, puts all
 *      traffic back on the recorded live side and scales the other side to 0.
 *   2. `deploy` of a known-good image with a new owner token. It takes over anything stale (a
 *      dead run's leftover lock rule, a promotion whose scale-down never ran) and must end
 *      `promoted`.
 *
 * A record past promotion (scale-down, promoted) or settled (reverted, aborted) needs no abort.
 */
export async function recover(
  bg: BlueGreen,
  deps: DurableDeps
): Promise<{ aborted?: RolloutOutcome; outcome: RolloutOutcome }> {
  // all at once and no scale-down delay: the operator wants the pair back, not a canary
  const settings = simSettings(bg, {
    release: { image: RECOVERY_IMAGE, environment: [] },
    steps: [{ kind: 'weight', percent: 100 }],
    stepWaitMs: 0,
    scaleDownDelayMs: 0
  })
  const stored = await readState(deps.tags, settings)
  let aborted: RolloutOutcome | undefined
  if (stored.kind === 'record' && OPEN.has(stored.record.phase)) {
    aborted = (await abortRollout(settings, deps)).outcome
  }
  const outcome = await deployWithState(settings, deps)
  return { ...(aborted ? { aborted } : {}), outcome }
}

/** What is wrong with the pair after recovery, if anything: the end state every rollout owes. */
export function recoveredProblems(bg: BlueGreen, holder: string | undefined): string[] {
  const problems: string[] = []
  const elb = bg.aws.elbWorld
  const forward = elb.readRoute(bg.routeArn).forward
  const weight = (group: string): number =>
    forward?.targetGroups.find((entry) => entry.targetGroupArn === group)?.weight ?? 0
  const sides = [
    { service: bg.blue, group: bg.blueTg },
    { service: bg.green, group: bg.greenTg }
  ]
  const live = sides.find((side) => weight(side.group) === 100)
  const idle = sides.find((side) => side !== live)!
  if (!live || weight(idle.group) !== 0) {
    return [`weights are ${JSON.stringify(bg.aws.weights(bg.routeArn))}, not 100/0`]
  }
  const view = bg.aws.ecsWorld.describeServices([live.service])[0] as ServiceView
  const definition = bg.aws.ecsWorld.describeTaskDefinition(view.taskDefinitionArn)
  if (definition.containerDefinitions[0]?.image !== RECOVERY_IMAGE) {
    problems.push(`${live.service} runs ${definition.containerDefinitions[0]?.image}`)
  }
  const targets = elb.describeTargetHealth(live.group).filter((t) => t.state !== 'draining')
  const healthy = targets.filter((target) => target.state === 'healthy').length
  if (view.desiredCount < 1 || healthy !== targets.length || healthy < view.desiredCount) {
    problems.push(
      `${live.service}: ${healthy} healthy of ${targets.length} targets, desired ${view.desiredCount}`
    )
  }
  const other = bg.aws.ecsWorld.service(idle.service)
  if (other.desiredCount !== 0)
    problems.push(`${idle.service} still wants ${other.desiredCount} tasks`)
  const phase = bg.tags()['ecs-blue-green:phase']
  if (phase !== 'promoted') problems.push(`the record is ${phase ?? 'missing'}, not promoted`)
  if (holder !== undefined) problems.push(`the lock rule of ${holder} is still there`)
  return problems
}
