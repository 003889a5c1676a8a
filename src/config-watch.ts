import { InputError } from './rollout/errors.js'
import { parseDuration } from './rollout/duration.js'
import type {
  MetricThresholds,
  TestTrafficSettings,
  WatchSettings
} from './rollout/watch/settings.js'
import { quote } from './taskdef/quote.js'

/**
 * The inputs of what a rollout watches besides target health: alarms, metric analysis and test
 * traffic. Each one is optional; none set, and the rollout watches target health only.
 */
export const WATCH_DEFAULTS = {
  alarms: '',
  'alarms-at-start': 'block',
  'max-error-rate': '',
  'max-error-rate-increase': '',
  'max-p95-latency': '',
  'max-p99-latency': '',
  'max-latency-increase': '',
  'min-requests': '50',
  'failure-limit': '1',
  'metric-window': '1m',
  'metric-delay': '1m',
  'test-listener': '',
  'test-url': '',
  'test-headers': '',
  'test-expect-status': '200',
  'test-expect-body': '',
  'test-requests': '10',
  'test-concurrency': '2'
} as const

export type WatchInput = keyof typeof WATCH_DEFAULTS
export const WATCH_INPUTS = Object.keys(WATCH_DEFAULTS) as WatchInput[]

/** DescribeAlarms takes at most 100 names. */
const MAX_ALARMS = 100
/** CloudWatch's alarm name limit */
const ALARM_NAME_MAX = 255
const MAX_TEST_REQUESTS = 1000
const MAX_CONCURRENCY = 50
const TEST_TIMEOUT_MS = 10_000
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export function parseWatch(
  value: (name: WatchInput) => string,
  route: (text: string, input: WatchInput) => { arn: string },
  productionRoute: string
): WatchSettings | undefined {
  const alarms = parseAlarmNames(value('alarms'))
  const alarmsAtStart = parseAlarmsAtStart(value('alarms-at-start'))
  const metrics = parseMetrics(value)
  const testTraffic = parseTestTraffic(value, route, productionRoute)
  if (alarms.length === 0 && !metrics && !testTraffic) return undefined
  return {
    alarms,
    alarmsAtStart,
    ...(metrics ? { metrics } : {}),
    ...(testTraffic ? { testTraffic } : {})
  }
}

// ---------- alarms ----------

function parseAlarmNames(text: string): string[] {
  const names = [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((name) => name.trim())
        .filter((name) => name !== '')
    )
  ]
  if (names.length > MAX_ALARMS) {
    throw new InputError(
      'alarms',
      `names ${names.length} alarms; at most ${MAX_ALARMS} are watched`
    )
  }
  for (const name of names) {
    // eslint-disable-next-line no-control-regex
    if (name.length > ALARM_NAME_MAX || /[\u0000-\u001f\u007f]/.test(name)) {
      throw new InputError(
        'alarms',
        `${quote(name)} is not an alarm name; a name is 1-${ALARM_NAME_MAX} printable characters, and names are separated by commas or new lines, e.g. "api-5xx, api-latency"`
      )
    }
  }
  return names
}

function parseAlarmsAtStart(text: string): WatchSettings['alarmsAtStart'] {
  if (text === 'block' || text === 'ignore-until-ok') return text
  throw new InputError(
    'alarms-at-start',
    `${quote(text)} is not valid; use "block" (an alarm already in ALARM stops the deploy before it changes anything) or "ignore-until-ok" (deploy, and watch that alarm once it has been OK)`
  )
}

// ---------- metric analysis ----------

function parseMetrics(value: (name: WatchInput) => string): MetricThresholds | undefined {
  const maxErrorRate = optionalPercent('max-error-rate', value('max-error-rate'), '"1%"')
  const maxErrorRateIncrease = optionalPercent(
    'max-error-rate-increase',
    value('max-error-rate-increase'),
    '"1" (percentage points above the live side)'
  )
  const maxP95Ms = optionalLatency('max-p95-latency', value('max-p95-latency'))
  const maxP99Ms = optionalLatency('max-p99-latency', value('max-p99-latency'))
  const maxLatencyIncrease = optionalPercent(
    'max-latency-increase',
    value('max-latency-increase'),
    '"50%" (above the live side\'s p95 and p99)',
    10_000
  )
  const limits = { maxErrorRate, maxErrorRateIncrease, maxP95Ms, maxP99Ms, maxLatencyIncrease }
  if (Object.values(limits).every((limit) => limit === undefined)) return undefined
  const defined = Object.fromEntries(
    Object.entries(limits).filter(([, limit]) => limit !== undefined)
  ) as Partial<MetricThresholds>
  return {
    ...defined,
    minRequests: count('min-requests', value('min-requests'), 0, 1_000_000_000),
    failureLimit: count('failure-limit', value('failure-limit'), 1, 1000),
    windowMs: duration('metric-window', value('metric-window'), 1000, 3_600_000, 'from 1s to 1h'),
    delayMs: duration('metric-delay', value('metric-delay'), 0, 900_000, 'from 0s to 15m')
  }
}

function optionalPercent(
  name: WatchInput,
  text: string,
  example: string,
  max = 100
): number | undefined {
  if (text === '') return undefined
  const match = /^(\d{1,5}(?:\.\d{1,4})?)\s*(?:%|pp|points?)?$/.exec(text)
  const number = match ? Number(match[1]) : NaN
  if (!(number >= 0 && number <= max)) {
    throw new InputError(
      name,
      `${quote(text)} is not a percentage from 0 to ${max}; write a number with an optional %, e.g. ${example}`
    )
  }
  return number
}

function optionalLatency(name: WatchInput, text: string): number | undefined {
  if (text === '') return undefined
  return duration(name, text, 1, 600_000, 'from 1ms to 10m, e.g. "500ms" or "1.5s"')
}

function duration(name: WatchInput, text: string, min: number, max: number, words: string): number {
  const ms = parseDuration(text)
  if (ms === undefined || ms < min || ms > max) {
    throw new InputError(name, `${quote(text)} is not a duration ${words}`)
  }
  return ms
}

function count(name: WatchInput, text: string, min: number, max: number): number {
  const number = /^\d{1,10}$/.test(text) ? Number(text) : NaN
  if (!(number >= min && number <= max)) {
    throw new InputError(name, `${quote(text)} is not a whole number from ${min} to ${max}`)
  }
  return number
}

// ---------- test traffic ----------

function parseTestTraffic(
  value: (name: WatchInput) => string,
  route: (text: string, input: WatchInput) => { arn: string },
  productionRoute: string
): TestTrafficSettings | undefined {
  const listenerText = value('test-listener')
  const urlText = value('test-url')
  if (urlText === '') {
    if (listenerText !== '') {
      throw new InputError(
        'test-url',
        'is required with test-listener: the URL the test requests go to, through that listener, e.g. "https://test.example.com:8443/health"'
      )
    }
    return undefined
  }
  const routeArn = listenerText === '' ? undefined : route(listenerText, 'test-listener').arn
  if (routeArn === productionRoute) {
    throw new InputError(
      'test-listener',
      `${quote(listenerText, 200)} is the listener input itself; give a listener or rule that only test requests reach, e.g. a second listener port or a rule matching a header`
    )
  }
  const body = value('test-expect-body')
  if (body !== '') {
    try {
      new RegExp(body)
    } catch (error) {
      throw new InputError(
        'test-expect-body',
        `${quote(body)} is not a regular expression (${error instanceof Error ? error.message : String(error)}); e.g. "\\"status\\":\\s*\\"ok\\""`
      )
    }
  }
  return {
    ...(routeArn === undefined ? {} : { routeArn }),
    url: parseUrl(urlText),
    headers: parseHeaders(value('test-headers')),
    expectStatus: parseStatuses(value('test-expect-status')),
    ...(body === '' ? {} : { expectBody: body }),
    requests: count('test-requests', value('test-requests'), 1, MAX_TEST_REQUESTS),
    concurrency: count('test-concurrency', value('test-concurrency'), 1, MAX_CONCURRENCY),
    timeoutMs: TEST_TIMEOUT_MS
  }
}

function parseUrl(text: string): string {
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InputError(
      'test-url',
      `${quote(text, 200)} is not an http or https URL, e.g. "https://test.example.com:8443/health"`
    )
  }
  return url.href
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.split('\n').map((item) => item.trim())) {
    if (line === '') continue
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon).trim() : ''
    if (!HEADER_NAME.test(name)) {
      throw new InputError(
        'test-headers',
        `${quote(line)} is not a header line; write one "Name: value" a line, e.g. "X-Canary: 1"`
      )
    }
    headers[name] = line.slice(colon + 1).trim()
  }
  return headers
}

function parseStatuses(text: string): { min: number; max: number }[] {
  const refuse = () =>
    new InputError(
      'test-expect-status',
      `${quote(text)} is not a list of HTTP statuses; write codes, ranges or classes separated by commas, e.g. "200", "200,204", "200-299" or "2xx"`
    )
  const ranges = text.split(',').map((item) => {
    const part = item.trim()
    const klass = /^([1-5])xx$/i.exec(part)
    if (klass) return { min: Number(klass[1]) * 100, max: Number(klass[1]) * 100 + 99 }
    const range = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part)
    if (!range) throw refuse()
    const min = Number(range[1])
    const max = Number(range[2] ?? range[1])
    if (min < 100 || max > 599 || min > max) throw refuse()
    return { min, max }
  })
  return ranges
}
