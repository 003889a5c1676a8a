import type { ImageBehavior } from './core/contracts.js'

/** An image's behaviour with every default filled in. */
export interface ResolvedBehavior {
  behavior: ImageBehavior['behavior']
  startSeconds: number
  afterSeconds: number
  exitCode: number
  /** what the task answers a request the load balancer sends it */
  errorRate: number
  latencyMs: number
  status: number
  body: string
  /** what serving costs the task, for AWS/ECS CPUUtilization and MemoryUtilization (percent) */
  cpuBaseline: number
  cpuPerRequest: number
  memoryBaseline: number
  memoryPerRequest: number
  /** a one-off task (RunTask with a command override) of the image */
  oneOff: { exitCode: number; afterSeconds: number }
}

const DEFAULT_START_SECONDS = 3
const DEFAULT_AFTER_SECONDS = { degrade: 20, crash: 2 } as const
const DEFAULT_EXIT_CODE = 1
const DEFAULT_ONE_OFF_SECONDS = 5
const DEFAULT_LATENCY_MS = 10
const DEFAULT_STATUS = 200
const DEFAULT_BODY = 'ok'
// an idle web server: a little CPU, a fifth of its memory; 100 requests a second take half a task
const DEFAULT_CPU_BASELINE = 5
const DEFAULT_CPU_PER_REQUEST = 0.5
const DEFAULT_MEMORY_BASELINE = 20
const DEFAULT_MEMORY_PER_REQUEST = 0.1

/**
 * How tasks running each image behave, keyed by the exact image string. Unknown images are
 * healthy. The simulation reads the book when it needs an answer (start, each health check, the
 * crash moment), so a behaviour set while tasks run changes them from then on.
 */
export class ImageBook {
  private readonly book = new Map<string, ImageBehavior>()

  set(behavior: ImageBehavior): void {
    this.book.set(behavior.image, { ...behavior })
  }

  get(image: string | undefined): ResolvedBehavior {
    const set = image === undefined ? undefined : this.book.get(image)
    const behavior = set?.behavior ?? 'healthy'
    return {
      behavior,
      startSeconds: set?.startSeconds ?? DEFAULT_START_SECONDS,
      afterSeconds:
        set?.afterSeconds ??
        (behavior === 'crash' || behavior === 'degrade' ? DEFAULT_AFTER_SECONDS[behavior] : 0),
      exitCode: set?.exitCode ?? DEFAULT_EXIT_CODE,
      errorRate: set?.errorRate ?? 0,
      latencyMs: set?.latencyMs ?? DEFAULT_LATENCY_MS,
      status: set?.status ?? DEFAULT_STATUS,
      body: set?.body ?? DEFAULT_BODY,
      cpuBaseline: set?.cpuBaseline ?? DEFAULT_CPU_BASELINE,
      cpuPerRequest: set?.cpuPerRequest ?? DEFAULT_CPU_PER_REQUEST,
      memoryBaseline: set?.memoryBaseline ?? DEFAULT_MEMORY_BASELINE,
      memoryPerRequest: set?.memoryPerRequest ?? DEFAULT_MEMORY_PER_REQUEST,
      oneOff: {
        exitCode: set?.oneOff?.exitCode ?? 0,
        afterSeconds: set?.oneOff?.afterSeconds ?? DEFAULT_ONE_OFF_SECONDS
      }
    }
  }

  list(): ImageBehavior[] {
    return [...this.book.values()].map((behavior) => ({ ...behavior }))
  }

  clear(): void {
    this.book.clear()
  }
}
