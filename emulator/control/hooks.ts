import type { LambdaHookAnswer, World } from '../core/contracts.js'
import type { ControlResponse } from './api.js'
import { asObject, nonEmptyString, oneOf, optionalNumber, rejectUnknownFields } from './input.js'

const FIELDS = ['hookTargetArn', 'status', 'afterSeconds']
const STATUSES = ['SUCCEEDED', 'FAILED', 'IN_PROGRESS'] as const
/** a day, the longest a lifecycle hook may run */
const MAX_AFTER_SECONDS = 86_400

/**
 * The lifecycle hooks' part of the control API (ECS blue/green, linear and canary deployments):
 *
 * - `PUT hooks`  `{ hookTargetArn, status, afterSeconds? }`: the Lambda function with that ARN
 *                answers `status` (SUCCEEDED, FAILED or IN_PROGRESS) `afterSeconds` simulated
 *                seconds (default 0) after ECS invokes it, IN_PROGRESS until then. A function no
 *                one set answers SUCCEEDED at once. Answers the setting.
 * - `GET hooks`  `{ hooks: [...] }`, every setting
 *
 * Answers undefined for any other path, so that the caller goes on routing.
 */
export function routeHooks(
  method: string,
  path: string,
  body: () => unknown,
  world: World
): ControlResponse | undefined {
  if (path !== 'hooks') return undefined
  const answers = world.hookAnswers
  if (!answers) return { status: 404, body: { message: 'this emulator world runs no ECS' } }
  if (method === 'GET') return { status: 200, body: { hooks: answers.list() } }
  if (method !== 'PUT') return { status: 405, body: { message: `${method} hooks: use PUT or GET` } }
  const answer = parseHookAnswer(body())
  answers.set(answer)
  return { status: 200, body: answer }
}

export function parseHookAnswer(body: unknown): LambdaHookAnswer {
  const input = asObject(body, 'the hook answer')
  rejectUnknownFields(input, FIELDS, 'the hook answer')
  return {
    hookTargetArn: nonEmptyString(input.hookTargetArn, 'hookTargetArn'),
    status: oneOf(input.status, 'status', STATUSES),
    afterSeconds:
      optionalNumber(input.afterSeconds, 'afterSeconds', { min: 0, max: MAX_AFTER_SECONDS }) ?? 0
  }
}
