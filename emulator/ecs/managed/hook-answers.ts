/**
 * What the simulated Lambda function behind a lifecycle hook answers (PUT /_emulator/hooks):
 * `status` once `afterSeconds` of simulated time have passed since ECS invoked it, IN_PROGRESS
 * until then. A function nobody configured answers SUCCEEDED at once.
 */
import type { LambdaHookAnswer, LambdaHookAnswers } from '../../core/contracts.js'

export type HookAnswer = LambdaHookAnswer

export class HookAnswers implements LambdaHookAnswers {
  private readonly answers = new Map<string, HookAnswer>()

  set(answer: HookAnswer): void {
    this.answers.set(answer.hookTargetArn, { ...answer })
  }

  /** what the function answers `elapsedSeconds` after its invocation */
  answer(hookTargetArn: string, elapsedSeconds: number): HookAnswer['status'] {
    const answer = this.answers.get(hookTargetArn)
    if (!answer) return 'SUCCEEDED'
    return elapsedSeconds >= answer.afterSeconds ? answer.status : 'IN_PROGRESS'
  }

  list(): HookAnswer[] {
    return [...this.answers.values()].map((answer) => ({ ...answer }))
  }

  clear(): void {
    this.answers.clear()
  }
}
