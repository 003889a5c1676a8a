import type { RolloutObserver, TimelineEntry } from '../../src/rollout/ports.js'

/** An observer that keeps everything the engine reported, and can act on a phase starting. */
export interface Recorder {
  observer: RolloutObserver
  phases: string[]
  infos: string[]
  warnings: string[]
  timeline: TimelineEntry[]
}

export function recorder(onPhase?: (name: string) => void): Recorder {
  const recorded: Recorder = {
    phases: [],
    infos: [],
    warnings: [],
    timeline: [],
    observer: {
      phase: (name) => {
        recorded.phases.push(name)
        onPhase?.(name)
      },
      info: (line) => recorded.infos.push(line),
      warn: (line) => recorded.warnings.push(line),
      timeline: (entry) => recorded.timeline.push(entry)
    }
  }
  return recorded
}
