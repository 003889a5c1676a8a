/**
 * CloudWatch metrics through the unmodified SDK client (JSON 1.0 in query-compatible mode):
 * what PutMetricData stores, GetMetricData answers, and the errors the SDK turns into its
 * exception classes.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  InvalidParameterValueException,
  type MetricDataResult,
  MissingRequiredParameterException,
  PutMetricDataCommand,
  type StandardUnit
} from '@aws-sdk/client-cloudwatch'
import { type RunningEmulator, startEmulator } from '../../emulator/server.js'
import { calls, clientConfig, reset } from '../helpers/emulator.js'

/** a simulated minute is 0.6 s of the test's clock */
const TIME_SCALE = 0.01

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

const latency = { Namespace: 'Shop', MetricName: 'Latency' }

async function query(
  stats: string[],
  window: { start: number; end: number },
  more: Partial<GetMetricDataCommandInput> & { period?: number; unit?: StandardUnit } = {}
): Promise<MetricDataResult[]> {
  const { period, unit, ...input } = more
  const answer = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(window.start),
      EndTime: new Date(window.end),
      MetricDataQueries: stats.map((stat, i) => ({
        Id: `q${i}`,
        MetricStat: {
          Metric: latency,
          Period: period ?? 60,
          Stat: stat,
          ...(unit ? { Unit: unit } : {})
        }
      })),
      ...input
    })
  )
  return answer.MetricDataResults ?? []
}

describe('CloudWatch metrics', () => {
  it('answers the basic statistics and percentiles of the values put in a period', async () => {
    const now = Date.now()
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          // 31 answers: ten of each of 1, 2 and 3 ms, and one slow one
          {
            MetricName: 'Latency',
            Values: [1, 2, 3, 100],
            Counts: [10, 10, 10, 1],
            Unit: 'Milliseconds'
          }
        ]
      })
    )
    const stats = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum', 'p50', 'p90', 'p99']
    const results = await query(stats, { start: now - 100, end: now + 500 })
    expect(results.map((r) => [r.Label, r.Values])).toEqual([
      ['Latency', [31]],
      ['Latency', [160]],
      ['Latency', [160 / 31]],
      ['Latency', [1]],
      ['Latency', [100]],
      ['Latency', [2]],
      ['Latency', [3]],
      ['Latency', [100]]
    ])
    expect(results[0]?.StatusCode).toBe('Complete')
  })

  it('counts periods in simulated seconds and stamps them on the caller clock', async () => {
    const t = Date.now() - 3000
    // 0.7 s apart on the wall clock: 70 simulated seconds, so each lands in its own minute
    for (const [offset, value] of [
      [0, 1],
      [700, 2],
      [1400, 4]
    ] as const) {
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'Shop',
          MetricData: [{ MetricName: 'Latency', Value: value, Timestamp: new Date(t + offset) }]
        })
      )
    }
    const window = { start: t - 100, end: t + 2000 }
    const [newestFirst] = await query(['Sum'], window)
    expect(newestFirst?.Values).toEqual([4, 2, 1])
    const [oldestFirst] = await query(['Sum'], window, { ScanBy: 'TimestampAscending' })
    expect(oldestFirst?.Values).toEqual([1, 2, 4])
    const stamps = (oldestFirst?.Timestamps ?? []).map((date) => date.getTime())
    expect(stamps[0]).toBeCloseTo(t - 100, -1)
    expect((stamps[1] ?? 0) - (stamps[0] ?? 0)).toBeCloseTo(60_000 * TIME_SCALE, -1)

    const [fiveMinutes] = await query(['Sum'], window, { period: 300 })
    expect(fiveMinutes?.Values).toEqual([7])
  })

  it('matches a metric by its exact set of dimensions, in any order, and by unit when asked', async () => {
    const now = Date.now()
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          {
            MetricName: 'Orders',
            Dimensions: [
              { Name: 'Service', Value: 'web' },
              { Name: 'Stage', Value: 'prod' }
            ],
            Value: 3,
            Unit: 'Count'
          },
          { MetricName: 'Latency', Value: 5, Unit: 'Milliseconds' },
          { MetricName: 'Latency', Value: 0.5, Unit: 'Seconds' }
        ]
      })
    )
    const orders = async (dimensions: { Name: string; Value: string }[]) =>
      (
        await cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(now - 100),
            EndTime: new Date(now + 500),
            MetricDataQueries: [
              {
                Id: 'orders',
                MetricStat: {
                  Metric: { Namespace: 'Shop', MetricName: 'Orders', Dimensions: dimensions },
                  Period: 60,
                  Stat: 'Sum'
                }
              }
            ]
          })
        )
      ).MetricDataResults?.[0]?.Values
    expect(
      await orders([
        { Name: 'Stage', Value: 'prod' },
        { Name: 'Service', Value: 'web' }
      ])
    ).toEqual([3])
    expect(await orders([{ Name: 'Service', Value: 'web' }])).toEqual([])

    const window = { start: now - 100, end: now + 500 }
    expect((await query(['Maximum'], window, { unit: 'Milliseconds' }))[0]?.Values).toEqual([5])
    expect((await query(['SampleCount'], window))[0]?.Values).toEqual([2])
  })

  it('leaves out the queries that do not return data and periods without data', async () => {
    const answer = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 1000),
        EndTime: new Date(),
        MetricDataQueries: [
          { Id: 'shown', MetricStat: { Metric: latency, Period: 60, Stat: 'Sum' } },
          {
            Id: 'hidden',
            ReturnData: false,
            MetricStat: { Metric: latency, Period: 60, Stat: 'Sum' }
          }
        ]
      })
    )
    expect(answer.MetricDataResults).toEqual([
      expect.objectContaining({ Id: 'shown', Timestamps: [], Values: [] })
    ])
  })

  it.each([
    [
      'a metric math expression',
      { MetricDataQueries: [{ Id: 'ratio', Expression: 'errors / requests * 100' }] },
      /metric math expressions are not supported by the emulator/
    ],
    [
      'a start after the end',
      { StartTime: new Date(Date.now() + 1000), EndTime: new Date() },
      /StartTime must be less than the parameter EndTime/
    ],
    [
      'a period CloudWatch does not take',
      {
        MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: latency, Period: 7, Stat: 'Sum' } }]
      },
      /Period is not valid: use 1, 5, 10, 20, 30 or a multiple of 60/
    ],
    [
      'a trimmed mean',
      {
        MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: latency, Period: 60, Stat: 'tm99' } }]
      },
      /tm99 .*not supported by the emulator/
    ]
  ])('refuses %s with InvalidParameterValue', async (_what, input, message) => {
    const error = await cloudwatch
      .send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 60_000),
          EndTime: new Date(),
          MetricDataQueries: [
            { Id: 'q', MetricStat: { Metric: latency, Period: 60, Stat: 'Sum' } }
          ],
          ...input
        })
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidParameterValueException)
    expect(error).toMatchObject({
      message: expect.stringMatching(message),
      Code: 'InvalidParameterValue'
    })
  })

  it('refuses data for the AWS/ namespaces, which only AWS services fill', async () => {
    const error = await cloudwatch
      .send(
        new PutMetricDataCommand({
          Namespace: 'AWS/ApplicationELB',
          MetricData: [{ MetricName: 'RequestCount', Value: 1 }]
        })
      )
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidParameterValueException)
    expect((await calls(emulator.url, { service: 'cloudwatch' }))[0]).toMatchObject({
      operation: 'PutMetricData',
      mutating: true,
      status: 400,
      error: 'InvalidParameterValueException'
    })
  })

  it('answers a missing parameter with MissingParameter, as the Query API names it', async () => {
    const error = await cloudwatch
      .send(new PutMetricDataCommand({ Namespace: 'Shop', MetricData: [] }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingRequiredParameterException)
    expect(error).toMatchObject({ Code: 'MissingParameter', $metadata: { httpStatusCode: 400 } })
  })

  it('reads a large PutMetricData, which the SDK sends gzipped', async () => {
    const encodings: (string | undefined)[] = []
    cloudwatch.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> }
        encodings.push(request.headers?.['content-encoding'])
        return next(args)
      },
      { step: 'finalizeRequest', name: 'recordEncoding' }
    )
    try {
      const now = Date.now()
      const data = Array.from({ length: 400 }, (_, i) => ({
        MetricName: 'Latency',
        Dimensions: [{ Name: 'Page', Value: `/catalogue/item-${i}` }],
        Value: i
      }))
      await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Shop', MetricData: data }))
      expect(encodings).toEqual(['gzip'])
      const answer = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 100),
          EndTime: new Date(now + 500),
          MetricDataQueries: [
            {
              Id: 'last',
              MetricStat: {
                Metric: {
                  ...latency,
                  Dimensions: [{ Name: 'Page', Value: '/catalogue/item-399' }]
                },
                Period: 60,
                Stat: 'Sum'
              }
            }
          ]
        })
      )
      expect(answer.MetricDataResults?.[0]?.Values).toEqual([399])
    } finally {
      cloudwatch.middlewareStack.remove('recordEncoding')
    }
  })
})
