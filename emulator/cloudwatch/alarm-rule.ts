import { invalidValue } from './params.js'
import type { AlarmState } from './state.js'

/**
 * A composite alarm's AlarmRule: ALARM(x), OK(x), INSUFFICIENT_DATA(x), TRUE and FALSE, joined by
 * AND, OR and NOT with parentheses. Names may be quoted ("..."), and must be when they hold
 * spaces or parentheses; an alarm may be named by its ARN (PutCompositeAlarm, AlarmRule).
 */
export type AlarmRule =
  | { kind: 'state'; state: AlarmState; alarm: string }
  | { kind: 'constant'; value: boolean }
  | { kind: 'not'; rule: AlarmRule }
  | { kind: 'and' | 'or'; left: AlarmRule; right: AlarmRule }

export const MAX_RULE_LENGTH = 10240

type Token = { kind: 'word' | 'quoted' | '(' | ')'; text: string }

function tokens(text: string): Token[] {
  const found: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (/\s/.test(c)) {
      i++
    } else if (c === '(' || c === ')') {
      found.push({ kind: c, text: c })
      i++
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1)
      if (end < 0) throw bad(text, 'a quoted alarm name is not closed')
      found.push({ kind: 'quoted', text: text.slice(i + 1, end) })
      i = end + 1
    } else {
      let j = i
      while (j < text.length && !/[\s()"]/.test(text[j] as string)) j++
      found.push({ kind: 'word', text: text.slice(i, j) })
      i = j
    }
  }
  return found
}

function bad(rule: string, why: string): Error {
  return invalidValue(`The AlarmRule '${rule.slice(0, 200)}' is not valid: ${why}.`)
}

const STATES: Record<string, AlarmState> = {
  ALARM: 'ALARM',
  OK: 'OK',
  INSUFFICIENT_DATA: 'INSUFFICIENT_DATA'
}

/** Parses a rule; AND binds tighter than OR, NOT tightest, as in CloudWatch's examples. */
export function parseAlarmRule(text: string): AlarmRule {
  if (text.trim() === '') throw bad(text, 'it is empty')
  if (text.length > MAX_RULE_LENGTH) {
    throw invalidValue(`The AlarmRule must be at most ${MAX_RULE_LENGTH} characters.`)
  }
  const list = tokens(text)
  let at = 0
  const peek = (): Token | undefined => list[at]
  const word = (w: string): boolean => peek()?.kind === 'word' && peek()?.text.toUpperCase() === w

  const or = (): AlarmRule => {
    let left = and()
    while (word('OR')) {
      at++
      left = { kind: 'or', left, right: and() }
    }
    return left
  }
  const and = (): AlarmRule => {
    let left = unary()
    while (word('AND')) {
      at++
      left = { kind: 'and', left, right: unary() }
    }
    return left
  }
  const unary = (): AlarmRule => {
    if (word('NOT')) {
      at++
      return { kind: 'not', rule: unary() }
    }
    return primary()
  }
  const primary = (): AlarmRule => {
    const token = list[at++]
    if (!token) throw bad(text, 'it ends where an expression was expected')
    if (token.kind === '(') {
      const inner = or()
      if (list[at++]?.kind !== ')') throw bad(text, 'a parenthesis is not closed')
      return inner
    }
    const name = token.kind === 'word' ? token.text.toUpperCase() : ''
    if (name === 'TRUE' || name === 'FALSE') return { kind: 'constant', value: name === 'TRUE' }
    const state = STATES[name]
    if (!state)
      throw bad(text, `'${token.text}' is not ALARM, OK, INSUFFICIENT_DATA, TRUE or FALSE`)
    if (list[at++]?.kind !== '(') throw bad(text, `${name} must be followed by (alarm name)`)
    const alarm = list[at++]
    if (!alarm || (alarm.kind !== 'word' && alarm.kind !== 'quoted') || alarm.text === '') {
      throw bad(text, `${name}() must name an alarm`)
    }
    if (list[at++]?.kind !== ')') throw bad(text, `${name}(${alarm.text} is not closed`)
    return { kind: 'state', state, alarm: alarm.text }
  }

  const rule = or()
  if (at < list.length) throw bad(text, `'${list[at]?.text}' is unexpected`)
  return rule
}

/** The names (or ARNs) of the alarms a rule reads, each once. */
export function alarmsOf(rule: AlarmRule): string[] {
  const names = new Set<string>()
  const walk = (r: AlarmRule): void => {
    if (r.kind === 'state') names.add(r.alarm)
    else if (r.kind === 'not') walk(r.rule)
    else if (r.kind === 'and' || r.kind === 'or') {
      walk(r.left)
      walk(r.right)
    }
  }
  walk(rule)
  return [...names]
}

/** True when the rule holds, given each named alarm's state (an unknown alarm matches nothing). */
export function holds(
  rule: AlarmRule,
  stateOf: (alarm: string) => AlarmState | undefined
): boolean {
  switch (rule.kind) {
    case 'state':
      return stateOf(rule.alarm) === rule.state
    case 'constant':
      return rule.value
    case 'not':
      return !holds(rule.rule, stateOf)
    case 'and':
      return holds(rule.left, stateOf) && holds(rule.right, stateOf)
    case 'or':
      return holds(rule.left, stateOf) || holds(rule.right, stateOf)
  }
}
