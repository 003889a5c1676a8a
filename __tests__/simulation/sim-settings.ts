import type { Settings } from '../../src/rollout/settings.js'
import type { BlueGreen } from '../support/blue-green.js'

/**
 * The inputs every actor shares: 30s bakes and a stale-after of 2 minutes (an input users set
 * too) keep a rollout, and a takeover of a silent one, within a few minutes of virtual time.
 */
export function simSettings(bg: BlueGreen, overrides: Partial<Settings> = {}): Settings {
  return bg.settings({ stepWaitMs: 30_000, staleAfterMs: 2 * 60_000, ...overrides })
}
