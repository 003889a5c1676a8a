import type { SimClock } from '../core/clock.js'
import type { CallContext, ServiceBackend } from '../core/contracts.js'
import { AwsError } from '../core/errors.js'
import type { ServedRequest } from '../dataplane/served.js'
import { albDatapoints } from './alb-metrics.js'
import { deleteAlarmsOp, putMetricAlarmOp, setAlarmStateOp } from './alarms.js'
import { evaluateComposites, putCompositeAlarmOp } from './composite-alarms.js'
import { describeAlarmsOp } from './describe-alarms.js'
import { EcsMetrics, type UsageSource } from './ecs-metrics.js'
import { evaluateAlarms } from './evaluate.js'
import { getMetricDataOp, putMetricDataOp } from './metric-data.js'
import { CloudWatchModel } from './model.js'
import type { MetricName } from './metric-store.js'
import type { Params } from './params.js'
import { type Datapoint, series, statistic } from './read.js'
import type { Stat } from './statistics.js'

type Operation = (model: CloudWatchModel, params: Params, ctx: CallContext) => object

const OPERATIONS: Record<string, Operation> = {
  PutMetricAlarm: putMetricAlarmOp,
  PutCompositeAlarm: putCompositeAlarmOp,
  DescribeAlarms: describeAlarmsOp,
  DeleteAlarms: deleteAlarmsOp,
  SetAlarmState: setAlarmStateOp,
  GetMetricData: getMetricDataOp,
  PutMetricData: putMetricDataOp
}

export interface CloudWatchOptions {
  /** the services and their RUNNING tasks, for the AWS/ECS metrics; none are published without */
  ecsUsage?: UsageSource
}

/**
 * Amazon CloudWatch metrics and metric alarms, in memory. What the simulation publishes itself:
 * AWS/ApplicationELB from every request the data plane serves (./alb-metrics.ts), and AWS/ECS
 * service utilization once a simulated minute (./ecs-metrics.ts).
 */
export class CloudWatchBackend implements ServiceBackend {
  readonly service = 'cloudwatch'
  readonly model: CloudWatchModel
  private readonly ecsMetrics: EcsMetrics | undefined

  constructor(clock: SimClock, options: CloudWatchOptions = {}) {
    this.model = new CloudWatchModel(clock)
    this.ecsMetrics = options.ecsUsage && new EcsMetrics(this.model.metrics, options.ecsUsage)
  }

  handles(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation)
  }

  isMutating(operation: string): boolean {
    return !/^(Describe|Get|List)/.test(operation)
  }

  call(operation: string, params: Record<string, unknown>, ctx: CallContext): unknown {
    const run = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (!run) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`)
    return run(this.model, params ?? {}, ctx)
  }

  /** the load balancer metrics of one request the data plane served, and its task's share */
  recordServed(served: ServedRequest): void {
    for (const { name, datum } of albDatapoints(served)) this.model.metrics.put(name, datum)
    this.ecsMetrics?.countServed(served)
  }

  /**
   * A statistic of a metric over simulated [fromSim, toSim), undefined without datapoints: what
   * another backend (Application Auto Scaling) reads, e.g.
   * `statistic({ region, namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions }, 'Average', t - 60_000, t)`.
   */
  statistic(
    name: MetricName,
    stat: Stat | string,
    fromSim: number,
    toSim: number
  ): number | undefined {
    return statistic(this.model.metrics, name, stat, fromSim, toSim)
  }

  /** the statistic per period of `periodMs` from `fromSim`, oldest first, as GetMetricData gives it */
  series(
    name: MetricName,
    stat: Stat | string,
    periodMs: number,
    fromSim: number,
    toSim: number
  ): Datapoint[] {
    return series(this.model.metrics, name, stat, periodMs, fromSim, toSim)
  }

  /** publishes the minutes of AWS/ECS metrics that ended, then evaluates the alarms due by `simNow` */
  advance(simNow: number): void {
    this.ecsMetrics?.advance(simNow)
    evaluateAlarms(this.model, simNow)
    evaluateComposites(this.model)
  }

  reset(): void {
    this.model.clear()
    this.ecsMetrics?.reset()
  }
}
