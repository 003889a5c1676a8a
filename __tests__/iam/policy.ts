/**
 * The least-privilege policy (iam/policy.json) and just enough of IAM's evaluation to ask it
 * whether one request is allowed: Action and Resource with wildcards, and the condition
 * operators the policy uses. Anything else in a statement is refused loudly rather than
 * evaluated wrongly.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const POLICY_PATH = resolve(import.meta.dirname, '../../iam/policy.json')

export interface Statement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}

export interface Policy {
  Version: string
  Statement: Statement[]
}

/** One authorization AWS makes for a call: an action on a resource, with the request's context. */
export interface IamRequest {
  action: string
  resource: string
  /** condition keys the request carries, e.g. `ecs:cluster`, `iam:PassedToService` */
  context: Record<string, string>
}

/** The values a user writes in place of `<region>`, `<account-id>`, `<cluster>`... */
export type Placeholders = Record<string, string>

export function loadPolicy(path = POLICY_PATH): Policy {
  return JSON.parse(readFileSync(path, 'utf8')) as Policy
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value])

/** The policy with every `<name>` replaced by its value; an unknown placeholder is an error. */
export function fillPlaceholders(policy: Policy, values: Placeholders): Policy {
  const text = JSON.stringify(policy).replace(/<([a-z-]+)>/g, (whole, name: string) => {
    const value = values[name]
    if (value === undefined)
      throw new Error(`iam/policy.json has a placeholder ${whole} with no value`)
    return value
  })
  return JSON.parse(text) as Policy
}

/** Every action the policy names, as written. */
export function actionsOf(policy: Policy): string[] {
  return [...new Set(policy.Statement.flatMap((statement) => list(statement.Action)))].sort()
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split(/([*?])/)
    .map((part) =>
      part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    )
    .join('')
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value)
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: (pattern, value) => wildcardMatch(pattern, value),
  ArnEquals: (pattern, value) => pattern === value,
  ArnLike: (pattern, value) => wildcardMatch(pattern, value)
}

function conditionHolds(
  condition: Statement['Condition'],
  context: Record<string, string>
): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const test = OPERATORS[operator]
    if (!test)
      throw new Error(
        `iam/policy.json uses condition operator ${operator}, which this check does not evaluate`
      )
    for (const [key, expected] of Object.entries(keys)) {
      const value = context[key]
      // a key the request does not carry fails the condition, as IAM evaluates it
      if (value === undefined || !list(expected).some((pattern) => test(pattern, value)))
        return false
    }
  }
  return true
}

function statementMatches(statement: Statement, request: IamRequest): boolean {
  for (const key of Object.keys(statement)) {
    if (!['Sid', 'Effect', 'Action', 'Resource', 'Condition'].includes(key)) {
      throw new Error(
        `iam/policy.json statement ${statement.Sid ?? ''} uses ${key}, which this check does not evaluate`
      )
    }
  }
  return (
    list(statement.Action).some((pattern) => wildcardMatch(pattern, request.action, true)) &&
    list(statement.Resource).some((pattern) => wildcardMatch(pattern, request.resource)) &&
    conditionHolds(statement.Condition, request.context)
  )
}

/** Whether the policy allows the request: an Allow matches and no Deny does. */
export function allows(policy: Policy, request: IamRequest): boolean {
  const matching = policy.Statement.filter((statement) => statementMatches(statement, request))
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny')
}
