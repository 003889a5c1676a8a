import type { DataRequest } from './request.js'

/** the cookie an ALB sets for target group stickiness */
export const STICKY_COOKIE = 'AWSALBTG'

/**
 * The cookie that keeps a client on `targetGroupArn` until simulated time `untilSim`. The value
 * is opaque to clients, as an ALB's is; it carries the expiry so that it ends on simulated time.
 */
export function stickyCookie(targetGroupArn: string, untilSim: number): string {
  const value = Buffer.from(JSON.stringify([targetGroupArn, Math.round(untilSim)])).toString(
    'base64url'
  )
  return `${STICKY_COOKIE}=${value}; Path=/`
}

/** The group the request's cookie sticks to, if the cookie is valid, unexpired and names one of `arns`. */
export function readStickyGroup(request: DataRequest, simNow: number, arns: string[]): string[] {
  const value = request.cookies.get(STICKY_COOKIE)
  if (value === undefined) return []
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (!Array.isArray(decoded)) return []
    const [arn, until] = decoded as [unknown, unknown]
    if (typeof arn !== 'string' || typeof until !== 'number') return []
    return until > simNow && arns.includes(arn) ? [arn] : []
  } catch {
    return []
  }
}
