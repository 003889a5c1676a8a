import type { PreviewSettings } from '../rollout/settings.js'
import type { ListenerView, RuleCondition } from './ports.js'

const PLACEHOLDER = /\{number\}/g

/** Where a PR's preview answers: its host and path prefix, the placeholders filled in. */
export interface PreviewAddress {
  host?: string
  path?: string
}

export function previewAddress(preview: PreviewSettings, pr: number): PreviewAddress {
  const fill = (pattern: string): string => pattern.replace(PLACEHOLDER, String(pr))
  return {
    ...(preview.host === undefined ? {} : { host: fill(preview.host) }),
    ...(preview.path === undefined ? {} : { path: fill(preview.path) })
  }
}

/** The rule's conditions: the host, and the prefix itself and everything under it. */
export function ruleConditions(address: PreviewAddress): RuleCondition[] {
  const conditions: RuleCondition[] = []
  if (address.host !== undefined) conditions.push({ field: 'host-header', values: [address.host] })
  if (address.path !== undefined) {
    conditions.push({ field: 'path-pattern', values: [address.path, `${address.path}/*`] })
  }
  return conditions
}

/** Whether a rule already matches exactly these conditions (in any order, case of hosts aside). */
export function sameConditions(a: RuleCondition[], b: RuleCondition[]): boolean {
  const key = (conditions: RuleCondition[]): string =>
    conditions
      .map((c) => {
        const values = c.field === 'host-header' ? c.values.map((v) => v.toLowerCase()) : c.values
        return `${c.field}=${[...values].sort().join(',')}`
      })
      .sort()
      .join(';')
  return key(a) === key(b)
}

/**
 * The URL people open: the listener's scheme and port, the preview's host (else the load
 * balancer's DNS name) and its path prefix.
 */
export function previewUrl(
  address: PreviewAddress,
  listener: ListenerView,
  loadBalancerDns: string
): string {
  const https = listener.protocol === 'HTTPS'
  const defaultPort = https ? 443 : 80
  const port =
    listener.port !== undefined && listener.port !== defaultPort ? `:${listener.port}` : ''
  const host = address.host ?? loadBalancerDns.toLowerCase()
  return `${https ? 'https' : 'http'}://${host}${port}${address.path ?? ''}/`
}

/** A rule that matches every request: nothing with a higher priority number is ever reached. */
export function catchesAll(conditions: RuleCondition[]): boolean {
  return (
    conditions.length > 0 &&
    conditions.every(
      (c) => c.field === 'path-pattern' && c.values.some((v) => v === '/*' || v === '*')
    )
  )
}
