/**
 * CloudWatch composite alarms through the SDK: a rule over other alarms' states, listed only when
 * AlarmTypes asks for them, following its alarms as they change; and the checks CloudWatch makes
 * (rule syntax, AlarmTypes, dimension lengths, deleting an alarm a rule still reads).
 */
import {
  CloudWatchClient,
  type CompositeAlarm,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, metricAlarmInput, reset } from '../helpers/emulator.js'

let emulator: RunningEmulator
let cloudwatch: CloudWatchClient

beforeAll(async () => {
  emulator = await startEmulator({ timeScale: 0.02 })
  cloudwatch = new CloudWatchClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
})
beforeEach(() => reset(emulator.url))
afterAll(async () => {
  cloudwatch.destroy()
  await emulator.stop()
})

function putAlarm(name: string, more: Partial<PutMetricAlarmCommandInput> = {}) {
  return cloudwatch.send(
    new PutMetricAlarmCommand(metricAlarmInput(name, { TreatMissingData: 'ignore', ...more }))
  )
}

const setState = (name: string, state: 'OK' | 'ALARM') =>
  cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: 'by the test' })
  )

async function composite(name: string): Promise<CompositeAlarm | undefined> {
  const out = await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['CompositeAlarm'] })
  )
  return out.CompositeAlarms?.[0]
}

async function until(name: string, state: string): Promise<CompositeAlarm> {
  const deadline = Date.now() + 5000
  for (;;) {
    const found = await composite(name)
    if (found?.StateValue === state) return found
    if (Date.now() > deadline) throw new Error(`${name} is ${found?.StateValue}, not ${state}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const errorName = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (e: Error) => e.name
  )

describe('composite alarms', () => {
  it('goes to ALARM when its rule holds and back to OK when it does not', async () => {
    await putAlarm('checkout-errors')
    await putAlarm('checkout-latency')
    await setState('checkout-errors', 'OK')
    await setState('checkout-latency', 'OK')
    await cloudwatch.send(
      new PutCompositeAlarmCommand({
        AlarmName: 'checkout-broken',
        AlarmRule: 'ALARM("checkout-errors") OR ALARM(checkout-latency)'
      })
    )
    expect((await until('checkout-broken', 'OK')).AlarmRule).toBe(
      'ALARM("checkout-errors") OR ALARM(checkout-latency)'
    )

    await setState('checkout-latency', 'ALARM')
    expect((await until('checkout-broken', 'ALARM')).StateReason).toMatch(/true/)
    await setState('checkout-latency', 'OK')
    await until('checkout-broken', 'OK')
  })

  it('evaluates AND, NOT and parentheses, and names given by ARN', async () => {
    await putAlarm('a')
    await putAlarm('b')
    await setState('a', 'ALARM')
    await setState('b', 'OK')
    await cloudwatch.send(
      new PutCompositeAlarmCommand({
        AlarmName: 'both',
        AlarmRule: '(ALARM(a) AND NOT ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:b"))'
      })
    )
    await until('both', 'ALARM')
    await setState('b', 'ALARM')
    await until('both', 'OK')
  })

  it('is listed only when AlarmTypes asks for composite alarms', async () => {
    await putAlarm('m')
    await cloudwatch.send(new PutCompositeAlarmCommand({ AlarmName: 'c', AlarmRule: 'ALARM(m)' }))
    const plain = await cloudwatch.send(new DescribeAlarmsCommand({}))
    expect(plain.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['m'])
    expect(plain.CompositeAlarms ?? []).toEqual([])
    const both = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })
    )
    expect(both.CompositeAlarms?.map((a) => a.AlarmName)).toEqual(['c'])
  })

  it('refuses an unknown alarm type and a rule that does not parse', async () => {
    expect(
      await errorName(
        cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmTypes: ['AnomalyAlarm' as 'MetricAlarm'] })
        )
      )
    ).toBe('InvalidParameterValueException')
    for (const rule of ['ALARM(a', 'ALARMS(a)', 'ALARM(a) AND', 'ALARM()', '']) {
      expect(
        await errorName(
          cloudwatch.send(new PutCompositeAlarmCommand({ AlarmName: 'bad', AlarmRule: rule }))
        )
      ).not.toBe('accepted')
    }
  })

  it('will not delete an alarm that a rule still reads, unless the composite goes too', async () => {
    await putAlarm('child')
    await cloudwatch.send(
      new PutCompositeAlarmCommand({ AlarmName: 'parent', AlarmRule: 'ALARM(child)' })
    )
    expect(
      await errorName(cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['child'] })))
    ).toBe('InvalidParameterValueException')
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['child', 'parent'] }))
    expect(await composite('parent')).toBeUndefined()
  })
})

describe('metric alarm limits', () => {
  it('refuses a dimension name over 255 characters and a value over 1024', async () => {
    expect(
      await errorName(
        putAlarm('long-name', { Dimensions: [{ Name: 'n'.repeat(256), Value: 'v' }] })
      )
    ).toBe('InvalidParameterValueException')
    expect(
      await errorName(
        putAlarm('long-value', { Dimensions: [{ Name: 'Service', Value: 'v'.repeat(1025) }] })
      )
    ).toBe('InvalidParameterValueException')
    expect(await errorName(putAlarm('a'.repeat(256)))).toBe('InvalidParameterValueException')
  })
})
