import { formatDuration } from './duration.js'

/**
 * How long a read may go on showing a service as it was before the run's own UpdateService.
 * ECS documents its API as eventually consistent ("the result of an API command you run that
 * affects your Amazon ECS resources might not be immediately visible to all subsequent commands
 * you run", Amazon ECS API Reference), typically for seconds; a minute is far beyond that.
 */
export const OWN_WRITE_VISIBLE_WITHIN_MS = 60_000

/** What a read of the service says about the run's own write of its revision. */
export type Sighting =
  /** the read shows the revision the run wrote */
  | { kind: 'ours' }
  /** the read still shows the service as before the write, soon enough after it: read again */
  | { kind: 'not-yet' }
  /** it still shows the service as before, too long after: a real problem, in these words */
  | { kind: 'late'; reason: string }
  /** it shows something else: someone else changed the service */
  | { kind: 'other' }

/**
 * The run's own UpdateService of a service's revision, remembered so that a read that does not
 * show it yet is not taken for someone else changing the service. The tolerance is narrow: only
 * the very revision the service had before the write, only until a read has shown the write
 * once (after that, the old revision coming back is someone else's doing), and only for
 * OWN_WRITE_VISIBLE_WITHIN_MS. Any other revision is someone else's change at once.
 */
export class OwnWrite {
  private seen = false

  constructor(
    readonly service: string,
    /** the revision the run set */
    readonly wrote: string,
    /** the revision the service ran before the write */
    readonly before: string,
    /** when the write was answered, on the run's clock */
    readonly at: number,
    readonly withinMs = OWN_WRITE_VISIBLE_WITHIN_MS
  ) {}

  /** Judges the revision that a read taken at `readAt` shows for the service. */
  sighting(shown: string, readAt: number, where: string): Sighting {
    if (shown === this.wrote) {
      this.seen = true
      return { kind: 'ours' }
    }
    if (shown !== this.before || this.before === this.wrote || this.seen) return { kind: 'other' }
    if (readAt - this.at < this.withinMs) return { kind: 'not-yet' }
    return {
      kind: 'late',
      reason:
        `${this.service} still reads ${revisionOf(this.before)} ${formatDuration(this.withinMs)} ` +
        `after the action set it to ${revisionOf(this.wrote)} ${where}: ECS never showed the update`
    }
  }
}

/** `arn:...:task-definition/web:42` -> `web:42` */
function revisionOf(taskDefinitionArn: string): string {
  return taskDefinitionArn.split('/').at(-1) ?? taskDefinitionArn
}
