/**
 * The names, descriptions and tags PutMetricAlarm and PutCompositeAlarm take, through the real
 * SDK against the emulator: AlarmName 1-255 characters without control characters,
 * AlarmDescription up to 1024, tag keys 1-128 and values up to 256. What is refused creates no
 * alarm.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutCompositeAlarmCommand,
  type PutCompositeAlarmCommandInput,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput
} from '@aws-sdk/client-cloudwatch'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, metricAlarmInput, refusal, reset } from '../helpers/emulator.js'

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

function metricAlarm(name: string, more: Partial<PutMetricAlarmCommandInput> = {}) {
  return cloudwatch.send(new PutMetricAlarmCommand(metricAlarmInput(name, { ...more })))
}

function compositeAlarm(name: string, more: Partial<PutCompositeAlarmCommandInput> = {}) {
  return cloudwatch.send(
    new PutCompositeAlarmCommand({ AlarmName: name, AlarmRule: 'ALARM(child)', ...more })
  )
}

async function alarmNames(): Promise<string[]> {
  const out = await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })
  )
  return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].map((a) => a.AlarmName ?? '')
}

const refused = (message: string) => ({ name: 'InvalidParameterValueException', message })

describe.each([
  ['PutMetricAlarm', metricAlarm],
  ['PutCompositeAlarm', compositeAlarm]
])('%s', (_, put) => {
  beforeEach(() => metricAlarm('child'))

  it('takes a name of 255 characters and refuses 256, or control characters', async () => {
    await put('n'.repeat(255))
    expect(await refusal(put('n'.repeat(256)))).toEqual(
      refused('The parameter AlarmName must be at most 255 characters.')
    )
    expect(await refusal(put('line\nbreak'))).toEqual(
      refused('The parameter AlarmName must not contain ASCII control characters.')
    )
    expect((await refusal(put(''))).name).toBe('MissingRequiredParameterException')
    expect((await alarmNames()).sort()).toEqual(['child', 'n'.repeat(255)])
  })

  it('takes a description of 1024 characters and refuses 1025', async () => {
    await put('described', { AlarmDescription: 'd'.repeat(1024) })
    expect(await refusal(put('too-long', { AlarmDescription: 'd'.repeat(1025) }))).toEqual(
      refused('The parameter AlarmDescription must be at most 1024 characters.')
    )
    expect(await alarmNames()).not.toContain('too-long')
  })

  it('refuses tag keys of 0 or over 128 characters and values over 256', async () => {
    expect(await refusal(put('t1', { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }))).toEqual(
      refused('A tag key must be 1 to 128 characters.')
    )
    expect(await refusal(put('t0', { Tags: [{ Key: '', Value: 'v' }] }))).toEqual(
      refused('A tag key must be 1 to 128 characters.')
    )
    expect(await refusal(put('t2', { Tags: [{ Key: 'team', Value: 'v'.repeat(257) }] }))).toEqual(
      refused('The value of tag team must be at most 256 characters.')
    )
    await put('t3', { Tags: [{ Key: 'team', Value: 'web' }] })
    expect((await alarmNames()).sort()).toEqual(['child', 't3'])
  })
})
