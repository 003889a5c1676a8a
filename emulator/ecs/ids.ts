import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { CallContext } from '../core/contracts.js'

export function hex32(): string {
  return randomBytes(16).toString('hex')
}

export function uuid(): string {
  return randomUUID()
}

/** `ecs-svc/` and 19 digits, as ECS names deployments */
export function deploymentId(): string {
  let digits = String(randomInt(1, 10))
  while (digits.length < 19) digits += String(randomInt(0, 10))
  return `ecs-svc/${digits}`
}

export function ecsArn(ctx: Pick<CallContext, 'region' | 'accountId'>, resource: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:${resource}`
}

/** the parts of an ECS ARN, or undefined when `ref` is not one */
export function parseEcsArn(
  ref: string
): { region: string; accountId: string; kind: string; path: string[] } | undefined {
  const match = /^arn:aws[a-z-]*:ecs:([^:]+):([^:]+):([a-z-]+)\/(.+)$/.exec(ref)
  if (!match) return undefined
  const [, region, accountId, kind, path] = match as unknown as [
    string,
    string,
    string,
    string,
    string
  ]
  return { region, accountId, kind, path: path.split('/') }
}

export function isArn(ref: string): boolean {
  return ref.startsWith('arn:')
}
