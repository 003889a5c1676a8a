import type { Condition } from '../elbv2/state.js'
import type { DataRequest } from './request.js'

/**
 * Whether a rule's conditions all hold for a request, as an ALB matches them: any value of a
 * condition may match; host names, header values and query strings compare without regard to
 * case, paths with it; `*` stands for any characters and `?` for one.
 */
export function conditionsHold(conditions: Condition[], request: DataRequest): boolean {
  return conditions.every((condition) => holds(condition, request))
}

function holds(condition: Condition, request: DataRequest): boolean {
  switch (condition.Field) {
    case 'host-header':
      return values(condition, 'HostHeaderConfig').some((p) => wildcard(p, true).test(request.host))
    case 'path-pattern':
      return values(condition, 'PathPatternConfig').some((p) =>
        wildcard(p, false).test(request.path)
      )
    case 'http-header': {
      const config = configOf(condition, 'HttpHeaderConfig')
      const name = String(config.HttpHeaderName ?? '').toLowerCase()
      const sent = request.headers.get(name) ?? []
      return values(condition, 'HttpHeaderConfig').some((p) =>
        sent.some((value) => wildcard(p, true).test(value))
      )
    }
    case 'http-request-method':
      return values(condition, 'HttpRequestMethodConfig').includes(request.method)
    case 'query-string':
      return queryPairs(condition).some(({ key, value }) =>
        [...request.query].some(
          ([k, v]) =>
            (key === undefined || wildcard(key, true).test(k)) && wildcard(value, true).test(v)
        )
      )
    case 'source-ip':
      return values(condition, 'SourceIpConfig').some((cidr) => inCidr(request.sourceIp, cidr))
    default:
      return false
  }
}

function configOf(condition: Condition, key: string): Record<string, unknown> {
  const config = condition[key]
  return typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {}
}

function values(condition: Condition, configKey: string): string[] {
  const fromConfig = configOf(condition, configKey).Values
  const list = Array.isArray(fromConfig) ? fromConfig : condition.Values
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
}

function queryPairs(condition: Condition): { key?: string; value: string }[] {
  const list = configOf(condition, 'QueryStringConfig').Values
  if (!Array.isArray(list)) return []
  return list.flatMap((pair: unknown) => {
    if (typeof pair !== 'object' || pair === null) return []
    const { Key, Value } = pair as { Key?: unknown; Value?: unknown }
    if (typeof Value !== 'string') return []
    return typeof Key === 'string' ? [{ key: Key, value: Value }] : [{ value: Value }]
  })
}

const compiled = new Map<string, RegExp>()

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`
  let regex = compiled.get(key)
  if (!regex) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's')
    // patterns come from rules, which are few; the bound only guards a long-running emulator
    if (compiled.size > 10_000) compiled.clear()
    compiled.set(key, regex)
  }
  return regex
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/')
  const address = ipv4(ip)
  const network = ipv4(base ?? '')
  const prefix = bits === undefined ? 32 : Number(bits)
  if (address === undefined || network === undefined || !(prefix >= 0 && prefix <= 32)) return false
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0
  return (address & mask) >>> 0 === (network & mask) >>> 0
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const part of parts) {
    const octet = Number(part)
    if (!/^[0-9]{1,3}$/.test(part) || octet > 255) return undefined
    n = n * 256 + octet
  }
  return n
}
