import { invalid } from '../params.js'

/** `attribute:<name> <op> <value>` clauses joined by `and`/`or` (the subset of the cluster query language the emulator reads) */
export type Expression = { clauses: Clause[]; joins: ('and' | 'or')[] }

interface Clause {
  attribute: string
  op: '==' | '!=' | 'in' | 'not_in'
  values: string[]
}

const CLAUSE =
  /^\s*attribute:([A-Za-z0-9_.-]+)\s*(==|!=|\bin\b|\bnot_in\b|\bequals\b|\bnot_equals\b)\s*(\[[^\]]*\]|\(\s*[^)]*\)|[^\s()[\]]+)\s*$/

/** Parses a memberOf expression; anything outside the subset is refused, naming it. */
export function parseExpression(text: string): Expression {
  const parts = text.split(/\s+(and|or|&&|\|\|)\s+/)
  const clauses: Clause[] = []
  const joins: ('and' | 'or')[] = []
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      joins.push(part === 'and' || part === '&&' ? 'and' : 'or')
      return
    }
    const match = CLAUSE.exec(part)
    if (!match) {
      throw invalid(
        `Unable to parse the placement constraint expression '${text}': the emulator reads attribute:<name> ==, !=, in or not_in clauses joined by and/or.`
      )
    }
    const [, attribute, rawOp, rawValue] = match as unknown as [string, string, string, string]
    const op = rawOp === 'equals' ? '==' : rawOp === 'not_equals' ? '!=' : (rawOp as Clause['op'])
    const list = /^[[(]/.test(rawValue)
    const values = list
      ? rawValue
          .slice(1, -1)
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
      : [rawValue]
    clauses.push({ attribute, op, values })
  })
  return { clauses, joins }
}

/** Whether an instance with these attributes matches; `and` binds before `or`. */
export function matches(expression: Expression, attributes: Map<string, string>): boolean {
  const test = (clause: Clause): boolean => {
    const value = attributes.get(clause.attribute)
    const hit = value !== undefined && clause.values.includes(value)
    return clause.op === '==' || clause.op === 'in' ? hit : !hit
  }
  let any = false
  let all = true
  expression.clauses.forEach((clause, i) => {
    all = all && test(clause)
    if (i === expression.clauses.length - 1 || expression.joins[i] === 'or') {
      any = any || all
      all = true
    }
  })
  return any
}
