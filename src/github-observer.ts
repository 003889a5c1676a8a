import * as core from '@actions/core'
import type { RolloutObserver, TimelineEntry } from './rollout/ports.js'

/** Maps the engine's phases onto log groups and collects the timeline for the summary. */
export class GitHubObserver implements RolloutObserver {
  readonly entries: TimelineEntry[] = []
  private open = false

  phase(name: string): void {
    this.close()
    core.startGroup(name)
    this.open = true
  }

  info(line: string): void {
    core.info(line)
  }

  warn(line: string): void {
    core.warning(line)
  }

  timeline(entry: TimelineEntry): void {
    this.entries.push(entry)
  }

  close(): void {
    if (this.open) core.endGroup()
    this.open = false
  }
}
