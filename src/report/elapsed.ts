import { formatDuration as formatInputDuration } from '../rollout/duration.js'

/** Elapsed time in whole seconds, written the way the action's inputs are: `0s`, `1m10s`, `1h5m`. */
export function formatDuration(ms: number): string {
  return formatInputDuration(Math.max(0, Math.floor(ms / 1000)) * 1000)
}
