import type { ScalableTarget, Suspended } from '../ports.js'

/**
 * The scalable targets of both sides as the rollout found them, before it changed anything:
 * what a revert, an abort, a takeover or the post step puts back, and what the side that goes
 * live inherits. A side without a scalable target is not scaled by Application Auto Scaling.
 */
export interface PairScaling {
  live?: ScalableTarget
  idle?: ScalableTarget
}

const NONE: Suspended = { dynamicIn: false, dynamicOut: false, scheduled: false }
export const ALL_SUSPENDED: Suspended = { dynamicIn: true, dynamicOut: true, scheduled: true }

const PARTS: [keyof Suspended, string][] = [
  ['dynamicIn', 'in'],
  ['dynamicOut', 'out'],
  ['scheduled', 'scheduled']
]

/** "dynamic scale-in and scheduled scaling suspended", "nothing suspended" */
export function suspendedWords(suspended: Suspended): string {
  const words = [
    suspended.dynamicIn && suspended.dynamicOut
      ? 'dynamic scaling'
      : suspended.dynamicIn
        ? 'dynamic scale-in'
        : suspended.dynamicOut
          ? 'dynamic scale-out'
          : '',
    suspended.scheduled ? 'scheduled scaling' : ''
  ].filter(Boolean)
  return words.length === 0 ? 'nothing suspended' : `${words.join(' and ')} suspended`
}

/** "min 2, max 8, nothing suspended" */
export function targetWords(target: ScalableTarget): string {
  return `min ${target.min}, max ${target.max}, ${suspendedWords(target.suspended)}`
}

export function sameSuspended(a: Suspended, b: Suspended): boolean {
  return PARTS.every(([field]) => a[field] === b[field])
}

// ---------- as a tag value: `live:2:8:none idle:0:8:in+out`, `idle:-` for no target ----------

function encodeSuspended(suspended: Suspended): string {
  const parts = PARTS.filter(([field]) => suspended[field]).map(([, word]) => word)
  return parts.length === 0 ? 'none' : parts.join('+')
}

function encodeTarget(target: ScalableTarget | undefined): string {
  return target ? `${target.min}:${target.max}:${encodeSuspended(target.suspended)}` : '-'
}

/** '' when the scaling was not read (the tag then says nothing, as before it existed). */
export function encodeScaling(scaling: PairScaling | undefined): string {
  if (!scaling) return ''
  return `live:${encodeTarget(scaling.live)} idle:${encodeTarget(scaling.idle)}`
}

const TARGET = /^(\d{1,9}):(\d{1,9}):(none|[a-z+]+)$/

function decodeTarget(value: string): ScalableTarget | undefined | null {
  if (value === '-') return undefined
  const match = TARGET.exec(value)
  if (!match) return null
  const [, min, max, flags] = match as unknown as [string, string, string, string]
  const words = flags === 'none' ? [] : flags.split('+')
  const known = new Set(PARTS.map(([, word]) => word))
  if (words.some((word) => !known.has(word)) || new Set(words).size !== words.length) return null
  const suspended = { ...NONE }
  for (const [field, word] of PARTS) suspended[field] = words.includes(word)
  if (Number(min) > Number(max)) return null
  return { min: Number(min), max: Number(max), suspended }
}

/** The tag read back; null when it is not one this action writes. */
export function decodeScaling(value: string): PairScaling | null {
  const match = /^live:(\S+) idle:(\S+)$/.exec(value)
  if (!match) return null
  const live = decodeTarget(match[1] ?? '')
  const idle = decodeTarget(match[2] ?? '')
  if (live === null || idle === null) return null
  return { ...(live ? { live } : {}), ...(idle ? { idle } : {}) }
}
