import fc from 'fast-check'
import type { ImageBehavior } from '../support/memory-aws.js'

/** The releases a deploy may roll out: good ones, and bad ones a deploy must catch and revert. */
export const IMAGES = {
  good: { image: 'registry.example.com/web:2.0.0', behavior: {} },
  good2: { image: 'registry.example.com/web:2.1.0', behavior: {} },
  /** fails its health checks once it gets 10% of the traffic */
  sickAt10: { image: 'registry.example.com/web:3.0.0', behavior: { unhealthyAtWeight: 10 } },
  /** crashes once it gets 25% */
  crashAt25: { image: 'registry.example.com/web:3.1.0', behavior: { crashAtWeight: 25 } },
  /** never passes a health check: bring-up fails, it must never get traffic */
  neverHealthy: { image: 'registry.example.com/web:3.2.0', behavior: { unhealthy: true } },
  /** passes, then crashes 40s after starting (during the first bake) */
  crashes: { image: 'registry.example.com/web:3.3.0', behavior: { crashAfterMs: 40_000 } }
} satisfies Record<string, { image: string; behavior: ImageBehavior }>

export type ImageName = keyof typeof IMAGES

/** A fault on one of an actor's own calls, counted from 0 in the order the actor makes them. */
export type FaultPlan =
  /** the nth mutating call: applied, but its answer is lost (the caller gets an error) */
  | { kind: 'lost'; nth: number }
  /** the nth mutating call: the caller gets an error at once, AWS applies it later */
  | { kind: 'late'; nth: number; calls: number; ms: number; weights?: boolean }
  /** the nth call of any kind is throttled (not applied) */
  | { kind: 'throttle'; nth: number }
  /** from the actor's nth writeTags on, `times` of them are throttled */
  | { kind: 'tags-throttled'; nth: number; times: number }

/** The runner dies: at its nth AWS call (that call sent or not), or this long after it started. */
export type DeathPlan = { atCall: number; sent: boolean } | { afterMs: number }

export interface ActorPlan {
  kind: 'deploy' | 'abort' | 'promote' | 'tidy'
  /** virtual time from the start of the simulation */
  startMs: number
  image: ImageName
  /** a deploy's steps: straight through, or with a pause after 10% */
  pause: boolean
  /** scale-down-delay of a deploy (undefined: the deregistration delay, 300s) */
  scaleDownDelayMs?: number
  faults: FaultPlan[]
  /** calls that take this long to land (by the actor's call count) */
  slow: { nth: number; ms: number }[]
  death?: DeathPlan
  /** how long after the death GitHub runs the post step */
  postDelayMs: number
}

export interface Schedule {
  actors: ActorPlan[]
}

/**
 * Late-landing weight writes (writeForward) strand traffic on a side the run then scales to 0:
 * a known finding (regressions.test.ts, it.failing), so the default property leaves them out
 * until it is fixed, and `simulate --all-faults` puts them back. Every other late write (tags,
 * services, lock rules) is generated.
 */
export const LATE_WEIGHT_WRITES_KNOWN_BROKEN = true

const SECOND = 1000
const MINUTE = 60 * SECOND

const fault: fc.Arbitrary<FaultPlan> = fc.oneof(
  fc.record({ kind: fc.constant('lost' as const), nth: fc.nat(14) }),
  fc.record({
    kind: fc.constant('late' as const),
    nth: fc.nat(14),
    calls: fc.integer({ min: 1, max: 8 }),
    ms: fc.integer({ min: 0, max: 10 * SECOND }),
    weights: fc.boolean()
  }),
  fc.record({ kind: fc.constant('throttle' as const), nth: fc.nat(120) }),
  fc.record({
    kind: fc.constant('tags-throttled' as const),
    nth: fc.nat(10),
    times: fc.integer({ min: 1, max: 12 })
  })
)

const death: fc.Arbitrary<DeathPlan> = fc.oneof(
  fc.record({ atCall: fc.nat(250), sent: fc.boolean() }),
  fc.record({ afterMs: fc.integer({ min: 0, max: 6 * MINUTE }) })
)

function actor(kind: ActorPlan['kind'], startMax: number): fc.Arbitrary<ActorPlan> {
  return fc.record(
    {
      kind: fc.constant(kind),
      startMs: fc.integer({ min: 0, max: startMax }),
      image: fc.constantFrom(...(Object.keys(IMAGES) as ImageName[])),
      pause: fc.boolean(),
      // undefined (305s) and 2m: left to the next run (longer than 30s); 0 and 30s: in the run
      scaleDownDelayMs: fc.constantFrom(undefined, undefined, 0, 30 * SECOND, 2 * MINUTE),
      faults: fc.array(fault, { maxLength: 3 }),
      slow: fc.array(fc.record({ nth: fc.nat(150), ms: fc.integer({ min: 1, max: 3 * SECOND }) }), {
        maxLength: 4
      }),
      death: fc.option(death, { nil: undefined, freq: 2 }),
      postDelayMs: fc.constantFrom(0, 5 * SECOND, MINUTE, 4 * MINUTE)
    },
    { requiredKeys: ['kind', 'startMs', 'image', 'pause', 'faults', 'slow', 'postDelayMs'] }
  )
}

/**
 * Two or three deploys, and maybe an abort and a promote, each starting somewhere in the first
 * minutes (a rollout takes about three), with its own faults, slow calls and perhaps a runner death.
 */
export const schedules: fc.Arbitrary<Schedule> = fc
  .tuple(
    fc.array(actor('deploy', 5 * MINUTE), { minLength: 2, maxLength: 3 }),
    fc.option(actor('abort', 7 * MINUTE), { nil: undefined }),
    fc.option(actor('promote', 7 * MINUTE), { nil: undefined }),
    // a scheduled tidy, mostly once a deferred scale-down (due 305s after promotion) is due
    fc.option(
      actor('tidy', 10 * MINUTE).map((plan) => ({ ...plan, startMs: plan.startMs + 4 * MINUTE })),
      { nil: undefined }
    )
  )
  .map(([deploys, abort, promote, tidy]) => ({
    actors: [
      ...deploys,
      ...(abort ? [abort] : []),
      ...(promote ? [promote] : []),
      ...(tidy ? [tidy] : [])
    ]
  }))
