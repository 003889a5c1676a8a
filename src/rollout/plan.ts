import { formatDuration } from './duration.js'
import { forwardsAlone } from './forward.js'
import type { Settings, TrafficStep } from './settings.js'
import { targetWords } from './scaling/found.js'
import type { Pair } from './state.js'
import { capacityWords } from './capacity/room.js'

/**
 * The steps a run walks through. Promotion needs all traffic on the new side, so steps that stop
 * short of 100 without a pause get a final 100 step rather than a run that cannot finish.
 */
export function trafficSteps(steps: TrafficStep[]): TrafficStep[] {
  const last = steps.at(-1)
  if (last?.kind === 'pause') return steps
  if (last?.kind === 'weight' && last.percent >= 100) return steps
  return [...steps, { kind: 'weight', percent: 100 }]
}

/** The new side's weight once the steps up to index `step` have run (a pause keeps the last). */
export function percentAt(steps: TrafficStep[], step: number): number {
  for (let i = Math.min(step, steps.length - 1); i >= 0; i--) {
    const item = steps[i]
    if (item?.kind === 'weight') return item.percent
  }
  return 0
}

/** "step 2 (25%)": counted as the user wrote `traffic-steps`, from 1. */
export function stepLabel(steps: TrafficStep[], step: number): string {
  return `step ${step + 1} (${percentAt(steps, step)}%)`
}

/** The tasks the new side starts with: `desired-count`, else the live side's count. */
export function newSideCount(settings: Pick<Settings, 'desiredCount'>, pair: Pair): number {
  return settings.desiredCount ?? pair.live.desiredCount
}

/** The plan in words, one line a step (unnumbered): what a dry run prints and every outcome carries. */
export function planLines(settings: Settings, pair: Pair, revision: string): string[] {
  const steps = trafficSteps(settings.steps)
  const idle = pair.idle.service
  const tasks = newSideCount(settings, pair)
  const lines: string[] = []
  if (forwardsAlone(pair.route, pair.live.targetGroupArn)) {
    const [live, other] = [pair.live.targetGroupName, pair.idle.targetGroupName]
    lines.push(
      `add ${other} to the route's forward at weight 0 (${live}=100, ${other}=0; it forwards ` +
        `to ${live} alone), so that the load balancer health-checks it; no traffic moves`
    )
  }
  lines.push(`bring up ${idle} on ${revision} (${tasks} ${tasks === 1 ? 'task' : 'tasks'})`)
  if (pair.capacity) lines.push(`capacity: ${capacityWords(idle, pair.capacity)}`)
  const scaled = scalingLine(pair)
  if (scaled) lines.push(scaled)
  if (settings.migration) {
    lines.push(
      `run one task of ${revision} with ${settings.migration.command.join(' ')} (migration-command) ` +
        'on its network; revert unless it exits 0'
    )
  }
  steps.forEach((step, i) => {
    if (step.kind === 'pause') {
      lines.push(`pause with ${percentAt(steps, i)}% on ${idle}; continue with command: promote`)
    } else {
      const bake =
        settings.stepWaitMs > 0 ? `bake ${formatDuration(settings.stepWaitMs)}` : 'check health'
      lines.push(`shift ${step.percent}% to ${idle}, ${bake}`)
    }
  })
  lines.push(`promote; ${handOverWords(pair)}${scaleDownWords(pair)}`)
  return lines
}

function scaleDownWords(pair: Pair): string {
  const old = pair.live.service
  if (pair.scaleDownDelayMs === null) return `keep ${old} warm (scale-down-delay: never)`
  return `scale ${old} to 0 after ${formatDuration(pair.scaleDownDelayMs)}`
}

/** What the rollout does to Application Auto Scaling while it runs, when a side is scaled by it. */
function scalingLine(pair: Pair): string | undefined {
  const { scaling } = pair
  if (!scaling?.live && !scaling?.idle) return undefined
  const live = pair.live.service
  const idle = pair.idle.service
  const held = [
    scaling.live ? `scale-in on ${live}` : '',
    scaling.idle ? `dynamic and scheduled scaling on ${idle}` : ''
  ].filter(Boolean)
  return (
    `suspend ${held.join(' and ')} while the rollout runs, restored as found if it reverts; ` +
    `${idle} follows ${live}'s desired count up`
  )
}

function handOverWords(pair: Pair): string {
  const from = pair.scaling?.live
  if (!from) return ''
  return `${pair.idle.service} takes ${pair.live.service}'s auto scaling (${targetWords(from)}); `
}
