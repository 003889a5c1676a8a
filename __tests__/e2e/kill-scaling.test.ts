import { describe, expect, it } from '@jest/globals'
import { planKills, scaledTrials } from '../../scripts/suites/kill.js'
import {
  recordedWords,
  scalingEnding,
  type PairScaling,
  type SideScaling
} from '../../scripts/suites/scaling.js'

/*
 * How the kill suite judges a scaled pair once no rollout is in flight: what it accepts must be
 * exactly what the action promises (as found, or handed over), or a wrong ending would pass.
 */

const none = { dynamicIn: false, dynamicOut: false, scheduled: false }
const all = { dynamicIn: true, dynamicOut: true, scheduled: true }
const side = (min: number, suspended = none): SideScaling => ({ min, max: 8, ...suspended })
const found: PairScaling = { blue: side(2), green: side(0) }
const warm = { blue: 2, green: 2 }

describe('the kill suite’s verdict on auto scaling', () => {
  it('accepts the pair as found, or handed over to the side with the traffic after a promotion', () => {
    expect(scalingEnding(found, found, 'blue', { blue: 2, green: 0 }, false)).toBe('as found')
    const handed = { blue: side(0, all), green: side(2) }
    expect(scalingEnding(found, handed, 'green', { blue: 0, green: 2 }, true)).toBe('handed over')
    // promoted, then a later rollout from green reverted: the handover it found stays
    expect(scalingEnding(found, handed, 'green', { blue: 0, green: 2 }, false)).toBe('handed over')
    // promoted, the old side kept warm (killed before its scale-down): its minimum may stay
    const warmOld = { blue: side(2, all), green: side(2) }
    expect(scalingEnding(found, warmOld, 'green', warm, true)).toBe('handed over')
    // promoted there and back by the next deploy: handed over to blue again
    const back = { blue: side(2), green: side(0, all) }
    expect(scalingEnding(found, back, 'blue', warm, true)).toBe('handed over')
  })

  it('finds wrong what a user would have to fix', () => {
    const onGreen = { blue: 0, green: 2 }
    const wrong: [PairScaling, 'blue' | 'green', Record<'blue' | 'green', number>, boolean][] = [
      // still held for the rollout: scale-in suspended on the live side
      [{ blue: side(2, { ...none, dynamicIn: true }), green: side(0, all) }, 'blue', warm, false],
      // reverted, but the new side left suspended: it looks like a handover to blue, and is not
      [{ blue: side(2), green: side(0, all) }, 'blue', { blue: 2, green: 0 }, false],
      // promoted without a handover
      [found, 'green', onGreen, true],
      // the new live side scales, but the old one would too
      [{ blue: side(0), green: side(2) }, 'green', onGreen, true],
      // the old side at 0 tasks with a minimum that brings it back
      [{ blue: side(2, all), green: side(2) }, 'green', onGreen, true],
      // the new live side's limits are not the old live side's
      [{ blue: side(0, all), green: side(0) }, 'green', onGreen, true],
      // a scalable target gone
      [{ green: side(2) }, 'green', onGreen, true]
    ]
    for (const [now, live, desired, promoted] of wrong) {
      expect(scalingEnding(found, now, live, desired, promoted)).toBe('wrong')
    }
  })

  it('reads the record’s tag as the action writes it', () => {
    expect(recordedWords(found, 'blue')).toBe('live:2:8:none idle:0:8:none')
    expect(recordedWords({ blue: side(2, all) }, 'blue')).toBe('live:2:8:in+out+scheduled idle:-')
  })

  it('scales half the trials (rounded up), the same ones for a seed', () => {
    expect(scaledTrials(6, 7).size).toBe(3)
    expect(scaledTrials(1, 1)).toEqual(new Set([0]))
    const plans = planKills(20, 3)
    expect(plans.filter((p) => p.scaled).map((p) => p.index)).toEqual(
      [...scaledTrials(20, 3)].sort((a, b) => a - b)
    )
  })
})
