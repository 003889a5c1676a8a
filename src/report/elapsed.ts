/** A duration the way the action's inputs write them: `0s`, `45s`, `1m10s`, `2m`, `1h5m`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const parts = [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    seconds > 0 ? `${seconds}s` : ''
  ].join('')
  return parts === '' ? '0s' : parts
}
