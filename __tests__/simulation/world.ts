import { abortRollout } from '../../src/rollout/control/abort.js'
import { deployWithState } from '../../src/rollout/control/deploy.js'
import { settleAfterMainStep } from '../../src/rollout/control/post-step.js'
import { promoteRollout } from '../../src/rollout/control/promote.js'
import { lockOwner, lockPriority } from '../../src/rollout/durable/route-lock.js'
import { listenerOf } from '../../src/rollout/discover.js'
import type { Settings } from '../../src/rollout/settings.js'
import { BlueGreen } from '../support/blue-green.js'
import type { Call } from '../support/call-log.js'
import { Actor, type CallMeta } from './actor.js'
import { Invariants, type Violation } from './invariants.js'
import { tidyRollout } from '../../src/rollout/control/tidy.js'
import { recover, recoveredProblems, recoveryDelay, RECOVERY_IMAGE } from './recovery.js'
import { IMAGES, type ActorPlan, type Schedule } from './schedule.js'
import { SimClock } from './sim-clock.js'
import { simSettings } from './sim-settings.js'

/** Slack on top of poll interval + tick for rule a: retries (1+2+4s) and slow calls (≤ 3s each). */
export const DETECTION_SLACK_MS = 15_000

export interface SimResult {
  violations: Violation[]
  /** AWS calls made, for the report */
  calls: number
  /** one line per actor: how it ended */
  actors: string[]
}

const weight = (percent: number) => ({ kind: 'weight' as const, percent })

/**
 * Plays one schedule against one shared in-memory world (one BlueGreen, one MemoryAws, one
 * virtual clock): the actors start at their times, fail, slow down and die as planned, a dead
 * run's post step runs with the hold it last saved, and then the recovery sequence. Returns
 * every invariant violation seen on the way.
 */
export async function simulate(
  schedule: Schedule,
  inspect?: (bg: BlueGreen, actors: Actor[]) => void
): Promise<SimResult> {
  const clock = new SimClock()
  const bg = new BlueGreen({ clock })
  for (const { image, behavior } of Object.values(IMAGES)) bg.image(behavior, image)
  bg.image({}, RECOVERY_IMAGE)
  const base = simSettings(bg)
  const listener = listenerOf(base.routeArn)
  const priority = lockPriority(base)
  const holder = (): string | undefined => {
    const rule = bg.aws.elbWorld.ruleAt(listener, priority)
    return rule ? (lockOwner(rule) ?? '(a rule without owner)') : undefined
  }
  const meta = new WeakMap<Call, CallMeta>()
  const actors: Actor[] = []
  const invariants = new Invariants(
    bg,
    () => actors,
    meta,
    holder,
    Invariants.windowFor(base.pollIntervalMs, DETECTION_SLACK_MS)
  )
  invariants.attach()
  clock.onAdvance = () => invariants.onAdvance()

  const t0 = clock.now()
  schedule.actors.forEach((plan, i) => {
    const name = `${plan.kind}-${i + 1}`
    const actor = new Actor(name, `runner-${i + 1}`, bg, clock, meta, holder, plan)
    actors.push(actor)
    const settings = settingsOf(bg, plan)
    actor.onDeath = () => {
      const post = new Actor(`${name}-post`, actor.token, bg, clock, meta, holder)
      actors.push(post)
      clock.at(clock.now() + plan.postDelayMs, () =>
        post.start(async (deps) => {
          // GitHub runs the post step with what the main step saved last; nothing saved: no-op
          if (!actor.hold) return 'nothing saved'
          return settleAfterMainStep(actor.hold, settings, { ...deps, onPostStep: undefined })
        })
      )
    }
    clock.at(t0 + plan.startMs, () => actor.start((deps) => command(plan, settings, deps)))
  })
  await clock.run()

  // every actor ended or died; whatever is still in flight lands now
  bg.aws.catchUp()
  bg.aws.log.landLate(true)
  invariants.checkEnd()

  const operator = new Actor('recovery', 'recovery-run', bg, clock, meta, holder)
  actors.push(operator)
  let recovery: Awaited<ReturnType<typeof recover>> | undefined
  clock.at(clock.now() + recoveryDelay(base), () =>
    operator.start(async (deps) => {
      recovery = await recover(bg, deps)
      return recovery
    })
  )
  await clock.run()
  if (operator.error !== undefined) {
    invariants.violate('c', `recovery failed: ${text(operator.error)}`)
  } else if (recovery?.outcome.result !== 'promoted') {
    invariants.violate(
      'c',
      `recovery deploy ended ${recovery?.outcome.result}: ${recovery?.outcome.reason ?? ''}`
    )
  } else {
    for (const problem of recoveredProblems(bg, holder())) invariants.violate('c', problem)
  }
  for (const actor of actors) {
    if (actor.error !== undefined && isBug(actor.error)) {
      invariants.violate('crash', `${actor.name} threw ${text(actor.error)}`)
    }
  }
  inspect?.(bg, actors)
  return {
    violations: invariants.violations,
    calls: bg.aws.log.calls.length,
    actors: actors.map((actor) => `${actor.name}: ${actor.status} ${ending(actor)}`)
  }
}

function settingsOf(bg: BlueGreen, plan: ActorPlan): Settings {
  if (plan.kind !== 'deploy') return simSettings(bg)
  const { image } = IMAGES[plan.image]
  return simSettings(bg, {
    release: { image, environment: [] },
    steps: plan.pause
      ? [weight(10), { kind: 'pause' }, weight(50), weight(100)]
      : [weight(10), weight(25), weight(50), weight(100)],
    scaleDownDelayMs: plan.scaleDownDelayMs
  })
}

function command(plan: ActorPlan, settings: Settings, deps: Parameters<typeof deployWithState>[1]) {
  switch (plan.kind) {
    case 'deploy':
      return deployWithState(settings, deps)
    case 'abort':
      return abortRollout(settings, deps)
    case 'promote':
      return promoteRollout(settings, deps)
    case 'tidy':
      return tidyRollout(settings, deps)
  }
}

/** Errors the action may end with under these faults; anything else is a bug in it. */
function isBug(error: unknown): boolean {
  if (!(error instanceof Error)) return true
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError)
    return true
  return /rollout bug|SimClock|FakeClock/.test(error.message)
}

function text(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

function ending(actor: Actor): string {
  if (actor.error !== undefined) return `(${text(actor.error).slice(0, 160)})`
  const outcome = actor.outcome as { result?: string; reason?: string; line?: string } | undefined
  if (!outcome || typeof outcome !== 'object') return `(${String(outcome ?? '')})`
  const result = 'result' in outcome ? outcome.result : undefined
  return `(${result ?? outcome.line ?? ''}${outcome.reason ? `: ${outcome.reason.slice(0, 160)}` : ''})`
}
