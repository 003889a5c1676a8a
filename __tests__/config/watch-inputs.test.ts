import { InputError } from '../../src/rollout/errors.js'
import { LISTENER, RULE, settingsWith } from './inputs.js'

const TEST_LISTENER = LISTENER.replace(/f2f7dc8efc522ab2$/, 'aaaaaaaaaaaaaaaa')

function refusal(inputs: Record<string, string>): InputError {
  try {
    settingsWith(inputs)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('the inputs of what a rollout watches', () => {
  it('watches nothing beyond target health when none is set', () => {
    expect(settingsWith({}).watch).toBeUndefined()
  })

  it('reads alarms, limits and test traffic as a user writes them', () => {
    const watch = settingsWith({
      alarms: 'api-5xx,\napi-latency , api-5xx',
      'alarms-at-start': 'ignore-until-ok',
      'max-error-rate': '1%',
      'max-error-rate-increase': '0.5',
      'max-p99-latency': '500ms',
      'max-latency-increase': '50%',
      'failure-limit': '2',
      'test-listener': TEST_LISTENER,
      'test-url': 'https://test.example.com:8443/health',
      'test-headers': 'X-Canary: 1\nAuthorization-Probe: yes: really',
      'test-expect-status': '200, 204, 3xx',
      'test-expect-body': '^ok',
      'test-requests': '20',
      'test-concurrency': '4'
    }).watch
    expect(watch).toEqual({
      alarms: ['api-5xx', 'api-latency'],
      alarmsAtStart: 'ignore-until-ok',
      metrics: {
        maxErrorRate: 1,
        maxErrorRateIncrease: 0.5,
        maxP99Ms: 500,
        maxLatencyIncrease: 50,
        minRequests: 50,
        failureLimit: 2,
        windowMs: 60_000,
        delayMs: 60_000
      },
      testTraffic: {
        routeArn: TEST_LISTENER,
        url: 'https://test.example.com:8443/health',
        headers: { 'X-Canary': '1', 'Authorization-Probe': 'yes: really' },
        expectStatus: [
          { min: 200, max: 200 },
          { min: 204, max: 204 },
          { min: 300, max: 399 }
        ],
        expectBody: '^ok',
        requests: 20,
        concurrency: 4,
        timeoutMs: 10_000
      }
    })
  })

  it('is not read by a rollback, which must not be stopped by a firing alarm', () => {
    expect(settingsWith({ command: 'rollback', alarms: 'api-5xx' }).watch).toBeUndefined()
  })

  it.each([
    [{ 'alarms-at-start': 'wait' }, 'alarms-at-start', /"block".*"ignore-until-ok"/],
    [{ 'max-error-rate': 'lots' }, 'max-error-rate', /percentage from 0 to 100.*"1%"/],
    [{ 'max-error-rate': '101%' }, 'max-error-rate', /percentage from 0 to 100/],
    [{ 'max-p99-latency': '500' }, 'max-p99-latency', /not a duration .*"500ms"/],
    [{ 'max-p95-latency': '1ms', 'failure-limit': '0' }, 'failure-limit', /whole number from 1/],
    [{ 'max-p95-latency': '1ms', 'metric-window': '10ms' }, 'metric-window', /from 1s to 1h/],
    [{ 'test-listener': TEST_LISTENER }, 'test-url', /is required with test-listener/],
    [{ 'test-url': 'ftp://x' }, 'test-url', /not an http or https URL/],
    [
      { 'test-url': 'https://x', 'test-listener': LISTENER },
      'test-listener',
      /the listener input itself/
    ],
    [{ 'test-url': 'https://x', 'test-listener': 'web' }, 'test-listener', /not an ARN/],
    [
      { 'test-url': 'https://x', 'test-expect-body': '(' },
      'test-expect-body',
      /not a regular expression/
    ],
    [{ 'test-url': 'https://x', 'test-expect-status': 'ok' }, 'test-expect-status', /"2xx"/],
    [{ 'test-url': 'https://x', 'test-headers': 'no colon' }, 'test-headers', /"X-Canary: 1"/],
    [{ 'test-url': 'https://x', 'test-requests': '0' }, 'test-requests', /from 1 to 1000/]
  ])('refuses %j naming %s', (inputs, input, message) => {
    const error = refusal(inputs)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })

  it('accepts a listener rule matching a header as the test route', () => {
    const rule = RULE.replace(/9683b2d02a6cabee$/, 'bbbbbbbbbbbbbbbb')
    expect(
      settingsWith({ 'test-listener': rule, 'test-url': 'https://x' }).watch?.testTraffic?.routeArn
    ).toBe(rule)
  })
})
