import { trafficSteps } from '../plan.js'
import type { TrafficStep } from '../settings.js'
import type { RolloutState } from '../state.js'
import { changedNow, recordedRelease, type RecordedPair } from './pair.js'
import type { RecordPhase, RolloutRecord } from './record.js'

export interface Resumption {
  state: RolloutState
  /** the steps the resumed run walks: the recorded ones, or cut short to 100 */
  steps: TrafficStep[]
  /** how the claim records it: a phase that holds the route while the run works */
  phase: RecordPhase
  step?: number
}

/**
 * Where a stored rollout carries on from: a bring-up again, the step it was shifting to (or the
 * one after its pause) once the idle side is checked healthy, or the rest of the scale-down
 * delay. The run gets a timeout of its own from now. Undefined when there is nothing to carry
 * on: the rollout had not started changing anything, was aborting, or has settled.
 */
export function resumption(
  record: RolloutRecord,
  found: RecordedPair,
  now: number,
  straightTo100 = false
): Resumption | undefined {
  const running = { startedAt: now, pair: found.pair, release: recordedRelease(record) }
  const steps = trafficSteps(record.steps)
  const from = (step: number): Resumption => {
    const walk: TrafficStep[] = straightTo100
      ? [...steps.slice(0, step), { kind: 'weight', percent: 100 }]
      : record.steps
    return {
      state: { ...running, phase: 'resume', step, changed: changedNow(found) },
      steps: walk,
      phase: 'shift',
      step
    }
  }
  switch (record.phase) {
    case 'bring-up':
      return {
        state: { ...running, phase: 'bring-up', changed: 'idle' },
        steps: straightTo100 ? [{ kind: 'weight', percent: 100 }] : record.steps,
        phase: 'bring-up'
      }
    case 'migrate':
      // the one-off task's outcome decides: followed to its end, never started a second time.
      // Without its ARN the run died before RunTask answered: the task may run or not, so the
      // rollout is not carried on (undefined: it is reverted, and the next deploy runs it anew)
      return record.migrationTask === undefined
        ? undefined
        : {
            state: {
              ...running,
              phase: 'resume',
              step: 0,
              changed: 'idle',
              migrationTask: record.migrationTask
            },
            steps: straightTo100 ? [{ kind: 'weight', percent: 100 }] : record.steps,
            phase: 'migrate'
          }
    case 'shift':
      return record.step === undefined ? undefined : from(record.step)
    case 'paused':
      return record.step === undefined ? undefined : from(record.step + 1)
    case 'scale-down':
      return record.promotedAt === undefined
        ? undefined
        : {
            state: { ...running, phase: 'scale-down', promotedAt: record.promotedAt },
            steps: record.steps,
            phase: 'scale-down',
            step: record.step
          }
    default:
      return undefined
  }
}
