import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery,
  type MetricDataResult
} from '@aws-sdk/client-cloudwatch'
import type { AlarmState, AlarmView, MetricsPort, SideFigures } from '../rollout/ports.js'

const NAMESPACE = 'AWS/ApplicationELB'
/** ALB metrics are published per minute: a shorter period has nothing more in it */
const PERIOD_STEP_S = 60

/** The four figures of one target group, as GetMetricData query ids: `<figure><index>`. */
const FIGURES = [
  { id: 'requests', metric: 'RequestCount', stat: 'Sum' },
  { id: 'errors', metric: 'HTTPCode_Target_5XX_Count', stat: 'Sum' },
  { id: 'ninetyfive', metric: 'TargetResponseTime', stat: 'p95' },
  { id: 'ninetynine', metric: 'TargetResponseTime', stat: 'p99' }
] as const

/** CloudWatch behind the rollout's MetricsPort: one call per method, pages followed. */
export class CloudWatchAdapter implements MetricsPort {
  constructor(private readonly client: CloudWatchClient) {}

  async sideFigures(query: {
    loadBalancer: string
    targetGroups: string[]
    from: number
    to: number
  }): Promise<Record<string, SideFigures>> {
    const seconds = Math.max(1, Math.ceil((query.to - query.from) / 1000))
    // one period over the whole window where the rounding of StartTime allows, so that a
    // percentile is the window's own and not one of several periods'
    const period = Math.ceil(seconds / PERIOD_STEP_S) * PERIOD_STEP_S
    const queries: MetricDataQuery[] = query.targetGroups.flatMap((targetGroup, index) =>
      FIGURES.map((figure) => ({
        Id: `${figure.id}${index}`,
        MetricStat: {
          Metric: {
            Namespace: NAMESPACE,
            MetricName: figure.metric,
            Dimensions: [
              { Name: 'TargetGroup', Value: targetGroup },
              { Name: 'LoadBalancer', Value: query.loadBalancer }
            ]
          },
          Period: period,
          Stat: figure.stat
        },
        ReturnData: true
      }))
    )
    const results: MetricDataResult[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(query.from),
          EndTime: new Date(query.to),
          NextToken: token
        })
      )
      results.push(...(page.MetricDataResults ?? []))
      token = page.NextToken
    } while (token)
    const values = (id: string): number[] =>
      results.filter((result) => result.Id === id).flatMap((result) => result.Values ?? [])
    const figures: Record<string, SideFigures> = {}
    query.targetGroups.forEach((targetGroup, index) => {
      const sum = (id: string) => values(`${id}${index}`).reduce((a, b) => a + b, 0)
      // several periods: the worst one stands for the window
      const worst = (id: string) => {
        const all = values(`${id}${index}`)
        return all.length === 0 ? undefined : Math.max(...all) * 1000
      }
      const p95Ms = worst('ninetyfive')
      const p99Ms = worst('ninetynine')
      figures[targetGroup] = {
        requests: sum('requests'),
        errors5xx: sum('errors'),
        ...(p95Ms === undefined ? {} : { p95Ms }),
        ...(p99Ms === undefined ? {} : { p99Ms })
      }
    })
    return figures
  }

  async describeAlarms(names: string[]): Promise<AlarmView[]> {
    const found: AlarmView[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(
        new DescribeAlarmsCommand({
          AlarmNames: names,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          NextToken: token
        })
      )
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (!alarm.AlarmName) continue
        found.push({
          name: alarm.AlarmName,
          state: stateOf(alarm.StateValue),
          reason: alarm.StateReason ?? ''
        })
      }
      token = page.NextToken
    } while (token)
    return found
  }
}

function stateOf(value: string | undefined): AlarmState {
  return value === 'OK' || value === 'ALARM' ? value : 'INSUFFICIENT_DATA'
}
