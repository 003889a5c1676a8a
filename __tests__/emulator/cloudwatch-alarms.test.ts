/**
 * CloudWatch metric alarms through the SDK: evaluated on the simulation's clock from the data
 * put, set by hand with SetAlarmState, listed and deleted.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  InvalidParameterValueException,
  type MetricAlarm,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  PutMetricDataCommand,
  ResourceNotFound,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { clientConfig, metricAlarmInput, reset } from '../helpers/emulator.js'

/** a 10-second period, and so an alarm's evaluation interval, is 0.2 s of the test's clock */
const TIME_SCALE = 0.02

let emulator: RunningEmulator
let cloudwatch: CloudWatchClient

beforeAll(async () => {
  emulator = await startEmulator({ timeScale: TIME_SCALE })
  cloudwatch = new CloudWatchClient({ ...clientConfig(emulator.url), maxAttempts: 1 })
})
beforeEach(() => reset(emulator.url))
afterAll(async () => {
  cloudwatch.destroy()
  await emulator.stop()
})

function putAlarm(name: string, more: Partial<PutMetricAlarmCommandInput> = {}) {
  return cloudwatch.send(new PutMetricAlarmCommand(metricAlarmInput(name, { Period: 10, ...more })))
}

async function alarms(input: DescribeAlarmsCommandInput = {}): Promise<MetricAlarm[]> {
  return (await cloudwatch.send(new DescribeAlarmsCommand(input))).MetricAlarms ?? []
}

async function alarm(name: string): Promise<MetricAlarm> {
  const found = (await alarms({ AlarmNames: [name] }))[0]
  if (!found) throw new Error(`no alarm ${name}`)
  return found
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** polls until the alarm is in `state`, doing `meanwhile` between polls; answers the alarm */
async function waitForState(
  name: string,
  state: string,
  meanwhile: () => Promise<unknown> = async () => {}
): Promise<MetricAlarm> {
  const deadline = Date.now() + 5000
  for (;;) {
    const found = await alarm(name)
    if (found.StateValue === state) return found
    if (Date.now() > deadline) {
      throw new Error(`${name} stayed ${found.StateValue} (${found.StateReason}), not ${state}`)
    }
    await meanwhile()
    await sleep(20)
  }
}

const errors = (value: number) =>
  cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: 'Shop',
      MetricData: [{ MetricName: 'Errors', Value: value }]
    })
  )

describe('CloudWatch alarms', () => {
  it('starts INSUFFICIENT_DATA, goes to ALARM on breaching data and to OK when it stops', async () => {
    await putAlarm('shop-errors', { TreatMissingData: 'notBreaching' })
    const created = await alarm('shop-errors')
    expect(created).toMatchObject({
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-errors',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      Statistic: 'Sum',
      Period: 10,
      Threshold: 5
    })

    const alarmed = await waitForState('shop-errors', 'ALARM', () => errors(9))
    expect(alarmed.StateReason).toMatch(
      /^Threshold Crossed: 1 datapoint \[\d+\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)\] was greater than the threshold \(5\.0\)\.$/
    )
    const data = JSON.parse(alarmed.StateReasonData ?? '{}') as Record<string, unknown>
    expect(data).toMatchObject({ statistic: 'Sum', period: 10, threshold: 5 })
    expect((data.recentDatapoints as number[])[0]).toBeGreaterThan(5)

    const ok = await waitForState('shop-errors', 'OK')
    expect(ok.StateReason).toBe(
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].'
    )
  })

  it('needs DatapointsToAlarm breaching periods out of EvaluationPeriods', async () => {
    await putAlarm('two-of-three', {
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching'
    })
    // errors start with the alarm: the first evaluation sees one breaching period of three
    const breached = await waitForState('two-of-three', 'ALARM', () => errors(9))
    expect(breached.StateReason).toMatch(
      /^Threshold Crossed: 2 out of the last 3 datapoints \[.*\] were greater than the threshold \(5\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\./
    )
  })

  it('treats missing data as TreatMissingData says', async () => {
    await putAlarm('missing-breaches', { EvaluationPeriods: 3, TreatMissingData: 'breaching' })
    await putAlarm('missing-is-missing', { EvaluationPeriods: 3 })
    const breached = await waitForState('missing-breaches', 'ALARM')
    expect(breached.StateReason).toMatch(/3 missing datapoints were treated as \[Breaching\]/)
    // both were evaluated at the same moments: the other stays where it started
    expect((await alarm('missing-is-missing')).StateValue).toBe('INSUFFICIENT_DATA')
  })

  it('alarms on a percentile given as ExtendedStatistic', async () => {
    await putAlarm('slow', {
      MetricName: 'Latency',
      Statistic: undefined,
      ExtendedStatistic: 'p99',
      Threshold: 250,
      TreatMissingData: 'ignore'
    })
    await waitForState('slow', 'ALARM', () =>
      cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'Shop',
          MetricData: [{ MetricName: 'Latency', Values: [20, 900], Counts: [98, 2] }]
        })
      )
    )
    expect(await alarm('slow')).toMatchObject({ ExtendedStatistic: 'p99' })
    expect((await alarm('slow')).Statistic).toBeUndefined()
  })

  it('holds a state set by hand until the next evaluation puts it back', async () => {
    await putAlarm('by-hand')
    await waitForState('by-hand', 'INSUFFICIENT_DATA')
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'by-hand',
        StateValue: 'ALARM',
        StateReason: 'testing the rollback',
        StateReasonData: '{"source":"test"}'
      })
    )
    expect(await alarm('by-hand')).toMatchObject({
      StateValue: 'ALARM',
      StateReason: 'testing the rollback',
      StateReasonData: '{"source":"test"}'
    })
    const back = await waitForState('by-hand', 'INSUFFICIENT_DATA')
    expect(back.StateReason).toBe('Insufficient Data: 1 datapoint was unknown.')
  })

  it('keeps a state set by hand when the alarm ignores missing data and has none', async () => {
    await putAlarm('sticky', { TreatMissingData: 'ignore' })
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: 'sticky', StateValue: 'ALARM', StateReason: 'held' })
    )
    await sleep(500)
    expect(await alarm('sticky')).toMatchObject({ StateValue: 'ALARM', StateReason: 'held' })
  })

  it('lists alarms by name, prefix and state, a page at a time, and deletes them', async () => {
    for (const name of ['api-errors', 'api-latency', 'web-errors']) await putAlarm(name)
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: 'api-latency', StateValue: 'OK', StateReason: 'fine' })
    )
    const names = (list: MetricAlarm[]) => list.map((a) => a.AlarmName)
    expect(names(await alarms({ AlarmNamePrefix: 'api-' }))).toEqual(['api-errors', 'api-latency'])
    expect(names(await alarms({ AlarmNames: ['web-errors', 'nope'] }))).toEqual(['web-errors'])
    expect(names(await alarms({ StateValue: 'OK' }))).toEqual(['api-latency'])

    const first = await cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 2 }))
    expect(names(first.MetricAlarms ?? [])).toEqual(['api-errors', 'api-latency'])
    const second = await cloudwatch.send(
      new DescribeAlarmsCommand({ MaxRecords: 2, NextToken: first.NextToken })
    )
    expect(names(second.MetricAlarms ?? [])).toEqual(['web-errors'])
    expect(second.NextToken).toBeUndefined()

    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['api-errors'] }))
    expect(names(await alarms())).toEqual(['api-latency', 'web-errors'])
  })

  it('replaces the configuration of an alarm put again under its name and keeps its state', async () => {
    await putAlarm('errors')
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: 'errors', StateValue: 'ALARM', StateReason: 'x' })
    )
    await putAlarm('errors', { Threshold: 50, AlarmDescription: 'the shop fails' })
    expect(await alarm('errors')).toMatchObject({
      StateValue: 'ALARM',
      Threshold: 50,
      AlarmDescription: 'the shop fails'
    })
  })

  it('takes one MetricStat given as Metrics and answers it back as given', async () => {
    const metrics = [
      {
        Id: 'errors',
        MetricStat: {
          Metric: {
            Namespace: 'Shop',
            MetricName: 'Errors',
            Dimensions: [{ Name: 'Side', Value: 'green' }]
          },
          Period: 60,
          Stat: 'Sum'
        },
        ReturnData: true
      }
    ]
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'as-metrics',
        Metrics: metrics,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold'
      })
    )
    expect(await alarm('as-metrics')).toMatchObject({ Metrics: metrics })
  })

  it('refuses alarms on metric math and state changes of alarms that do not exist', async () => {
    const math = await cloudwatch
      .send(
        new PutMetricAlarmCommand({
          AlarmName: 'ratio',
          Metrics: [{ Id: 'ratio', Expression: 'errors / requests' }],
          EvaluationPeriods: 1,
          Threshold: 0.01,
          ComparisonOperator: 'GreaterThanThreshold'
        })
      )
      .catch((e: unknown) => e)
    expect(math).toBeInstanceOf(InvalidParameterValueException)
    expect(math).toMatchObject({ message: expect.stringMatching(/metric math/) })

    const missing = await cloudwatch
      .send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' }))
      .catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ResourceNotFound)
    expect(missing).toMatchObject({ $metadata: { httpStatusCode: 404 } })
    const deleted = await cloudwatch
      .send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] }))
      .catch((e: unknown) => e)
    expect(deleted).toBeInstanceOf(ResourceNotFound)
  })
})
