import { InputError } from '../rollout/errors.js'
import type { KeyValue } from '../rollout/ports.js'
import { quote } from './quote.js'

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const KEY_SHOWN = 40

/**
 * KEY=VALUE lines. Values may be secrets, so no message repeats a value or a line that has no
 * '=' (it may be a value pasted on its own); only keys are quoted.
 */
export function parseEnvironmentLines(text: string): KeyValue[] {
  const entries: KeyValue[] = []
  const lineOf = new Map<string, number>()
  const rule = 'each line is KEY=VALUE; blank lines and lines starting with # are ignored'
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trimStart()
    const number = index + 1
    if (line === '' || line.startsWith('#')) return
    const equals = line.indexOf('=')
    if (equals < 0) throw new InputError('environment', `line ${number} has no '='; ${rule}`)
    const name = line.slice(0, equals).trim()
    if (!KEY.test(name)) {
      throw new InputError(
        'environment',
        `line ${number}: ${name === '' ? 'the key is empty' : `the key ${quote(name, KEY_SHOWN)} is not a valid name`}; ` +
          `a key is letters, digits and underscores, not starting with a digit (${rule})`
      )
    }
    const first = lineOf.get(name)
    if (first !== undefined) {
      throw new InputError(
        'environment',
        `line ${number} sets ${quote(name, KEY_SHOWN)} again (first set on line ${first}); each key may appear once`
      )
    }
    lineOf.set(name, number)
    entries.push({ name, value: line.slice(equals + 1) })
  })
  return entries
}
