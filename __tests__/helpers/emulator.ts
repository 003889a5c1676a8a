import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch'
/**
 * A typed client for the emulator's control API (`/_emulator/`), for tests and scripts, and the
 * SDK settings that point the real AWS clients at an emulator.
 */
import type { CallFilter, CallRecord } from '../../emulator/control/call-log.js'
import type { ActiveFault, FaultRule } from '../../emulator/control/faults.js'
import type { Violation, ViolationFilter } from '../../emulator/core/violations.js'
import { type Agent, request as httpRequest } from 'node:http'
import type {
  ImageBehavior,
  InterruptedTask,
  InterruptRequest,
  LambdaHookAnswer,
  ListenerEndpoint,
  LoadSpec,
  LoadStatus
} from '../../emulator/core/contracts.js'

export type {
  ActiveFault,
  CallFilter,
  CallRecord,
  FaultRule,
  ImageBehavior,
  InterruptedTask,
  InterruptRequest,
  LambdaHookAnswer,
  ListenerEndpoint,
  LoadSpec,
  LoadStatus,
  Violation,
  ViolationFilter
}

export const REGION = 'us-east-1'
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' }

/** The config for any AWS SDK v3 client to talk to the emulator at `url`. */
export function clientConfig(url: string): {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
} {
  return { endpoint: url, region: REGION, credentials: { ...CREDENTIALS } }
}

/** The environment for a child process (e.g. the bundled action) whose SDK should use the emulator. */
export function sdkEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
}

export async function reset(url: string): Promise<void> {
  await control(url, 'POST', 'reset')
}

export async function setTimeScale(url: string, timeScale: number): Promise<void> {
  await control(url, 'PUT', 'config', { timeScale })
}

export async function getTimeScale(url: string): Promise<number> {
  return (await control<{ timeScale: number }>(url, 'GET', 'config')).timeScale
}

/** An image's behaviour; `behavior` may be left out (healthy), e.g. to set only an error share. */
export async function setImage(
  url: string,
  behavior: Omit<ImageBehavior, 'behavior'> & Partial<Pick<ImageBehavior, 'behavior'>>
): Promise<void> {
  await control(url, 'PUT', 'images', behavior)
}

/** Adds a fault rule; returns its id. */
export async function addFault(
  url: string,
  rule: Partial<FaultRule> & Pick<FaultRule, 'fault'>
): Promise<string> {
  return (await control<{ id: string }>(url, 'POST', 'faults', rule)).id
}

export async function listFaults(url: string): Promise<ActiveFault[]> {
  return control<ActiveFault[]>(url, 'GET', 'faults')
}

export async function removeFault(url: string, id: string): Promise<void> {
  await control(url, 'DELETE', `faults/${encodeURIComponent(id)}`)
}

export async function clearFaults(url: string): Promise<void> {
  await control(url, 'DELETE', 'faults')
}

/** The AWS calls the emulator received, in the order they took effect. */
export async function calls(url: string, filter: CallFilter = {}): Promise<CallRecord[]> {
  const query = new URLSearchParams()
  if (filter.service !== undefined) query.set('service', filter.service)
  if (filter.operation !== undefined) query.set('operation', filter.operation)
  if (filter.mutating !== undefined) query.set('mutating', String(filter.mutating))
  if (filter.userAgent !== undefined) query.set('userAgent', filter.userAgent)
  const suffix = query.size > 0 ? `?${query}` : ''
  return control<CallRecord[]>(url, 'GET', `calls${suffix}`)
}

export async function clearCalls(url: string): Promise<void> {
  await control(url, 'DELETE', 'calls')
}

/**
 * The writes that left traffic where it must not be, at the moment they took effect (weight on
 * a target group without a healthy target, a service scaled to 0 while it carries weight).
 */
export async function violations(url: string, filter: ViolationFilter = {}): Promise<Violation[]> {
  const query = new URLSearchParams()
  if (filter.kind !== undefined) query.set('kind', filter.kind)
  if (filter.userAgent !== undefined) query.set('userAgent', filter.userAgent)
  const suffix = query.size > 0 ? `?${query}` : ''
  return (await control<{ violations: Violation[] }>(url, 'GET', `violations${suffix}`)).violations
}

export async function clearViolations(url: string): Promise<void> {
  await control(url, 'DELETE', 'violations')
}

/** Where each load balancer listener answers HTTP on the loopback interface. */
export async function listeners(url: string): Promise<ListenerEndpoint[]> {
  return control<ListenerEndpoint[]>(url, 'GET', 'listeners')
}

/** The loopback URL of one listener, e.g. http://127.0.0.1:41234. */
export async function listenerUrl(url: string, listenerArn: string): Promise<string> {
  const found = (await listeners(url)).find((endpoint) => endpoint.listenerArn === listenerArn)
  if (!found) throw new Error(`the emulator has no socket for the listener ${listenerArn}`)
  return found.url
}

/** Starts (or replaces) the built-in load on a listener. */
export async function startLoad(url: string, spec: LoadSpec): Promise<LoadStatus> {
  return control<LoadStatus>(url, 'PUT', 'load', spec)
}

export async function loads(url: string): Promise<LoadStatus[]> {
  return control<LoadStatus[]>(url, 'GET', 'load')
}

/** Stops the load on one listener, or every load. */
export async function stopLoad(url: string, listenerArn?: string): Promise<void> {
  const query = listenerArn === undefined ? '' : `?listenerArn=${encodeURIComponent(listenerArn)}`
  await control(url, 'DELETE', `load${query}`)
}

export interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * One HTTP request to a listener's URL. Unlike fetch, it can send any Host header, which
 * host-header rules route by. A fresh connection per request unless `agent` is given.
 */
export function sendHttp(
  baseUrl: string,
  options: {
    path?: string
    method?: string
    host?: string
    headers?: Record<string, string>
    agent?: Agent
  } = {}
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.host !== undefined) headers.host = options.host
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(options.path ?? '/', baseUrl),
      { method: options.method ?? 'GET', headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8')
          })
        )
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end()
  })
}

/** Interrupts tasks as a Fargate Spot reclaim does (`POST /_emulator/tasks/interrupt`). */
export async function interruptTasks(
  url: string,
  request: InterruptRequest
): Promise<InterruptedTask[]> {
  return (
    await control<{ interrupted: InterruptedTask[] }>(url, 'POST', 'tasks/interrupt', request)
  ).interrupted
}

/**
 * What the Lambda function of an ECS lifecycle hook answers (`PUT /_emulator/hooks`): `status`
 * `afterSeconds` simulated seconds after ECS invokes it (IN_PROGRESS until then).
 */
export async function setHookAnswer(url: string, answer: LambdaHookAnswer): Promise<void> {
  await control(url, 'PUT', 'hooks', answer)
}

/** Calls the control API; a refusal throws with the emulator's message. */
export async function control<T = unknown>(
  url: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown
): Promise<T> {
  const response = await fetch(`${url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  if (!response.ok) {
    let message = text
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text
    } catch {
      // not JSON: the text itself is the best message there is
    }
    throw new Error(`emulator ${method} /_emulator/${path}: ${response.status} ${message}`)
  }
  return JSON.parse(text) as T
}

/** The error the SDK throws for a call AWS refuses, as name and message (throws if it was accepted). */
export async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call
  } catch (error) {
    const { name, message } = error as Error
    return { name, message }
  }
  throw new Error('the call was accepted')
}

/** A metric alarm on Shop/Errors (more than 5 in a minute), with `more` on top. */
export function metricAlarmInput(
  name: string,
  more: Partial<PutMetricAlarmCommandInput> = {}
): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: 'Shop',
    MetricName: 'Errors',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanThreshold',
    ...more
  }
}
