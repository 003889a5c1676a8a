/**
 * The check run after every bundled-action run of the e2e suites: each AWS call the action made
 * must be allowed by iam/policy.json, filled in with that run's region, account, cluster and
 * load balancer. A failure names the IAM action, the resource and what to add.
 */
import type { CallRecord } from '../../emulator/control/call-log.js'
import { allows, fillPlaceholders, loadPolicy, type Placeholders, type Policy } from './policy.js'
import { iamRequestsOf } from './requests.js'

/**
 * The placeholders of a run, read from its inputs. Role names are the user's own: the e2e runs
 * use none, so they are left open (`*`) and only the PassRole condition is checked.
 */
export function placeholdersOf(inputs: Record<string, string>): Placeholders | undefined {
  const listener =
    /^arn:aws:elasticloadbalancing:([^:]+):(\d{12}):listener(?:-rule)?\/app\/([^/]+)\//.exec(
      inputs.listener ?? ''
    )
  const cluster = (inputs.cluster ?? '').replace(/^arn:.*:cluster\//, '')
  if (!listener || cluster === '') return undefined
  const [, region = '', account = '', loadBalancer = ''] = listener
  return {
    region,
    'account-id': account,
    cluster,
    'load-balancer': loadBalancer,
    'task-role': '*',
    'execution-role': '*'
  }
}

/** Writes a concrete ARN back in the policy's placeholders (whole fields only), for the message. */
function template(resource: string, values: Placeholders): string {
  const fields = resource.split(':')
  if (fields.length < 6 || fields[0] !== 'arn') return resource
  const [, partition, service, region, account, ...rest] = fields
  const named = (value: string | undefined, name: string): string | undefined =>
    value !== '' && value === values[name] ? `<${name}>` : value
  const segments = rest
    .join(':')
    .split('/')
    .map((segment) => named(named(segment, 'cluster'), 'load-balancer') ?? segment)
    // resource ids differ on every run: a policy names them with `*`
    .map((segment) => (/^[0-9a-f]{16,32}$/.test(segment) ? '*' : segment))
    .filter((segment, i, all) => segment !== '*' || all[i - 1] !== '*')
  return [
    'arn',
    partition,
    service,
    named(region, 'region'),
    named(account, 'account-id'),
    segments.join('/')
  ].join(':')
}

/** The calls the policy does not allow, one message each (deduplicated). */
export function policyProblems(
  calls: CallRecord[],
  values: Placeholders,
  policy: Policy = loadPolicy()
): string[] {
  const filled = fillPlaceholders(policy, values)
  const problems = new Set<string>()
  for (const call of calls) {
    for (const request of iamRequestsOf(call, values['account-id'] ?? '')) {
      if (allows(filled, request)) continue
      const context = Object.entries(request.context)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ')
      problems.add(
        `the action called ${call.service} ${call.operation}, which needs ${request.action} on ` +
          `${request.resource}${context ? ` (${context})` : ''}, but iam/policy.json does not ` +
          `allow it: add ${request.action} on ${template(request.resource, values)} to a statement ` +
          '(and the same to the IAM section of README.md)'
      )
    }
  }
  return [...problems]
}
