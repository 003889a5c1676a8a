import type { RolloutObserver, ScalingPort, Suspended } from '../ports.js'
import type { Pair } from '../state.js'
import { suspendedWords } from './found.js'

/**
 * What each side's scaling is while the rollout runs. Scale-in is suspended on both: the live
 * side must keep the capacity it will need back if the release is reverted, and the new side
 * carries too little traffic per task at 10% for its policies to judge. The live side keeps its
 * scale-out (it still serves most users); the new side follows the live side's count instead of
 * its own policies. Scheduled scaling is left as found on the live side, and suspended on the new.
 */
export function heldSuspension(pair: Pair): { live?: Suspended; idle?: Suspended } {
  const { scaling } = pair
  return {
    ...(scaling?.live ? { live: { ...scaling.live.suspended, dynamicIn: true } } : {}),
    ...(scaling?.idle ? { idle: { dynamicIn: true, dynamicOut: true, scheduled: true } } : {})
  }
}

/**
 * Suspends what heldSuspension says, on each side that has a scalable target. Throws when a
 * write fails: the rollout must not go on with scaling that fights it.
 */
export async function holdScaling(
  pair: Pair,
  deps: { scaling?: ScalingPort; observer: RolloutObserver }
): Promise<void> {
  const { scaling, observer } = deps
  if (!scaling || !pair.scaling) return
  const held = heldSuspension(pair)
  for (const [side, suspended] of [
    [pair.live, held.live],
    [pair.idle, held.idle]
  ] as const) {
    if (!suspended) continue
    await scaling.registerTarget(pair.cluster, side.service, { suspended })
    observer.info(`${side.service}: ${suspendedWords(suspended)} for the rollout`)
  }
}
