import { errorText } from '../context.js'
import { TakenOverError } from '../errors.js'
import type { RolloutObserver, ScalableTarget, ScalingPort } from '../ports.js'
import type { Pair } from '../state.js'
import { ALL_SUSPENDED, sameSuspended, suspendedWords, targetWords } from './found.js'
import { copyPolicies } from './policies.js'

type Deps = { scaling?: ScalingPort; observer: RolloutObserver }

/**
 * Sets a side's scalable target to `wanted`, writing only the fields that differ from what it
 * is now: rewriting a minimum or maximum can make Application Auto Scaling move the count.
 * Returns what it did in words, or undefined when nothing had to change.
 */
async function setTarget(
  scaling: ScalingPort,
  cluster: string,
  service: string,
  now: ScalableTarget | undefined,
  wanted: ScalableTarget
): Promise<string | undefined> {
  const change: Partial<ScalableTarget> = now
    ? {
        ...(now.min === wanted.min ? {} : { min: wanted.min }),
        ...(now.max === wanted.max ? {} : { max: wanted.max }),
        ...(sameSuspended(now.suspended, wanted.suspended) ? {} : { suspended: wanted.suspended })
      }
    : wanted
  if (Object.keys(change).length === 0) return undefined
  await scaling.registerTarget(cluster, service, change)
  return `${service}: auto scaling set to ${targetWords(wanted)}`
}

/**
 * Puts each side's scalable target back as the rollout found it (revert, abort, takeover, the
 * post step). Never throws: what could not be restored is returned, in words, for the outcome.
 */
export async function restoreScaling(pair: Pair, deps: Deps): Promise<string | undefined> {
  const { scaling, observer } = deps
  const found = pair.scaling
  if (!scaling || !found || (!found.live && !found.idle)) return undefined
  const done: string[] = []
  try {
    const now = await scaling.describeTargets(pair.cluster, [pair.live.service, pair.idle.service])
    for (const [side, target] of [
      [pair.live, found.live],
      [pair.idle, found.idle]
    ] as const) {
      if (!target) continue
      const did = await setTarget(scaling, pair.cluster, side.service, now[side.service], target)
      if (did) done.push(did)
    }
  } catch (error) {
    if (error instanceof TakenOverError) throw error
    const text = `could not restore auto scaling as found (${errorText(error)}); set it back by hand: ${foundWords(pair)}`
    observer.warn(text)
    return text
  }
  for (const line of done) observer.info(line)
  return done.length > 0 ? `auto scaling restored as found: ${foundWords(pair)}` : undefined
}

/**
 * At promotion the new side takes the live side's place in Application Auto Scaling too: its
 * scalable target gets the live side's limits and suspended state as they were before the
 * rollout, and the live side's policies it lacks (so it scales under load from now on); the old
 * side's dynamic and scheduled scaling is suspended, so nothing brings it back once it is
 * scaled down. A rollback does the same the other way round.
 */
export async function promoteScaling(pair: Pair, deps: Deps): Promise<string | undefined> {
  const { scaling, observer } = deps
  const found = pair.scaling
  if (!scaling || !found || (!found.live && !found.idle)) return undefined
  const old = pair.live.service
  const fresh = pair.idle.service
  const done: string[] = []
  try {
    const now = await scaling.describeTargets(pair.cluster, [old, fresh])
    // without a target on the live side the new side keeps its own, as found
    const inherit = found.live ?? found.idle
    if (inherit) {
      const did = await setTarget(scaling, pair.cluster, fresh, now[fresh], inherit)
      if (did) done.push(did)
    }
    if (found.live) {
      const copied = await copyPolicies(pair, scaling)
      if (copied) done.push(copied)
    }
    if (now[old]) {
      const parked = { ...now[old], suspended: ALL_SUSPENDED }
      const did = await setTarget(scaling, pair.cluster, old, now[old], parked)
      if (did) done.push(`${old}: ${suspendedWords(ALL_SUSPENDED)} while it is not live`)
    }
  } catch (error) {
    if (error instanceof TakenOverError) throw error
    const text = `could not hand auto scaling over to ${fresh} (${errorText(error)})`
    observer.warn(text)
    return [...done, text].join('; ')
  }
  for (const line of done) observer.info(line)
  return done.length > 0 ? done.join('; ') : undefined
}

/**
 * Before the old side goes to 0: a minimum above 0 would have Application Auto Scaling bring it
 * back (or refuse the change), so it is lowered to 0 first. Returns why it could not, if not.
 */
export async function allowZero(pair: Pair, deps: Deps): Promise<string | undefined> {
  const { scaling } = deps
  if (!scaling || !pair.scaling) return undefined
  const old = pair.live.service
  try {
    const now = (await scaling.describeTargets(pair.cluster, [old]))[old]
    if (!now || now.min === 0) return undefined
    await scaling.registerTarget(pair.cluster, old, { min: 0 })
    deps.observer.info(`${old}: auto scaling minimum lowered from ${now.min} to 0`)
    return undefined
  } catch (error) {
    if (error instanceof TakenOverError) throw error
    return `could not lower ${old}'s auto scaling minimum to 0 (${errorText(error)})`
  }
}

function foundWords(pair: Pair): string {
  const parts: string[] = []
  if (pair.scaling?.live) parts.push(`${pair.live.service} ${targetWords(pair.scaling.live)}`)
  if (pair.scaling?.idle) parts.push(`${pair.idle.service} ${targetWords(pair.scaling.idle)}`)
  return parts.join('; ')
}
