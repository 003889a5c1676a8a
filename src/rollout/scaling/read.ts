import { errorText } from '../context.js'
import type { RolloutObserver, ScalingPolicy, ScalingPort } from '../ports.js'
import type { Pair } from '../state.js'
import { targetWords, type PairScaling } from './found.js'

/**
 * Reads the scalable targets of both sides (one call) and the policies of each side that has
 * one, and says what it found. Read-only. Without the permission to read Application Auto
 * Scaling the services are taken as not scaled by it, and the run says so: a service that does
 * scale would otherwise be left fighting the rollout without anyone knowing.
 */
export async function readScaling(
  pair: Pick<Pair, 'cluster' | 'live' | 'idle'>,
  deps: { scaling?: ScalingPort; observer: RolloutObserver }
): Promise<PairScaling | undefined> {
  const { scaling, observer } = deps
  if (!scaling) return undefined
  const live = pair.live.service
  const idle = pair.idle.service
  let targets
  try {
    targets = await scaling.describeTargets(pair.cluster, [live, idle])
  } catch (error) {
    if (!denied(error)) throw error
    observer.warn(
      `could not read Application Auto Scaling (${errorText(error)}): ${live} and ${idle} are ` +
        'taken as not scaled by it. If they are, grant application-autoscaling:DescribeScalableTargets ' +
        'and the other actions the README lists, or scaling may fight the rollout'
    )
    return undefined
  }
  const found: PairScaling = {
    ...(targets[live] ? { live: targets[live] } : {}),
    ...(targets[idle] ? { idle: targets[idle] } : {})
  }
  for (const [side, service] of [
    ['live', live],
    ['idle', idle]
  ] as const) {
    const target = found[side]
    if (!target) {
      observer.info(`${service}: not scaled by Application Auto Scaling`)
      continue
    }
    const policies = await scaling.describePolicies(pair.cluster, service)
    observer.info(`${service}: auto scaling ${targetWords(target)}; ${policyWords(policies)}`)
  }
  return found
}

/** "policies cpu-75 (target tracking), backlog (step scaling)" */
export function policyWords(policies: ScalingPolicy[]): string {
  if (policies.length === 0) return 'no scaling policy'
  const kinds: Record<string, string> = {
    TargetTrackingScaling: 'target tracking',
    StepScaling: 'step scaling'
  }
  const list = policies.map((policy) => `${policy.name} (${kinds[policy.type] ?? policy.type})`)
  return `${policies.length === 1 ? 'policy' : 'policies'} ${list.join(', ')}`
}

function denied(error: unknown): boolean {
  return error instanceof Error && /AccessDenied|UnauthorizedOperation/.test(error.name)
}
